"""Who evaluates an assessment, and the guards every scoring step shares: the locked
assessment, still editable, acted on by one of its evaluators."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from evaluation.models import Assessment, CompetencyRating, Cycle
from evaluation.services.transitions import EDITABLE


def evaluator_roles(*, assessment: Assessment, user: User) -> set[str]:
    """The evaluator roles ``user`` holds for ``assessment``. With no distinct head (or no
    supervisor) the one evaluator fills both."""
    employee = assessment.employee
    supervisor_id = employee.supervisor_id or employee.unit_head_id
    head_id = employee.unit_head_id or employee.supervisor_id
    roles = set()
    if user.pk is not None and user.pk == supervisor_id:
        roles.add(CompetencyRating.Evaluator.SUPERVISOR)
    if user.pk is not None and user.pk == head_id:
        roles.add(CompetencyRating.Evaluator.HEAD)
    return roles


def _locked_assessment(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__state_body", "employee", "employee__state_body")
        .get(pk=assessment.pk)
    )


def _require_editable(assessment: Assessment) -> None:
    if assessment.cycle.status != Cycle.Status.OPEN:
        raise ApplicationError(
            _("The cycle is not open: nothing in it can be changed."), code="cycle_not_open"
        )
    if assessment.status not in EDITABLE:
        raise ApplicationError(
            _("The result is already issued: it can no longer be changed here."),
            code="finalized",
        )


def _require_evaluator(assessment: Assessment, actor: User) -> set[str]:
    roles = evaluator_roles(assessment=assessment, user=actor)
    if not roles:
        raise ApplicationError(
            _("Only the employee's supervisor or head of the unit can do this."),
            code="not_evaluator",
        )
    return roles
