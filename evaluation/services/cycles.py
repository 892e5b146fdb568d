"""Evaluation cycles: create, open (freezing the rules and starting one assessment per
employee) and close."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody, User
from evaluation import scoring
from evaluation.models import Assessment, Cycle, Employee
from evaluation.services.rules import rules_for_body
from evaluation.services.transitions import EDITABLE, _cycle_move


def _period_key(kind: str, year: int, quarter: int | None) -> str:
    return f"{year}-Q{quarter}" if kind == Cycle.Kind.QUARTER else f"{year}-Y"


def _cycle_dates(kind: str, year: int, quarter: int | None, rules: dict):
    if kind == Cycle.Kind.QUARTER:
        start, end = scoring.quarter_bounds(year, quarter)
        due = scoring.quarter_due_date(year, quarter, due_day=int(rules["quarter_due_day"]))
    else:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        due = scoring.annual_due_date(year, due_day=int(rules["annual_due_day"]))
    return start, end, due


@transaction.atomic
def cycle_create(
    *,
    state_body: StateBody,
    year: int,
    quarter: int | None,
    kind: str = Cycle.Kind.QUARTER,
    actor: User | None = None,
) -> Cycle:
    if kind == Cycle.Kind.QUARTER and quarter not in (1, 2, 3, 4):
        raise ApplicationError(_("Choose a quarter from 1 to 4."), code="bad_quarter")
    if kind == Cycle.Kind.ANNUAL:
        quarter = None
    exists = Cycle.objects.filter(state_body=state_body, kind=kind, year=year, quarter=quarter)
    if exists.exists():
        raise ApplicationError(
            _("This body already has a cycle for that period."), code="duplicate_cycle"
        )
    start, end, due = _cycle_dates(kind, year, quarter, rules_for_body(state_body))
    cycle = Cycle.objects.create(
        state_body=state_body,
        kind=kind,
        year=year,
        quarter=quarter,
        period_start=start,
        period_end=end,
        due_date=due,
    )
    audit_record(
        action="evaluation.cycle.created",
        actor=actor,
        target=cycle,
        state_body=state_body,
        details={"period": cycle.label},
    )
    return cycle


def _employees_in(body: StateBody):
    return Employee.objects.filter(is_active=True, state_body__path__startswith=body.path)


@transaction.atomic
def cycle_open(*, cycle: Cycle, actor: User | None = None) -> int:
    """Freeze the rules into the cycle and start one assessment per employee in the body
    and the bodies beneath it (skipping anyone already evaluated for the period)."""
    cycle = Cycle.objects.select_for_update().select_related("state_body").get(pk=cycle.pk)
    _cycle_move(cycle, Cycle.Status.OPEN)
    cycle.rules = rules_for_body(cycle.state_body)
    cycle.period_start, cycle.period_end, cycle.due_date = _cycle_dates(
        cycle.kind, cycle.year, cycle.quarter, cycle.rules
    )
    cycle.opened_at = timezone.now()
    cycle.save(
        update_fields=["status", "rules", "period_start", "period_end", "due_date", "opened_at"]
    )
    key = _period_key(cycle.kind, cycle.year, cycle.quarter)
    taken = set(Assessment.objects.filter(period_key=key).values_list("employee_id", flat=True))
    created = Assessment.objects.bulk_create(
        [
            Assessment(cycle=cycle, employee_id=employee_id, period_key=key)
            for employee_id in _employees_in(cycle.state_body).values_list("pk", flat=True)
            if employee_id not in taken
        ]
    )
    audit_record(
        action="evaluation.cycle.opened",
        actor=actor,
        target=cycle,
        state_body=cycle.state_body,
        details={"period": cycle.label, "assessments": len(created), "rules": cycle.rules},
    )
    return len(created)


@transaction.atomic
def cycle_close(*, cycle: Cycle, actor: User | None = None) -> Cycle:
    """Close the cycle: its results and rules are final from now on."""
    cycle = Cycle.objects.select_for_update().select_related("state_body").get(pk=cycle.pk)
    _cycle_move(cycle, Cycle.Status.CLOSED)
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["status", "closed_at"])
    # The cycle's deadline is every 360 round's deadline too.
    cycle.assessments.filter(feedback_closed_at__isnull=True).update(
        feedback_closed_at=cycle.closed_at
    )
    pending = cycle.assessments.filter(status__in=EDITABLE).count()
    audit_record(
        action="evaluation.cycle.closed",
        actor=actor,
        target=cycle,
        state_body=cycle.state_body,
        details={"period": cycle.label, "without_result": pending},
    )
    return cycle
