"""Quarterly results of a contract: the employee reports, the responsible official confirms.

The results score (``score_and_pay``) is the weighted achievement of the indicators::

    achievement_i = min(actual_i / target_i, cap)   for "higher is better"
    achievement_i = min(target_i / actual_i, cap)   for "lower is better" (actual 0: cap)
    score = sum(weight_i * achievement_i) / 100     (weights add up to 100)

with ``cap`` from the pay rules in force on the quarter's last day (1.20 in version 1). The
first tier of those rules whose minimum the score reaches gives the share of the results
component paid for the quarter (version 1: score ≥ 0.95 → 100 %, ≥ 0.80 → 60 %, else 0);
the amount is ``results_pay_max × share``, rounded half up to the tiyn.

An indicator is *missed* in a quarter when its achievement is below 1. When the same
indicator has been missed in two confirmed quarters of the contract, in total (consecutive
or not), the contract is flagged and HR of the body get a notice.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from recruitment.contracts.reminders import hr_officers, mail_each
from recruitment.models_contracts import (
    Contract,
    Indicator,
    IndicatorResult,
    PayRules,
    QuarterReport,
)

FOUR = Decimal("0.0001")
CENT = Decimal("0.01")


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def rules_in_force(day: dt.date) -> PayRules:
    rules = PayRules.objects.filter(valid_from__lte=day).order_by("-valid_from", "-version").first()
    if rules is None:
        raise ApplicationError(
            _("No pay rules are in force for this quarter; ask the administrator to add them."),
            code="no_pay_rules",
        )
    return rules


def achievement(indicator: Indicator, actual: Decimal, cap: Decimal) -> Decimal:
    if indicator.direction == Indicator.Direction.LOWER:
        value = cap if actual == 0 else indicator.target / actual
    else:
        value = actual / indicator.target
    return min(value, cap).quantize(FOUR, rounding=ROUND_HALF_UP)


def share_for(score: Decimal, rules: PayRules) -> Decimal:
    """The percent of the results component the score earns (first tier reached)."""
    for minimum, percent in sorted(
        rules.tiers, key=lambda tier: Decimal(str(tier[0])), reverse=True
    ):
        if score >= Decimal(str(minimum)):
            return Decimal(str(percent))
    return Decimal(0)


def score_and_pay(
    *, contract: Contract, actuals: dict[int, Decimal], rules: PayRules
) -> tuple[Decimal, Decimal, dict[int, Decimal]]:
    """(score, results component, achievement per indicator id) — see the module docstring."""
    achieved = {}
    total = Decimal(0)
    for indicator in contract.indicators.all():
        value = achievement(indicator, actuals[indicator.pk], rules.cap)
        achieved[indicator.pk] = value
        total += indicator.weight * value
    score = (total / 100).quantize(FOUR, rounding=ROUND_HALF_UP)
    pay = (contract.results_pay_max * share_for(score, rules) / 100).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    return score, pay, achieved


def _clean_actuals(contract: Contract, actuals: dict) -> dict[int, Decimal]:
    cleaned = {}
    for indicator in contract.indicators.all():
        raw = actuals.get(indicator.pk, actuals.get(str(indicator.pk)))
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, TypeError, ValueError):
            value = None
        if value is None or not value.is_finite() or value < 0:
            raise ApplicationError(
                _("Give the actual result of every indicator as a number not below zero."),
                code="actual_invalid",
            )
        cleaned[indicator.pk] = value
    return cleaned


@transaction.atomic
def report_submit(
    *,
    contract: Contract,
    year: int,
    quarter: int,
    actuals: dict,
    actor: User,
    comment: str = "",
    today: dt.date | None = None,
) -> QuarterReport:
    """The contract employee reports a quarter's actual results (again while unconfirmed)."""
    today = today or timezone.localdate()
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if actor.pk != contract.employee_id:
        raise ApplicationError(
            _("Only the contract employee reports their results."), code="not_employee"
        )
    if quarter not in (1, 2, 3, 4):
        raise ApplicationError(_("Choose a quarter from 1 to 4."), code="quarter_invalid")
    start, end = quarter_bounds(year, quarter)
    if start > today or end < contract.starts_on or start > contract.ends_on:
        raise ApplicationError(
            _("Report a quarter that has started and falls within the contract's term."),
            code="quarter_outside_term",
        )
    cleaned = _clean_actuals(contract, actuals)
    report, created = QuarterReport.objects.select_for_update().get_or_create(
        contract=contract, year=year, quarter=quarter, defaults={"comment": comment.strip()}
    )
    if report.status == QuarterReport.Status.CONFIRMED:
        raise ApplicationError(
            _("This quarter's results are confirmed and can no longer change."),
            code="report_confirmed",
        )
    report.comment = comment.strip()
    report.submitted_at = timezone.now()
    report.save(update_fields=["comment", "submitted_at"])
    report.results.all().delete()
    IndicatorResult.objects.bulk_create(
        IndicatorResult(report=report, indicator_id=pk, actual=value)
        for pk, value in cleaned.items()
    )
    audit_record(
        action="contracts.results.submitted" if created else "contracts.results.resubmitted",
        actor=actor,
        target=report,
        state_body=contract.state_body,
        details={
            "year": year,
            "quarter": quarter,
            "actuals": {str(k): str(v) for k, v in cleaned.items()},
        },
    )
    return report


