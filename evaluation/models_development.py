"""Competence development: the competency model per position family, the training
catalogue, individual development plans drafted from the annual evaluation, and records of
completed training.

Plans never hold a 360 answer: only how many closed rounds (of at least three answers) put
a theme below the expected mark, the figure the employee already sees as an aggregate.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def private_storage() -> FileSystemStorage:
    """As for KPI evidence: under MEDIA_ROOT, handed out only by a permission-checked view."""
    return FileSystemStorage(base_url=None)


def evidence_upload_to(instance, filename: str) -> str:
    return f"evaluation/{uuid.uuid4().hex}"  # random, no extension, as KPI evidence


LEVEL = [MinValueValidator(1), MaxValueValidator(5)]
FEEDBACK_THEMES = (
    ("collaboration", _("Works well with others")),
    ("reliability", _("Delivers what was promised, on time")),
    ("respect", _("Treats colleagues and citizens with respect")),
)


def _translated(obj, prefix: str) -> str:
    lang = (get_language() or "kk")[:2]
    return getattr(obj, f"{prefix}_{lang}", None) or getattr(obj, f"{prefix}_ru")


class PositionFamily(models.Model):
    """A family of positions sharing one competency profile (e.g. "Digital services")."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("position family")
        verbose_name_plural = _("position families")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _translated(self, "name")


class ExpectedLevel(models.Model):
    """The level (1-5) a position family expects in one competency."""

    family = models.ForeignKey(
        PositionFamily, on_delete=models.CASCADE, related_name="expected_levels"
    )
    competency = models.ForeignKey(
        "evaluation.Competency",
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("expected level"), validators=LEVEL)

    class Meta:
        verbose_name = _("expected level")
        verbose_name_plural = _("expected levels")
        constraints = [
            models.UniqueConstraint(fields=["family", "competency"], name="eval_expected_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.level}"


class LevelDescriptor(models.Model):
    """What a level of a competency looks like in practice."""

    competency = models.ForeignKey(
        "evaluation.Competency",
        verbose_name=_("competency"),
        on_delete=models.CASCADE,
        related_name="level_descriptors",
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL)
    text_kk = models.TextField(_("description (Kazakh)"))
    text_ru = models.TextField(_("description (Russian)"))
    text_en = models.TextField(_("description (English)"))

    class Meta:
        verbose_name = _("level descriptor")
        verbose_name_plural = _("level descriptors")
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="eval_descriptor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.level}"

    @property
    def text(self) -> str:
        return _translated(self, "text")


class FamilyMembership(models.Model):
    """Which position family an employee's post belongs to."""

    employee = models.OneToOneField(
        "evaluation.Employee",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="family_membership",
    )
    family = models.ForeignKey(
        PositionFamily,
        verbose_name=_("position family"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("position family of an employee")
        verbose_name_plural = _("position families of employees")

    def __str__(self) -> str:
        return f"{self.employee_id} → {self.family_id}"


class Course(models.Model):
    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        CLASSROOM = "classroom", _("Classroom")
        BLENDED = "blended", _("Blended")

    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0.5)]
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    competencies = models.ManyToManyField(
        "evaluation.Competency", verbose_name=_("competencies"), blank=True, related_name="courses"
    )
    is_active = models.BooleanField(_("in the catalogue"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("training catalogue")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MandatoryTraining(models.Model):
    """A course every employee of a position family must complete by a date."""

    family = models.ForeignKey(
        PositionFamily,
        verbose_name=_("position family"),
        on_delete=models.CASCADE,
        related_name="mandatory",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("complete by"))

    class Meta:
        verbose_name = _("mandatory training")
        verbose_name_plural = _("mandatory training")
        constraints = [
            models.UniqueConstraint(fields=["family", "course"], name="eval_mandatory_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course} · {self.due_date}"


class DevelopmentPlan(models.Model):
    """An individual development plan drafted from one annual result."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, to be agreed")
        AGREED = "agreed", _("Agreed")
        COMPLETED = "completed", _("Completed")

    employee = models.ForeignKey(
        "evaluation.Employee",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="plans",
    )
    assessment = models.OneToOneField(
        "evaluation.Assessment",
        verbose_name=_("annual result"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="development_plan",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    family = models.ForeignKey(PositionFamily, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # {"collaboration": 2, ...}: closed rounds (>= 3 answers) with the theme below 3.5.
    feedback_themes = models.JSONField(default=dict, editable=False)
    employee_agreed_at = models.DateTimeField(null=True, editable=False)
    manager_agreed_at = models.DateTimeField(null=True, editable=False)
    manager_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        ordering = ["-year", "employee__user__email"]
        permissions = [
            (
                "view_development_overview",
                "Can see training hours and development gaps of every body (authorised body)",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.employee_id}"

    def theme_rows(self) -> list[tuple[str, int]]:
        """The 360 themes to develop, as (label, rounds below 3.5); counts only."""
        return [
            (str(label), int(self.feedback_themes[key]))
            for key, label in FEEDBACK_THEMES
            if self.feedback_themes.get(key)
        ]

    def progress(self) -> tuple[int, int]:
        goals = list(self.goals.all())
        return sum(g.status == DevelopmentGoal.Status.DONE for g in goals), len(goals)


class DevelopmentGoal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        DONE = "done", _("Achieved")

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    competency = models.ForeignKey(
        "evaluation.Competency", on_delete=models.PROTECT, related_name="+"
    )
    current_level = models.PositiveSmallIntegerField(validators=LEVEL)
    expected_level = models.PositiveSmallIntegerField(validators=LEVEL)
    due_date = models.DateField(_("due"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The evaluation the achieved goal counted in, and the points it added there.
    counted_in = models.ForeignKey(
        "evaluation.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        related_name="development_goals",
    )
    points = models.DecimalField(max_digits=5, decimal_places=2, default=0)

    class Meta:
        ordering = ["plan", "competency__position", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.competency_id}"

    def expected_descriptor(self) -> str:
        """What the expected level looks like (from prefetched descriptors)."""
        for row in self.competency.level_descriptors.all():
            if row.level == self.expected_level:
                return row.text
        return ""


class GoalActivity(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", _("Course")
        MENTORING = "mentoring", _("Mentoring")
        ROTATION = "rotation", _("Rotation")
        PROJECT = "project", _("Project")

    goal = models.ForeignKey(DevelopmentGoal, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.kind


class CourseCompletion(models.Model):
    """An employee's record of a course completed, with evidence, confirmed by a manager."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Awaiting the manager")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not confirmed")

    employee = models.ForeignKey(
        "evaluation.Employee", on_delete=models.CASCADE, related_name="completions"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="completions"
    )
    completed_on = models.DateField(_("completed on"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECORDED, editable=False
    )
    evidence = models.FileField(
        upload_to=evidence_upload_to, storage=private_storage, blank=True, max_length=200
    )
    evidence_name = models.CharField(max_length=120, blank=True, editable=False)
    evidence_type = models.CharField(max_length=40, blank=True, editable=False)
    evidence_size = models.PositiveIntegerField(default=0, editable=False)
    evidence_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("completed training")
        verbose_name_plural = _("completed training")
        ordering = ["-completed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.course_id}"


class TrainingReminderSent(models.Model):
    """One row per employee, mandatory course and due date: reminders go out once."""

    employee = models.ForeignKey("evaluation.Employee", on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(MandatoryTraining, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "requirement", "due_date"], name="eval_one_training_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}:{self.requirement_id}:{self.due_date}"
