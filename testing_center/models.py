"""Testing center tables: the question bank, blueprints, sittings and attempts.

* ``Topic`` / ``Question`` / ``QuestionRevision`` are the bank. A topic belongs either to the
  real bank or to the practice bank (``is_practice``); a practice blueprint may draw only
  from practice topics and a real one only from real topics (checked by services).
* ``Blueprint`` / ``BlueprintSection`` describe a test as data: sections drawn at random
  from topics, points, time limit, grace, attempts allowed and pass rules.
* ``Sitting`` attaches a blueprint to one recruitment ``Stage``.
* ``Attempt`` / ``AttemptItem`` are one candidate's paper. An attempt points to the
  anonymous ``Application`` (never to the person); a practice attempt points to nothing but
  a random token held in the visitor's session.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import StateBody

LANGUAGES = ("kk", "ru", "en")


def localised(obj, field: str) -> str:
    lang = (get_language() or "kk")[:2]
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_ru", "")


def option_text(option: dict) -> str:
    lang = (get_language() or "kk")[:2]
    return option.get(lang) or option.get("ru") or ""


class Topic(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    is_practice = models.BooleanField(
        _("practice bank"),
        default=False,
        help_text=_("Practice topics are open to everyone and never used in a real test."),
    )
    owner_body = models.ForeignKey(
        StateBody,
        verbose_name=_("bank owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the national bank, kept by the platform administrators."),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["is_practice", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SHORT_TEXT = "short_text", _("Short text")
        ESSAY = "essay", _("Essay")
        LIKERT = "likert", _("Scale (personal qualities)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    CLOSED_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.SHORT_TEXT)

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="questions"
    )
    external_id = models.SlugField(
        _("identifier"),
        max_length=64,
        unique=True,
        help_text=_("Stable identifier used by import and export."),
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    # [{"id": "a", "kk": "...", "ru": "...", "en": "..."}, ...]
    options = models.JSONField(_("options"), default=list, blank=True)
    # single/multiple: ids of the correct options; short_text: accepted answers;
    # likert: {"option id": points}; essay: empty.
    key = models.JSONField(_("key"), default=list, blank=True)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, default=Decimal(1))
    reference_answer = models.TextField(_("reference answer"), blank=True)
    rubric = models.JSONField(_("rubric"), default=list, blank=True)
    explanation_kk = models.TextField(_("explanation (Kazakh)"), blank=True)
    explanation_ru = models.TextField(_("explanation (Russian)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    source = models.CharField(_("legal source"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["topic", "external_id"]
        indexes = [models.Index(fields=["topic", "status"])]

    def __str__(self) -> str:
        return self.external_id

    @property
    def text(self) -> str:
        return localised(self, "text")

    @property
    def explanation(self) -> str:
        return localised(self, "explanation")

    @property
    def is_closed(self) -> bool:
        return self.kind in self.CLOSED_KINDS


class QuestionRevision(models.Model):
    """A snapshot of a question as it was after each edit: the bank's history."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    edited_by = models.ForeignKey(
        "eqyzmet.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("question revision")
        verbose_name_plural = _("question revisions")
        ordering = ["question", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["question", "version"], name="unique_question_version")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.version}"


