"""Ethics cases: reports from people (anonymous by default) and cases raised by the system.

Anonymity is structural: a case has no foreign key to the person who reported it, no IP
address and no user agent. A reporter comes back only with a receipt code, of which the
database holds a short keyed lookup value and a slow hash (see ``ethics.receipts``).
Internal notes live in their own table, which no reporter-facing selector ever reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import StateBody
from eqyzmet.vault import EncryptedTextField
from ethics.storage import attachment_upload_to, private_storage


class Category(models.TextChoices):
    # Reported by people.
    ETHICS_BREACH = "ethics_breach", _("Breach of the Code of Ethics")
    CORRUPTION_RISK = "corruption_risk", _("Corruption risk")
    CONFLICT_OF_INTEREST = "conflict_of_interest", _("Conflict of interest")
    HARASSMENT = "harassment", _("Harassment")
    PROTECTION_REQUEST = "protection_request", _("Encroachment on a civil servant (protection)")
    COMPETITION_IRREGULARITY = "competition_irregularity", _("Competition irregularity")
    # Raised by the system (ethics.public.system_case_raise).
    INTEGRITY_FLAG = "integrity_flag", _("Integrity flag from testing")
    IDENTITY_REVEAL = "identity_reveal", _("Identity reveal")
    PERSONAL_DATA_ACCESS = "personal_data_access", _("Unusual access to personal data")
    EVALUATION_CONTEST = "evaluation_contest", _("Contested evaluation")
    ADVERSE_IMPACT = "adverse_impact", _("Adverse impact in a selection stage")


REPORT_CATEGORIES = (
    Category.ETHICS_BREACH,
    Category.CORRUPTION_RISK,
    Category.CONFLICT_OF_INTEREST,
    Category.HARASSMENT,
    Category.PROTECTION_REQUEST,
    Category.COMPETITION_IRREGULARITY,
)
SYSTEM_CATEGORIES = (
    Category.INTEGRITY_FLAG,
    Category.IDENTITY_REVEAL,
    Category.PERSONAL_DATA_ACCESS,
    Category.EVALUATION_CONTEST,
    Category.ADVERSE_IMPACT,
)

# What an integrity flag's ``evidence["signal"]`` may name, in words for the commissioner.
# The testing center raises them (see ethics.public.system_case_raise).
INTEGRITY_SIGNALS = {
    "self_identification": _("Possible self-identification in an essay"),
    "response_time_anomaly": _("Unusual response times"),
    "rapid_guessing": _("Rapid guessing"),
    "near_duplicate_answer": _("Near-identical open answers"),
    "answer_copying": _("Improbably many identical wrong answers"),
    "focus_or_paste": _("Left the test window or pasted text repeatedly"),
    "citizen_rating_outlier": _(
        "Citizens' ratings far above the unit, mostly from one desk officer's links"
    ),
}


# --- Evidence of system-raised cases, in words ---------------------------------------------
#
# The raising apps store plain JSON under their own keys; the commissioner reads labelled,
# translated rows. Ethics imports no other app, so the words for the values it must explain
# (a reveal's purpose, a stage, a statistical test) live here too.

REVEAL_PURPOSES = {
    "winner": _("Winner: document check and appointment"),
    "reserve": _("Reserve"),
    "interview": _("Interview shortlist"),
    "document_check": _("Document check after a disqualification"),
}
STAGES = {
    "legislation_test": _("Legislation test"),
    "personal_qualities": _("Personal-qualities test"),
    "essay": _("Essay"),
    "interview": _("Interview"),
}
STATISTICAL_TESTS = {"poisson_binomial_upper_tail": _("Poisson-binomial upper tail")}

# key -> (label, how to show the value). "person": a user id, shown as the staff member's
# name (see ethics.selectors.case_evidence_rows); "id": a record number in another app.
EVIDENCE_FIELDS: dict[str, tuple] = {
    "competition": (_("Competition"), "text"),
    "characteristic": (_("Characteristic"), "text"),
    "group": (_("Group"), "text"),
    "group_size": (_("People in the group"), "number"),
    "group_passed": (_("Of them passed"), "number"),
    "group_rate": (_("Pass rate of the group"), "number"),
    "reference_group": (_("Group with the highest pass rate"), "text"),
    "reference_rate": (_("Highest pass rate"), "number"),
    "impact_ratio": (_("Ratio to the highest rate (four-fifths rule)"), "number"),
    "scorer_mae": (_("AI scorer's mean absolute error for the group, points"), "number"),
    "scorer_gap": (_("Gap to the other groups' mean absolute error, points"), "number"),
    "scorer_gap_threshold": (_("Gap that raises a case, points"), "number"),
    "code": (_("Code"), "text"),
    "application_code": (_("Code"), "text"),
    "codes": (_("Codes"), "text"),
    "purpose": (_("Purpose"), REVEAL_PURPOSES),
    "reason": (_("Reason"), "text"),
    "revealed_by": (_("Revealed by"), "person"),
    "rank": (_("Rank"), "number"),
    "positions": (_("Places revealed"), "number"),
    "stage": (_("Stage"), STAGES),
    "redacted": (_("Identifying details removed from the essay"), "text"),
    "score": (_("Score"), "number"),
    "anomaly_score": (_("Anomaly score"), "number"),
    "items_answered": (_("Items answered"), "number"),
    "items_faster_than_threshold": (_("Items answered faster than the threshold"), "number"),
    "threshold_seconds": (_("Time threshold, seconds"), "number"),
    "share_threshold": (_("Share of fast answers that raises the flag"), "number"),
    "total_seconds": (_("Total time, seconds"), "number"),
    "sitting_median_total_seconds": (_("Median total time in the sitting, seconds"), "number"),
    "total_robust_z": (_("Deviation of the total time (robust z)"), "number"),
    "median_item_robust_z": (_("Deviation of the typical item time (robust z)"), "number"),
    "most_unusual_items": (_("Most unusual items, seconds"), "text"),
    "attempts_in_sitting": (_("Attempts in the sitting"), "number"),
    "z_threshold": (_("Deviation threshold (z)"), "number"),
    "item_id": (_("Item"), "text"),
    "cosine_similarity": (_("Similarity of the answers"), "number"),
    "threshold": (_("Threshold"), "number"),
    "answer_lengths": (_("Answer lengths, characters"), "number"),
    "answers_compared": (_("Answers compared"), "number"),
    "identical_wrong_answers": (_("Identical wrong answers"), "number"),
    "expected_under_independence": (_("Expected when working independently"), "number"),
    "p_value": (_("Probability by chance (p-value)"), "number"),
    "test": (_("Statistical test"), STATISTICAL_TESTS),
    "bonferroni_threshold": (_("Significance threshold (Bonferroni)"), "number"),
    "pairs_tested": (_("Pairs compared"), "number"),
    "wrong_answers": (_("Wrong answers of each"), "number"),
    "items": (_("Items"), "number"),
    "left_the_window": (_("Times the test window was left"), "number"),
    "pasted": (_("Times text was pasted"), "number"),
    "employee_id": (_("Employee"), "id"),
    "period": (_("Period"), "text"),
    "ratings": (_("Citizens' ratings"), "number"),
    "average": (_("Average rating"), "number"),
    "unit_ratings": (_("Ratings in the unit"), "number"),
    "unit_average": (_("Average rating in the unit"), "number"),
    "unit_spread": (_("Spread of ratings in the unit"), "number"),
    "top_desk_officer_id": (_("Desk officer who issued most of the links"), "person"),
    "top_desk_officer_links": (_("Links issued by that desk officer"), "number"),
    "assessment_id": (_("Assessment"), "id"),
    "evaluation_code": (_("Evaluation"), "text"),
    "cycle": (_("Evaluation cycle"), "text"),
    "composite": (_("Composite score"), "number"),
    "band": (_("Band"), "text"),
}
# Shown on its own line of the case page (``EthicsCase.signal_label``).
EVIDENCE_SHOWN_ELSEWHERE = ("signal",)


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    key: str
    label: str
    value: str


def _evidence_number(value) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    return formats.number_format(number, use_l10n=True, force_grouping=abs(number) >= 10000)


def _evidence_text(value) -> str:
    """Any JSON value as plain text: numbers in the reader's way, never a dict or list repr."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool | int | float | Decimal):
        return _evidence_number(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_evidence_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_evidence_text(v) for v in value)
    return str(value)


