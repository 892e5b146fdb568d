"""Performance evaluation of civil servants: employees, cycles, assessments and their parts.

The formulas live in ``evaluation.scoring``; the rules that feed them are a body's
``EvaluationRules`` row, copied into ``Cycle.rules`` when a cycle opens so that later
changes never alter a cycle already under way or closed.

360 feedback is anonymous by construction: ``FeedbackInvitation`` knows who was asked and
whether they answered; ``FeedbackResponse`` holds the marks and has no link to a person,
no time stamp and no admin page. Only aggregates of at least three answers leave the app.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import StateBody

MIN_FEEDBACK_RESPONDENTS = 3


def private_storage() -> FileSystemStorage:
    """Evidence lives under MEDIA_ROOT, never served directly: only a permission-checked
    view hands it out, as an attachment. (No location: follows settings.MEDIA_ROOT.)"""
    return FileSystemStorage(base_url=None)


def evidence_upload_to(instance, filename: str) -> str:
    # A random name with no extension: nothing on disk can be executed or guessed.
    return f"evaluation/{uuid.uuid4().hex}"


class Employee(models.Model):
    """A civil servant who is evaluated: their post, unit and evaluators."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="evaluation_employee",
    )
    position = models.CharField(_("position"), max_length=200)
    state_body = models.ForeignKey(
        StateBody,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="evaluation_employees",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("immediate supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_supervised",
    )
    unit_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of the unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_headed",
    )
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["state_body__path", "user__email"]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.position})"