@transaction.atomic
def report_confirm(*, report: QuarterReport, actor: User) -> QuarterReport:
    """The responsible official confirms a reported quarter: the score and the results
    component are fixed by the rules in force, and a twice-missed indicator flags the
    contract."""
    report = (
        QuarterReport.objects.select_for_update()
        .select_related("contract__project", "contract__state_body")
        .get(pk=report.pk)
    )
    contract = report.contract
    if actor.pk != contract.project.responsible_official_id:
        raise ApplicationError(
            _("Only the project's responsible official confirms the results."),
            code="not_responsible",
        )
    if report.status == QuarterReport.Status.CONFIRMED:
        raise ApplicationError(_("These results are already confirmed."), code="report_confirmed")
    rules = rules_in_force(quarter_bounds(report.year, report.quarter)[1])
    results = list(report.results.all())
    actuals = {row.indicator_id: row.actual for row in results}
    score, pay, achieved = score_and_pay(contract=contract, actuals=actuals, rules=rules)
    for row in results:
        row.achievement = achieved[row.indicator_id]
    IndicatorResult.objects.bulk_update(results, ["achievement"])
    report.status = QuarterReport.Status.CONFIRMED
    report.confirmed_by = actor
    report.confirmed_at = timezone.now()
    report.score, report.results_pay, report.rules_version = score, pay, rules.version
    report.save(
        update_fields=[
            "status",
            "confirmed_by",
            "confirmed_at",
            "score",
            "results_pay",
            "rules_version",
        ]
    )
    audit_record(
        action="contracts.results.confirmed",
        actor=actor,
        target=report,
        state_body=contract.state_body,
        details={"score": str(score), "results_pay": str(pay), "rules_version": rules.version},
    )
    _flag_if_missed_twice(contract)
    return report


def missed_twice(contract: Contract) -> list[Indicator]:
    """Indicators missed (achievement below 1) in two or more confirmed quarters, in total."""
    ids = (
        IndicatorResult.objects.filter(
            report__contract=contract,
            report__status=QuarterReport.Status.CONFIRMED,
            achievement__lt=1,
        )
        .values("indicator_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .values_list("indicator_id", flat=True)
    )
    return list(Indicator.objects.filter(pk__in=list(ids)))


def _flag_if_missed_twice(contract: Contract) -> None:
    if contract.flagged_at is not None:
        return
    missed = missed_twice(contract)
    if not missed:
        return
    names = ", ".join(indicator.name for indicator in missed)
    # The note keeps the indicators' names only: each page words it in the reader's language.
    Contract.objects.filter(pk=contract.pk).update(flagged_at=timezone.now(), flag_note=names)
    contract.flag_note = names

    def compose() -> tuple[str, str]:
        note = gettext("Indicator missed in two quarters: %(names)s.") % {"names": names}
        body = gettext(
            'The contract of %(email)s on the project "%(project)s" is flagged: %(note)s\n\n'
            "Decide with the responsible official what follows."
        ) % {"email": contract.employee.email, "project": contract.project.name, "note": note}
        return gettext("Contract flagged: indicators missed twice"), body

    mail_each(hr_officers(contract.state_body), compose)
    audit_record(
        action="contracts.contract.flagged",
        actor=None,
        target=contract,
        state_body=contract.state_body,
        details={"indicator_ids": [indicator.pk for indicator in missed]},
    )