def humanise_key(key: str) -> str:
    """``top_desk_officer_id`` → ``Top desk officer id``: an unknown key, in words."""
    words = " ".join(key.replace("_", " ").replace(".", " ").split())
    return words[:1].upper() + words[1:] if words else "—"


def evidence_person_ids(evidence) -> set[int]:
    """The user ids a case's evidence names (the selector resolves them in one query)."""
    if not isinstance(evidence, dict):
        return set()
    return {
        value
        for key, value in evidence.items()
        if EVIDENCE_FIELDS.get(key, ("", ""))[1] == "person"
        and isinstance(value, int)
        and not isinstance(value, bool)
    }


def _evidence_value(how, value, people: dict[int, str]) -> str:
    if isinstance(how, dict):
        if isinstance(value, str) and value in how:
            return str(how[value])
        return humanise_key(value) if isinstance(value, str) else _evidence_text(value)
    if how == "person":
        if value is None:
            return "—"
        return people.get(value) or _("user No. %(id)s") % {"id": _evidence_text(value)}
    if how == "id":
        return _("No. %(id)s") % {"id": value} if value not in (None, "") else "—"
    return _evidence_text(value)


def evidence_rows(evidence, *, people: dict[int, str] | None = None) -> list[EvidenceRow]:
    """A case's evidence as labelled rows in the active language. Unknown keys keep their
    place, in words, with their value as plain text."""
    if not isinstance(evidence, dict):
        return [EvidenceRow("evidence", str(_("Evidence")), _evidence_text(evidence))]
    rows = []
    for key, value in evidence.items():
        if (
            key in EVIDENCE_SHOWN_ELSEWHERE
            and isinstance(value, str)
            and value in INTEGRITY_SIGNALS
        ):
            continue
        label, how = EVIDENCE_FIELDS.get(key, (None, "text"))
        if key == "signal":
            label, how = _("Signal"), INTEGRITY_SIGNALS
        shown = _evidence_value(how, value, people or {})
        rows.append(EvidenceRow(key, str(label or humanise_key(str(key))), str(shown)))
    return rows


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    DECIDED = "decided", _("Decided")
    REFERRED = "referred", _("Referred")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATUSES = (Status.NEW, Status.ACKNOWLEDGED, Status.UNDER_REVIEW)
