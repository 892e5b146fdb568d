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

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import StateBody

LANGUAGES = ("kk", "ru", "en")


def localised(obj, field: str) -> str:
    lang = (get_language() or "kk")[:2]
    return getattr(obj, f"{field}_{lang}", "") or getattr(obj, f"{field}_ru", "")


def option_text(option: dict, lang: str | None = None) -> str:
    """The option's text in ``lang`` (by default the active language), else Russian."""
    lang = lang or (get_language() or "kk")[:2]
    return option.get(lang) or option.get("ru") or ""


OPTION_LABELS = "abcdefghijklmnopqrstuvwxyz"


def option_labels(*, seed: str, position: int, option_order: list[str]) -> dict[str, str]:
    """Option id → the label the candidate sees and posts for it on one paper.

    Drawn with the attempt's own seed, so the same label means a different option on every
    item and every paper: a constant answer ("a" everywhere) lands on the key by chance
    only, however the bank's keys are placed. Pure: the page, the autosave and the result
    compute it again instead of storing it.
    """
    import random

    names = [
        OPTION_LABELS[n] if n < len(OPTION_LABELS) else f"o{n}" for n in range(len(option_order))
    ]
    rng = random.Random(f"{seed}:labels:{position}")  # noqa: S311 - a fair shuffle, not a secret
    return dict(zip(option_order, rng.sample(names, len(names)), strict=True))


