"""Projects, contracts and their quarterly results (see the package docstring).

A contract keeps the blind index of its employee's account (``employee_index``, the same
index the identity escrow keeps for an application's owner), so the appointment to a public
office can refuse a contract holder without ever decrypting who an application belongs to.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.formats import format_day


class ProjectType(models.TextChoices):
    """The project types the Government sets (contract employees are engaged only for them)."""

    NATIONAL = "national", _("National project")
    STATE_PROGRAMME = "state_programme", _("State programme project")
    DIGITAL = "digital", _("Digital transformation project")
    INVESTMENT = "investment", _("Investment project")
    REFORM = "reform", _("Public administration reform project")


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FINISHED = "finished", _("Finished")

    state_body = models.ForeignKey(
        "eqyzmet.StateBody", on_delete=models.PROTECT, related_name="contract_projects"
    )
    name = models.CharField(_("name"), max_length=255)
    # The name as published in each language (a post of the project shows it); empty: the
    # name above, as registered.
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True, default="")
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True, default="")
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True, default="")
    project_type = models.CharField(_("project type"), max_length=32, choices=ProjectType.choices)
    responsible_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_projects",
        verbose_name=_("responsible official"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contract project")
        verbose_name_plural = _("contract projects")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def title(self) -> str:
        """The name in the reader's language, else as registered."""
        from eqyzmet.languages import in_reader_language

        return in_reader_language(self, "name", fallback="name")