class Blueprint(models.Model):
    """A test as data: what is drawn, how long it lasts and what passes."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed-item test")
        SCALE = "scale", _("Personal-qualities questionnaire")
        ESSAY = "essay", _("Essay")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255)
    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CLOSED)
    is_practice = models.BooleanField(_("practice test"), default=False)
    time_limit_seconds = models.PositiveIntegerField(_("time limit, seconds"))
    grace_seconds = models.PositiveIntegerField(
        _("grace period, seconds"),
        default=15,
        help_text=_("Answers sent this long after the deadline still count (network delays)."),
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=1)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    pass_min_correct = models.PositiveSmallIntegerField(
        _("pass: minimum correct answers overall"), null=True, blank=True
    )
    pass_min_score = models.DecimalField(
        _("pass: minimum score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    essay_max_words = models.PositiveSmallIntegerField(
        _("essay: maximum words"), null=True, blank=True
    )
    show_item_results = models.BooleanField(
        _("show the candidate which items were right"), default=True
    )
    instructions_kk = models.TextField(_("instructions (Kazakh)"), blank=True)
    instructions_ru = models.TextField(_("instructions (Russian)"), blank=True)
    instructions_en = models.TextField(_("instructions (English)"), blank=True)

    class Meta:
        verbose_name = _("blueprint")
        verbose_name_plural = _("blueprints")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localised(self, "name")

    @property
    def instructions(self) -> str:
        return localised(self, "instructions")

    @property
    def time_limit_clock(self) -> str:
        minutes, seconds = divmod(self.time_limit_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class BlueprintSection(models.Model):
    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("order"))
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="+"
    )
    item_count = models.PositiveSmallIntegerField(_("items drawn"))
    points_per_item = models.DecimalField(
        _("points per item"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: each question's own points."),
    )
    min_correct = models.PositiveSmallIntegerField(
        _("pass: minimum correct in this section"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["blueprint", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["blueprint", "position"], name="unique_blueprint_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.blueprint.code} §{self.position}"


class Sitting(models.Model):
    """A recruitment stage taken as a test with a given blueprint."""

    stage = models.OneToOneField(
        "recruitment.Stage",
        verbose_name=_("stage"),
        on_delete=models.CASCADE,
        related_name="sitting",
    )
    blueprint = models.ForeignKey(
        Blueprint, verbose_name=_("blueprint"), on_delete=models.PROTECT, related_name="sittings"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    analysed_at = models.DateTimeField(_("item analysis made"), null=True, editable=False)

    class Meta:
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")

    def __str__(self) -> str:
        return f"{self.stage_id} · {self.blueprint.code}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted, being scored")
        SCORED = "scored", _("Scored")

    class SubmittedBy(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        TIMER = "timer", _("Time ran out")

    sitting = models.ForeignKey(
        Sitting, null=True, blank=True, on_delete=models.PROTECT, related_name="attempts"
    )
    blueprint = models.ForeignKey(Blueprint, on_delete=models.PROTECT, related_name="attempts")
    application = models.ForeignKey(
        "recruitment.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="test_attempts",
    )
    practice_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    number = models.PositiveSmallIntegerField(default=1)
    seed = models.CharField(max_length=32, editable=False)
    language = models.CharField(max_length=8, default="kk")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.IN_PROGRESS, db_index=True
    )
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField()
    grace_seconds = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(
        max_length=16, choices=SubmittedBy.choices, blank=True, default=""
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    # [{"position", "topic", "name_kk/ru/en", "items", "correct", "score", "min_correct", "ok"}]
    sections = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sitting", "application", "number"],
                condition=models.Q(sitting__isnull=False),
                name="one_attempt_number_per_application",
            )
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"Attempt #{self.pk}"

    @property
    def closes_at(self):
        """The last moment an answer is accepted: the deadline plus the grace period."""
        return self.deadline + timezone.timedelta(seconds=self.grace_seconds)

    @property
    def is_practice(self) -> bool:
        return self.sitting_id is None


class AttemptItem(models.Model):
    """One drawn question on one paper, with its autosaved answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    section_position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    question_version = models.PositiveIntegerField(default=1)
    option_order = models.JSONField(default=list)
    answer = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    # The client's clock when the candidate made the change: a late retry of an older
    # change never overwrites a newer one (two tabs, dropped connections).
    changed_at_ms = models.BigIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    points = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(1))
    awarded = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("attempt item")
        verbose_name_plural = _("attempt items")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="unique_attempt_position")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.position}"


class IntegrityEvent(models.Model):
    """What happened during an attempt. Recorded for review, never punishing by itself."""

    class Kind(models.TextChoices):
        ITEM_TIME = "item_time", _("Time on an item")
        FOCUS_LOST = "focus_lost", _("Left the test window")
        PASTE = "paste", _("Pasted into an answer")
        RESUMED = "resumed", _("Reopened the test")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    value_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("integrity event")
        verbose_name_plural = _("integrity events")
        ordering = ["attempt", "created_at"]

    def __str__(self) -> str:
        return f"{self.attempt_id} {self.kind}"


class ItemStatistic(models.Model):
    """Moodle-style statistics of one question in one sitting."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="item_stats")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="stats")
    attempts = models.PositiveIntegerField(_("attempts"))
    facility = models.FloatField(_("facility index, %"), null=True)
    sd = models.FloatField(_("standard deviation, %"), null=True)
    discrimination_index = models.FloatField(_("discrimination index, %"), null=True)
    discriminative_efficiency = models.FloatField(_("discriminative efficiency, %"), null=True)
    flagged = models.BooleanField(_("flagged"), default=False)
    flag_reasons = models.JSONField(_("reasons"), default=list)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("item statistic")
        verbose_name_plural = _("item statistics")
        ordering = ["sitting", "question"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "question"], name="unique_item_statistic")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} @ {self.sitting_id}"


class SittingStatistic(models.Model):
    sitting = models.OneToOneField(Sitting, on_delete=models.CASCADE, related_name="statistics")
    attempts = models.PositiveIntegerField(_("attempts"))
    mean = models.FloatField(_("mean score"), null=True)
    median = models.FloatField(_("median score"), null=True)
    sd = models.FloatField(_("standard deviation"), null=True)
    cic = models.FloatField(
        _("coefficient of internal consistency (Cronbach's alpha), %"), null=True
    )
    error_ratio = models.FloatField(_("error ratio, %"), null=True)
    standard_error = models.FloatField(_("standard error"), null=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sitting statistic")
        verbose_name_plural = _("sitting statistics")

    def __str__(self) -> str:
        return f"{self.sitting_id}"
