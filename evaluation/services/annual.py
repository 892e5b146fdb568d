"""Annual results: each employee's quarterly results of a year averaged into one annual
result (band and bonus tier), computed by the beat after the Q4 deadline."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from eqyzmet.audit import audit_record
from eqyzmet.models import StateBody, User
from evaluation import scoring
from evaluation.models import RESULT_STATUSES, Assessment, Cycle
from evaluation.services.cycles import _period_key, cycle_create
from evaluation.services.development import plan_draft
from evaluation.services.rules import rules_for_body
from evaluation.services.scores import _apply_result
from evaluation.services.transitions import S


@transaction.atomic
def annual_results_compute(*, year: int, actor: User | None = None) -> int:
    """Average each employee's quarterly results of ``year`` into an annual result, per body
    that ran quarterly cycles. Idempotent: existing annual results are left alone."""
    created = 0
    bodies = (
        Cycle.objects.filter(kind=Cycle.Kind.QUARTER, year=year)
        .exclude(status=Cycle.Status.DRAFT)
        .values_list("state_body_id", flat=True)
        .distinct()
    )
    for body in StateBody.objects.filter(pk__in=list(bodies)).order_by("path"):
        cycle = Cycle.objects.filter(state_body=body, kind=Cycle.Kind.ANNUAL, year=year).first()
        if cycle is None:
            cycle = cycle_create(state_body=body, year=year, quarter=None, kind=Cycle.Kind.ANNUAL)
        if cycle.status == Cycle.Status.DRAFT:
            cycle_open_annual(cycle=cycle)
        created += _annual_assessments(cycle=cycle)
    return created


def cycle_open_annual(*, cycle: Cycle) -> None:
    cycle.rules = rules_for_body(cycle.state_body)
    cycle.status = Cycle.Status.OPEN
    cycle.opened_at = timezone.now()
    cycle.save(update_fields=["rules", "status", "opened_at"])
    audit_record(
        action="evaluation.cycle.opened",
        target=cycle,
        state_body=cycle.state_body,
        details={"period": cycle.label, "rules": cycle.rules, "annual": True},
    )


def _annual_assessments(*, cycle: Cycle) -> int:
    key = _period_key(Cycle.Kind.ANNUAL, cycle.year, None)
    quarterly = (
        Assessment.objects.filter(
            cycle__state_body=cycle.state_body,
            cycle__kind=Cycle.Kind.QUARTER,
            cycle__year=cycle.year,
            status__in=RESULT_STATUSES,
        )
        .exclude(employee__assessments__period_key=key)
        .values_list("employee_id", "composite")
    )
    by_employee: dict[int, list] = {}
    for employee_id, composite in quarterly:
        by_employee.setdefault(employee_id, []).append(composite)
    now = timezone.now()
    created = 0
    for employee_id, composites in sorted(by_employee.items()):
        score = scoring.annual_score(composites)
        if score is None:
            continue
        assessment = Assessment(
            cycle=cycle,
            employee_id=employee_id,
            period_key=key,
            status=S.FINALIZED,
            quarters_counted=len([c for c in composites if c is not None]),
            finalized_at=now,
            respond_by=timezone.localdate(now)
            + dt.timedelta(days=int(cycle.rules["contest_days"])),
        )
        _apply_result(assessment, score, cycle.rules)
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError:
            continue  # another run got there first
        audit_record(
            action="evaluation.annual.computed",
            target=assessment,
            state_body=cycle.state_body,
            details={"composite": str(score), "quarters": assessment.quarters_counted},
        )
        plan_draft(assessment=assessment)  # the gaps of the year become a development plan
        created += 1
    return created


def annual_due_run(*, today: dt.date | None = None) -> int:
    """Beat entry: from the day after the Q4 deadline (21 January) the previous year's
    annual results are computed, so they exist by 30 January."""
    today = today or timezone.localdate()
    if (today.month, today.day) < (1, 21):
        return 0
    return annual_results_compute(year=today.year - 1)