class Contract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    state_body = models.ForeignKey(
        "eqyzmet.StateBody", on_delete=models.PROTECT, related_name="contracts"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contracts")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="employment_contracts",
        verbose_name=_("contract employee"),
    )
    employee_index = models.CharField(max_length=64, db_index=True, editable=False)
    tasks = models.TextField(_("tasks"))
    recommendation = models.TextField(_("recommendation of the responsible official"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    base_pay = models.DecimalField(_("base pay per month"), max_digits=12, decimal_places=2)
    results_pay_max = models.DecimalField(
        _("results component per quarter, maximum"), max_digits=12, decimal_places=2
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    end_reason = models.TextField(_("reason the contract ended"), blank=True, default="")
    # Raised when an indicator is missed in two confirmed quarters (results.report_confirm).
    flagged_at = models.DateTimeField(_("flagged"), null=True, blank=True)
    flag_note = models.TextField(_("indicators missed twice"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("employment contract")
        verbose_name_plural = _("employment contracts")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return f"{self.project} · {self.employee.email}"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("Quantitative")
        QUALITATIVE = "qualitative", _("Qualitative")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    target = models.DecimalField(_("target per quarter"), max_digits=12, decimal_places=2)
    weight = models.PositiveSmallIntegerField(_("weight, %"))

    class Meta:
        verbose_name = _("contract indicator")
        verbose_name_plural = _("contract indicators")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Extension(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="extensions")
    previous_ends_on = models.DateField(_("previous end"))
    ends_on = models.DateField(_("new end"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contract extension")
        verbose_name_plural = _("contract extensions")
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"{self.previous_ends_on} → {self.ends_on}"


class PayRules(models.Model):
    """A versioned table: which share of the results component a results score earns.

    ``tiers`` is a list of ``[minimum score, percent]`` pairs; the first tier whose minimum
    the score reaches applies, none: 0 %. ``cap`` bounds one indicator's achievement.
    A quarter is paid by the newest version in force on its last day, and keeps its number.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    valid_from = models.DateField(_("in force from"))
    tiers = models.JSONField(_("tiers"))
    cap = models.DecimalField(
        _("achievement cap"), max_digits=4, decimal_places=2, default=Decimal("1.20")
    )

    class Meta:
        verbose_name = _("contract pay rules")
        verbose_name_plural = _("contract pay rules")
        ordering = ["-valid_from", "-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class QuarterReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    comment = models.TextField(_("comment"), blank=True, default="")
    submitted_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(
        _("results score"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    results_pay = models.DecimalField(
        _("results component"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    rules_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("quarterly results report")
        verbose_name_plural = _("quarterly results reports")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "year", "quarter"], name="contract_report_once_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter}"


class IndicatorResult(models.Model):
    report = models.ForeignKey(QuarterReport, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="results")
    actual = models.DecimalField(_("actual"), max_digits=12, decimal_places=2)
    achievement = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="one_result_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.actual}"


class ExpiryReminder(models.Model):
    """One row per contract and end date: the claim that makes the reminder idempotent (an
    extension moves the end date, so the new end gets its own reminder)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    ends_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "ends_on"], name="contract_expiry_once")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} · {self.ends_on}"


class ContractDocument(models.Model):
    """A paper of the contract that HR keeps with it (the signed contract, an extension
    agreement, an act of acceptance of work). Checked like a candidate's document (size and
    real type, ``eqyzmet.uploads``); read by HR of the body, the contract employee and the
    project's responsible official only."""

    class Kind(models.TextChoices):
        SIGNED_CONTRACT = "signed_contract", _("Signed contract")
        EXTENSION_AGREEMENT = "extension_agreement", _("Extension agreement")
        ACCEPTANCE_ACT = "acceptance_act", _("Act of acceptance of work")
        OTHER = "other", _("Other document")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/")
    content_type = models.CharField(_("format"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ContractRecommendation(models.Model):
    """The responsible official's recommendation of one anonymous code of a contract post
    selection, with its reason (art. 64-1: a contract is concluded on it).

    It names a code, never a person: the official chooses from the anonymised shortlist
    after the ranking is locked. It is then the ground on which HR reveals that one code
    (``IdentityReveal.Purpose.CONTRACT``) and concludes the contract. A post has at most one
    live recommendation; a later one needs the earlier withdrawn with a reason. The contract
    concluded from it is kept as a plain id: nothing leads from a code to a person."""

    competition = models.ForeignKey(
        "recruitment.Competition", on_delete=models.PROTECT, related_name="contract_recommendations"
    )
    vacancy = models.ForeignKey("recruitment.Vacancy", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        "recruitment.Application",
        on_delete=models.PROTECT,
        related_name="contract_recommendations",
        verbose_name=_("anonymous code"),
    )
    reason = models.TextField(_("reason"))
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recommended by"),
    )
    recommended_at = models.DateTimeField(_("recommended"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True, default="")
    concluded_contract_id = models.BigIntegerField(null=True, blank=True, editable=False)
    concluded_at = models.DateTimeField(_("contract concluded"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract recommendation")
        verbose_name_plural = _("contract recommendations")
        ordering = ["-recommended_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "vacancy"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_recommendation_per_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.competition} · {self.application}"

    @property
    def is_live(self) -> bool:
        return self.withdrawn_at is None


# --- Contract post selection: the rules of its announcement -------------------------------
# Here, beside the project, so that ``Competition.clean`` and the publishing service both
# check them without an import circle.


def term_end(start: dt.date, months: int) -> dt.date:
    """The last day of a term of ``months`` months from ``start``."""
    return start + relativedelta(months=months) - dt.timedelta(days=1)


def selection_problems(competition) -> list[str]:
    """What stops ``competition`` from being a valid contract post selection (or, for any
    other kind, from carrying contract details): translated sentences, empty when fine."""
    project: Project | None = competition.contract_project
    if not competition.is_contract_selection:
        if project is not None or competition.contract_term_months:
            return [
                str(_("Only a contract post selection has a contract project and term.")),
            ]
        return []
    problems: list[str] = []
    months = competition.contract_term_months
    if project is None:
        problems.append(str(_("Choose the project the contract serves.")))
    if not months:
        problems.append(str(_("Give the contract term in months.")))
    elif months > 12:
        problems.append(str(_("A contract is concluded for at most 12 months.")))
    if not all(
        getattr(competition, f"contract_indicators_{lang}").strip() for lang in ("kk", "ru", "en")
    ):
        problems.append(
            str(_("Write the planned indicators in Kazakh, Russian and English, one a line."))
        )
    if project is None:
        return problems
    if project.status != Project.Status.ACTIVE:
        problems.append(
            str(_("The project is finished: no contract post can be announced for it."))
        )
    if competition.state_body_id and project.state_body_id != competition.state_body_id:
        problems.append(str(_("The project belongs to another state body.")))
    if months and months <= 12 and competition.applications_close_at:
        start = timezone.localtime(competition.applications_close_at).date()
        if term_end(start, months) > project.ends_on:
            problems.append(
                str(
                    _(
                        "A term of %(months)s months from the end of applications (%(start)s) "
                        "runs past the project's end (%(end)s)."
                    )
                    % {
                        "months": months,
                        "start": format_day(start),
                        "end": format_day(project.ends_on),
                    }
                )
            )
    return problems