def answer_as_labels(answer, labels: dict[str, str]):
    """A stored answer (option ids) as the candidate's labels; text answers unchanged."""
    if isinstance(answer, list):
        return sorted(labels.get(a, a) for a in answer)
    if isinstance(answer, str) and labels:
        return labels.get(answer, answer)
    return answer


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
        permissions = [
            (
                "keep_national_bank",
                _("Can keep the national question bank (edit it, see and export its keys)"),
            )
        ]

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

    class Layout(models.TextChoices):
        ALL_ON_ONE_PAGE = "all", _("All questions on one page")
        ONE_PER_PAGE = "one", _("One question per page")

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
    layout = models.CharField(
        _("layout of the test page"),
        max_length=3,
        choices=Layout.choices,
        default=Layout.ALL_ON_ONE_PAGE,
        help_text=_("One per page adds Previous and Next; both show the question panel."),
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
    integrity_checked_at = models.DateTimeField(
        _("integrity analysis made"), null=True, editable=False
    )

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
    # A practice attempt taken under a group's tag (a school class code): only the tag's
    # aggregates are ever read back, never one attempt (``public.practice_aggregates``).
    practice_tag = models.CharField(
        max_length=32, blank=True, default="", db_index=True, editable=False
    )
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
    # Integrity events past the per-attempt cap are counted here by kind, not stored as rows.
    events_over_cap = models.JSONField(default=dict, blank=True, editable=False)

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
    # The candidate's own "flag for review" mark: a reminder, never scored or reported.
    flagged = models.BooleanField(default=False)

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


class DifCategory(models.TextChoices):
    """ETS classes of differential item functioning."""

    A = "A", _("A: negligible")
    B = "B", _("B: moderate")
    C = "C", _("C: large")


class DifFavours(models.TextChoices):
    REFERENCE = "ru", _("Russian-language candidates")
    FOCAL = "kk", _("Kazakh-language candidates")


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
    # Differential item functioning between Kazakh- and Russian-language papers
    # (Mantel–Haenszel, matched on the total score; ``analysis.dif``).
    dif_reference_n = models.PositiveIntegerField(_("papers in Russian"), default=0)
    dif_focal_n = models.PositiveIntegerField(_("papers in Kazakh"), default=0)
    dif_alpha = models.FloatField(_("MH common odds ratio"), null=True)
    dif_d = models.FloatField(_("MH D-DIF"), null=True)
    dif_d_se = models.FloatField(_("standard error of MH D-DIF"), null=True)
    dif_category = models.CharField(
        _("language DIF class"), max_length=1, choices=DifCategory.choices, blank=True
    )
    dif_favours = models.CharField(
        _("DIF favours"), max_length=2, choices=DifFavours.choices, blank=True
    )
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


# --- AI-assisted scoring -------------------------------------------------------------------
# The AI is a second opinion, never the decider: it scores essays with a confidence, the
# doubtful ones go to blind double marking, and the commission's marks make the result.


class ScoringPolicy(models.Model):
    """How much the AI is trusted on one open question, set by the bank's owner."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, related_name="scoring_policy"
    )
    confidence_threshold = models.DecimalField(
        _("confidence threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        help_text=_("Answers the model is less sure of than this go to blind double marking."),
    )

    class Routing(models.TextChoices):
        THRESHOLD = "threshold", _("Fixed confidence threshold")
        REVIEW_SHARE = "share", _("Target share of answers reviewed by people")
        RESIDUAL_ERROR = "error", _("Target share of answers left wrongly scored")

    routing = models.CharField(
        _("routing to people"),
        max_length=9,
        choices=Routing.choices,
        default=Routing.THRESHOLD,
        help_text=_(
            "Fixed: the confidence threshold below. A target: the question's own threshold "
            "is computed from the model's held-out answers so that the target is met."
        ),
    )
    routing_target = models.DecimalField(
        _("routing target, share"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_(
            "For a review share: the share of answers people mark (0.20 = 20 %). For a "
            "residual error: the largest share of all answers that may keep a wrong AI score."
        ),
    )
    review_margin = models.PositiveSmallIntegerField(
        _("largest accepted gap to the first human mark, points"),
        default=1,
        help_text=_(
            "When the first commission mark differs from the AI score by more, the answer "
            "goes to blind double marking."
        ),
    )

    class Meta:
        verbose_name = _("scoring policy")
        verbose_name_plural = _("scoring policies")

    def __str__(self) -> str:
        return str(self.question)


class TrainingUpload(models.Model):
    """A CSV of human-scored answers uploaded to train the scorer of bank questions."""

    uploaded_by = models.ForeignKey(
        "eqyzmet.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    rows = models.PositiveIntegerField(_("answers"))
    questions = models.JSONField(_("questions"), default=list)

    class Meta:
        verbose_name = _("training upload")
        verbose_name_plural = _("training uploads")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.filename


class TrainingAnswer(models.Model):
    """One human-scored answer the scorer learns from (from an upload)."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="training_answers"
    )
    upload = models.ForeignKey(TrainingUpload, on_delete=models.CASCADE, related_name="answers")
    answer_ref = models.CharField(_("answer identifier"), max_length=64)
    text = models.TextField(_("answer"), blank=True)
    score = models.PositiveSmallIntegerField(_("human score"))

    class Meta:
        verbose_name = _("training answer")
        verbose_name_plural = _("training answers")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "answer_ref"], name="unique_training_answer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.answer_ref}"