class EvaluationRules(models.Model):
    """A body's rules for cycles it opens from now on (weights, caps, bands, bonus tiers).

    Changing a row never changes a cycle already opened: the cycle keeps its snapshot.
    Defaults follow the rules in force since 1 August 2025 (quarterly evaluation due by the
    20th of the next month, annual score by 30 January, records kept 3 years).
    """

    state_body = models.OneToOneField(
        StateBody,
        verbose_name=_("state body"),
        on_delete=models.PROTECT,
        related_name="evaluation_rules",
    )
    kpi_weight = models.PositiveSmallIntegerField(_("KPI weight (percent)"), default=50)
    competency_weight = models.PositiveSmallIntegerField(
        _("competency weight (percent)"), default=30
    )
    feedback_weight = models.PositiveSmallIntegerField(
        _("360 feedback weight (percent)"), default=10
    )
    citizen_weight = models.PositiveSmallIntegerField(
        _("citizens' ratings weight (percent)"), default=10
    )
    kpi_cap_percent = models.PositiveSmallIntegerField(
        _("KPI achievement cap (percent)"),
        default=120,
        validators=[MinValueValidator(100), MaxValueValidator(200)],
    )
    feedback_min_respondents = models.PositiveSmallIntegerField(
        _("fewest 360 respondents shown"),
        default=MIN_FEEDBACK_RESPONDENTS,
        validators=[MinValueValidator(MIN_FEEDBACK_RESPONDENTS)],
    )
    exceeds_min = models.DecimalField(
        _("'exceeds' from score"), max_digits=5, decimal_places=2, default=Decimal("90")
    )
    meets_min = models.DecimalField(
        _("'meets' from score"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    partly_min = models.DecimalField(
        _("'partly meets' from score"), max_digits=5, decimal_places=2, default=Decimal("50")
    )
    tier1_min = models.DecimalField(
        _("bonus tier 1 from score"), max_digits=5, decimal_places=2, default=Decimal("95")
    )
    tier1_percent = models.PositiveSmallIntegerField(
        _("bonus tier 1 (percent of salary)"), default=30
    )
    tier2_min = models.DecimalField(
        _("bonus tier 2 from score"), max_digits=5, decimal_places=2, default=Decimal("85")
    )
    tier2_percent = models.PositiveSmallIntegerField(
        _("bonus tier 2 (percent of salary)"), default=20
    )
    tier3_min = models.DecimalField(
        _("bonus tier 3 from score"), max_digits=5, decimal_places=2, default=Decimal("70")
    )
    tier3_percent = models.PositiveSmallIntegerField(
        _("bonus tier 3 (percent of salary)"), default=10
    )
    quarter_due_day = models.PositiveSmallIntegerField(
        _("quarterly evaluation due on day of the next month"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    annual_due_day = models.PositiveSmallIntegerField(
        _("annual score due on day of January"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    contest_days = models.PositiveSmallIntegerField(
        _("days to acknowledge or contest"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind this many days before a deadline"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    retention_years = models.PositiveSmallIntegerField(
        _("keep results for years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(75)],
    )
    development_goal_points = models.DecimalField(
        _("points per achieved development goal"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2"),
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    development_points_cap = models.DecimalField(
        _("most development points in one evaluation"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("6"),
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation rules")
        verbose_name_plural = _("evaluation rules")

    def __str__(self) -> str:
        return str(self.state_body)

    def clean(self):
        from evaluation.scoring import rules_problems

        problems = rules_problems(self.snapshot())
        if problems:
            raise ValidationError(problems)

    def snapshot(self) -> dict:
        """The rules as plain data, as a cycle keeps them."""
        from evaluation.scoring import RULE_FIELDS

        return {
            name: (str(value) if isinstance(value, Decimal) else value)
            for name in RULE_FIELDS
            if (value := getattr(self, name)) is not None
        }


class Competency(models.Model):
    """A competency the evaluators rate from 1 to 5 (per body; empty body = everyone)."""

    state_body = models.ForeignKey(
        StateBody,
        verbose_name=_("state body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_competencies",
    )
    code = models.SlugField(_("code"), max_length=40)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["state_body", "code"], name="eval_competency_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "kk")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_ru


class Cycle(models.Model):
    """One evaluation period of one body (and the bodies beneath it)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        ANNUAL = "annual", _("Year")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    state_body = models.ForeignKey(
        StateBody,
        verbose_name=_("state body"),
        on_delete=models.PROTECT,
        related_name="evaluation_cycles",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.QUARTER)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    period_start = models.DateField(_("period start"), editable=False)
    period_end = models.DateField(_("period end"), editable=False)
    due_date = models.DateField(_("evaluation due"), editable=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    rules = models.JSONField(_("rules in force"), default=dict, editable=False)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["-period_start", "state_body__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["state_body", "kind", "year", "quarter"], name="eval_cycle_unique"
            ),
            models.UniqueConstraint(
                fields=["state_body", "kind", "year"],
                condition=models.Q(quarter__isnull=True),
                name="eval_cycle_annual_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} · {self.state_body.code}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.ANNUAL:
            return str(self.year)
        return f"{self.year} Q{self.quarter}"


class Assessment(models.Model):
    """One employee's evaluation in one cycle, and its result."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the supervisor")
        SUPERVISOR_DONE = "supervisor_done", _("Awaiting the head of the unit")
        FINALIZED = "finalized", _("Result issued")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CONTESTED = "contested", _("Contested, under review")
        REVIEWED = "reviewed", _("Review decided")

    class Band(models.TextChoices):
        EXCEEDS = "exceeds", _("Exceeds expectations")
        MEETS = "meets", _("Meets expectations")
        PARTLY = "partly", _("Partly meets expectations")
        DOES_NOT_MEET = "does_not_meet", _("Does not meet expectations")

    class ReviewOutcome(models.TextChoices):
        UPHELD = "upheld", _("Result upheld")
        REVISED = "revised", _("Result revised")

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="assessments"
    )
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    # Denormalised so an employee can never hold two results for one period, whichever
    # body's cycle reached them.
    period_key = models.CharField(max_length=16, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, editable=False
    )
    supervisor_comment = models.TextField(_("supervisor's comment"), blank=True)
    head_comment = models.TextField(_("head's comment"), blank=True)
    supervisor_scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    head_scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    kpi_score = models.DecimalField(
        _("KPI score"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    competency_score = models.DecimalField(
        _("competency score"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    feedback_score = models.DecimalField(
        _("360 score"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    citizen_score = models.DecimalField(
        _("citizens' score"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    composite = models.DecimalField(
        _("composite score"), max_digits=6, decimal_places=2, null=True, editable=False
    )
    band = models.CharField(_("band"), max_length=16, choices=Band.choices, blank=True)
    bonus_tier = models.PositiveSmallIntegerField(_("bonus tier"), null=True, editable=False)
    bonus_percent = models.PositiveSmallIntegerField(
        _("bonus (percent of salary)"), default=0, editable=False
    )
    quarters_counted = models.PositiveSmallIntegerField(default=0, editable=False)
    finalized_at = models.DateTimeField(_("result issued"), null=True, editable=False)
    respond_by = models.DateField(_("acknowledge or contest by"), null=True, editable=False)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, editable=False)
    contested_at = models.DateTimeField(_("contested"), null=True, editable=False)
    contest_reason = models.TextField(_("grounds of the contest"), blank=True, editable=False)
    contest_is_ethical = models.BooleanField(_("ethical grounds"), default=False, editable=False)
    ethics_case_id = models.BigIntegerField(_("ethics case"), null=True, editable=False)
    review_outcome = models.CharField(
        _("review outcome"), max_length=8, choices=ReviewOutcome.choices, blank=True
    )
    review_note = models.TextField(_("review decision"), blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, editable=False)
    # The assessment's one 360 round closes once (by an evaluator, at the result or with
    # the cycle) and never reopens: only then is its aggregate shown, so no figure can be
    # read before and after one more answer.
    feedback_closed_at = models.DateTimeField(_("360 round closed"), null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-cycle__period_start", "employee__user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "period_key"], name="eval_one_assessment_per_period"
            )
        ]
        permissions = [("export_assessment", "Can export results for payroll")]

    def __str__(self) -> str:
        return f"{self.cycle.label} · {self.employee.user.email}"

    @property
    def has_result(self) -> bool:
        return self.status in RESULT_STATUSES


RESULT_STATUSES = frozenset(
    {
        Assessment.Status.FINALIZED,
        Assessment.Status.ACKNOWLEDGED,
        Assessment.Status.CONTESTED,
        Assessment.Status.REVIEWED,
    }
)


class Kpi(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    evidence = models.FileField(
        _("evidence"),
        upload_to=evidence_upload_to,
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    evidence_name = models.CharField(max_length=120, blank=True, editable=False)
    evidence_type = models.CharField(max_length=40, blank=True, editable=False)
    evidence_size = models.PositiveIntegerField(default=0, editable=False)
    evidence_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class CompetencyRating(models.Model):
    class Evaluator(models.TextChoices):
        SUPERVISOR = "supervisor", _("Immediate supervisor")
        HEAD = "head", _("Head of the unit")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="competency_ratings"
    )
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    evaluator = models.CharField(max_length=12, choices=Evaluator.choices)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("competency rating")
        verbose_name_plural = _("competency ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "competency", "evaluator"], name="eval_rating_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.score}"


class FeedbackInvitation(models.Model):
    """Who was asked for 360 feedback on an assessment, and whether they answered."""

    class Relation(models.TextChoices):
        PEER = "peer", _("Peer")
        SUBORDINATE = "subordinate", _("Subordinate")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="feedback_invitations"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    relation = models.CharField(max_length=12, choices=Relation.choices)
    # Only a yes/no, never a time: a time could be matched against an answer.
    answered = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"], name="eval_one_invitation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class FeedbackResponse(models.Model):
    """One anonymous 360 answer: marks only, no person, no time, no free text."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="feedback_responses"
    )
    collaboration = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reliability = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    respect = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    def __str__(self) -> str:
        return "360"


class ServiceDelivery(models.Model):
    """One service a servant delivered to a citizen, recorded by the service desk.

    The desk officer who records it is never the servant rated; a delivery has at most one
    rating link, so at most one rating. No citizen data is kept.
    """

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="service_deliveries",
    )
    state_body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("service"), max_length=200)
    delivered_on = models.DateField(_("delivered on"), default=timezone.localdate)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("desk officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("service delivery")
        verbose_name_plural = _("service deliveries")
        indexes = [models.Index(fields=["employee", "created_at"])]
        permissions = [("issue_rating_link", "Can issue citizens' rating links (service desk)")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class CitizenRatingQuerySet(models.QuerySet):
    def counted(self):
        """Ratings that count: given, for a delivery the desk recorded, by someone other
        than the person rated. Links from before deliveries existed were self-issued."""
        return self.filter(score__isnull=False, delivery__isnull=False).exclude(
            delivery__issued_by_id=models.F("employee__user_id")
        )


class CitizenRatingLink(models.Model):
    """A one-time link a citizen gets after a service; holds the rating once given.

    Only a SHA-256 of the token is stored (the token has 60 random bits and is shown once).
    """

    delivery = models.OneToOneField(
        ServiceDelivery,
        verbose_name=_("service delivery"),
        on_delete=models.CASCADE,
        null=True,
        related_name="rating_link",
        editable=False,
    )
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="citizen_links")
    state_body = models.ForeignKey(StateBody, on_delete=models.PROTECT, related_name="+")
    service = models.CharField(_("service"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    rated_at = models.DateTimeField(_("rated"), null=True, editable=False)
    score = models.PositiveSmallIntegerField(
        _("rating"), null=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)

    objects = CitizenRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("citizen rating")
        verbose_name_plural = _("citizens' ratings")
        indexes = [models.Index(fields=["employee", "rated_at"])]

    def __str__(self) -> str:
        return f"#{self.pk}"


class ReminderSent(models.Model):
    """One row per assessment and deadline: the unique key is what makes reminders once-only."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    deadline = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind", "deadline"], name="eval_one_reminder_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.kind}:{self.deadline}"


# Competence development lives in its own module; imported here so Django registers it.
from evaluation import models_development  # noqa: E402, F401