CLOSED_STATUSES = (Status.DECIDED, Status.REFERRED, Status.DISMISSED)


class Source(models.TextChoices):
    REPORT = "report", _("Report")
    SYSTEM = "system", _("Raised by the system")


class EthicsBodySettings(models.Model):
    """Deadlines for one state body (and the bodies beneath it that have none of their own).

    Defaults follow the EU whistleblowing directive: acknowledge within 7 days, answer
    within 3 months.
    """

    state_body = models.OneToOneField(
        StateBody,
        verbose_name=_("state body"),
        on_delete=models.CASCADE,
        related_name="ethics_settings",
    )
    acknowledge_days = models.PositiveSmallIntegerField(
        _("days to acknowledge a report"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    answer_months = models.PositiveSmallIntegerField(
        _("months to give a substantive answer"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("days before a deadline to send a reminder"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
    )

    class Meta:
        verbose_name = _("ethics deadlines of a state body")
        verbose_name_plural = _("ethics deadlines of state bodies")

    def __str__(self) -> str:
        return str(self.state_body)


class EthicsCase(models.Model):
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    state_body = models.ForeignKey(
        StateBody, verbose_name=_("state body"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, db_index=True
    )

    # Receipt (reports only): a keyed, truncated lookup value and a slow hash. Never the code.
    receipt_lookup = models.CharField(max_length=16, blank=True, db_index=True, editable=False)
    receipt_hash = models.CharField(max_length=255, blank=True, editable=False)

    # Identity, only if the reporter chose to give it.
    identity_given = models.BooleanField(_("identity given"), default=False)
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True, default="")
    reporter_contact = EncryptedTextField(_("reporter's contacts"), blank=True, default="")

    # System-raised cases: one case per dedupe key, however often the caller retries.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned commissioner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    acknowledge_due_at = models.DateTimeField(_("acknowledgement due"))
    answer_due_at = models.DateTimeField(_("answer due"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.TextField(_("reasoning"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=255, blank=True)
    # One reminder per deadline kind, claimed by a conditional update.
    acknowledge_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ethics case")
        verbose_name_plural = _("ethics cases")
        ordering = ["-created_at", "-pk"]
        permissions = [("export_ethicscase", "Can export ethics cases")]
        indexes = [
            models.Index(fields=["state_body", "status"]),
            models.Index(fields=["status", "answer_due_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def signal_label(self) -> str:
        """The integrity signal behind a system case, in the reader's language."""
        if self.category != Category.INTEGRITY_FLAG or not isinstance(self.evidence, dict):
            return ""
        return str(INTEGRITY_SIGNALS.get(self.evidence.get("signal"), ""))

    @property
    def reference(self) -> str:
        return f"E-{self.pk:06d}" if self.pk else "E-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def acknowledge_overdue(self) -> bool:
        return self.status == Status.NEW and timezone.now() > self.acknowledge_due_at

    @property
    def answer_overdue(self) -> bool:
        return self.is_open and timezone.now() > self.answer_due_at

    @property
    def overdue(self) -> bool:
        return self.acknowledge_overdue or self.answer_overdue

    @property
    def next_deadline(self):
        if not self.is_open:
            return None
        if self.status == Status.NEW:
            return min(self.acknowledge_due_at, self.answer_due_at)
        return self.answer_due_at


class CaseMessage(models.Model):
    """One message of the thread between the reporter and the commissioners."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        COMMISSIONER = "commissioner", _("Commissioner")

    case = models.ForeignKey(EthicsCase, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(_("author"), max_length=16, choices=Author.choices)
    # Staff only: the commissioner who wrote it. A reporter's message has no author id.
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} #{self.pk}"


class CaseNote(models.Model):
    """An internal note: read only by commissioners, never by the reporter."""

    case = models.ForeignKey(EthicsCase, on_delete=models.CASCADE, related_name="notes")
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} note #{self.pk}"


class CaseAttachment(models.Model):
    """A file, stored privately under a random name, served only as a download."""

    case = models.ForeignKey(EthicsCase, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        CaseMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(storage=private_storage, upload_to=attachment_upload_to)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