class TrainingRun(models.Model):
    """One request to (re)train scorers, with the progress the admin shows."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Training")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: every open question that has training answers."),
    )
    seed = models.PositiveIntegerField(_("random seed"), default=0)
    requested_by = models.ForeignKey(
        "eqyzmet.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress_done = models.PositiveIntegerField(_("questions trained"), default=0)
    progress_total = models.PositiveIntegerField(_("questions to train"), default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("training run")
        verbose_name_plural = _("training runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"


class ScoringModel(models.Model):
    """A trained scorer of one question, stored with everything an appeal may ask about."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="scoring_models")
    run = models.ForeignKey(
        TrainingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="models"
    )
    version = models.CharField(_("version"), max_length=120)
    algorithm = models.CharField(_("algorithm"), max_length=64)
    parameters = models.JSONField(_("parameters"), default=dict)
    decision = models.CharField(_("decision rule"), max_length=16)
    classes = models.JSONField(_("scores it knows"), default=list)
    training_size = models.PositiveIntegerField(_("training answers"))
    training_data_sha256 = models.CharField(_("SHA-256 of the training data"), max_length=64)
    cv_qwk = models.FloatField(_("cross-validated QWK"), null=True, blank=True)
    cv_folds = models.PositiveSmallIntegerField(_("cross-validation folds"), default=0)
    candidates_cv_qwk = models.JSONField(_("QWK of every candidate"), default=dict)
    seed = models.PositiveIntegerField(_("random seed"))
    notes = models.JSONField(_("notes"), default=list)
    # Out-of-fold [confidence, |AI − human|] of every training answer, sorted: what a
    # per-question routing threshold is computed from (``scoring.routing``).
    calibration = models.JSONField(_("held-out confidences"), default=list, editable=False)
    review_threshold = models.FloatField(
        _("confidence threshold of this question"),
        null=True,
        blank=True,
        help_text=_("Computed from the held-out answers for the question's scoring policy."),
    )
    expected_review_share = models.FloatField(
        _("expected share reviewed by people"), null=True, blank=True
    )
    expected_residual_error = models.FloatField(
        _("expected share left wrongly scored"), null=True, blank=True
    )
    model_sha256 = models.CharField(_("SHA-256 of the model"), max_length=64)
    model_bytes = models.BinaryField(editable=False)
    trained_at = models.DateTimeField(_("trained"))
    is_active = models.BooleanField(_("in use"), default=False)

    class Meta:
        verbose_name = _("scoring model")
        verbose_name_plural = _("scoring models")
        ordering = ["question", "-trained_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "model_sha256"], name="unique_scoring_model"
            ),
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(is_active=True),
                name="one_active_scoring_model",
            ),
        ]

    def __str__(self) -> str:
        return self.version


class EssayReview(models.Model):
    """An essay paper made ready for the commission: the text with identifying details
    redacted, the AI's second opinion, and how many blind marks it needs."""

    class Route(models.TextChoices):
        SINGLE = "single", _("Commission marking")
        DOUBLE = "double", _("Blind double marking")

    class Reason(models.TextChoices):
        LOW_CONFIDENCE = "low_confidence", _("the AI is not confident")
        NO_MODEL = "no_model", _("no trained scorer for the question")
        GAP = "gap", _("the first mark differs from the AI score")
        UNFAMILIAR = (
            "unfamiliar",
            _("the text is unlike the answers the AI learned from (another language?)"),
        )

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="review")
    # [{"position", "question", "text", "redactions": {"NAME": 2, ...}}] — redacted text only
    items = models.JSONField(default=list)
    self_identification = models.BooleanField(_("possible self-identification"), default=False)
    ai_score = models.DecimalField(
        _("AI score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    ai_confidence = models.FloatField(_("AI confidence"), null=True, blank=True)
    gap_margin = models.DecimalField(
        _("largest accepted gap to the first mark"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    route = models.CharField(_("marking"), max_length=8, choices=Route.choices)
    reasons = models.JSONField(_("why"), default=list)
    prepared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("essay review")
        verbose_name_plural = _("essay reviews")

    def __str__(self) -> str:
        return f"{self.attempt_id} {self.route}"

    @property
    def marks_required(self) -> int:
        return 2 if self.route == self.Route.DOUBLE else 1


class AiScore(models.Model):
    """The AI's score of one answer, pinned to the model version that produced it."""

    item = models.OneToOneField(AttemptItem, on_delete=models.CASCADE, related_name="ai_score")
    model = models.ForeignKey(ScoringModel, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(_("AI score"))
    confidence = models.FloatField(_("confidence"))
    probabilities = models.JSONField(_("probabilities"), default=dict)
    needs_review = models.BooleanField(_("sent to double marking"))
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("AI score")
        verbose_name_plural = _("AI scores")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score} ({self.confidence:.2f})"
