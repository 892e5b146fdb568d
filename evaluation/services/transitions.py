"""The state machines of the evaluation app, one table per model.

``CYCLE_TRANSITIONS`` and ``ASSESSMENT_TRANSITIONS`` list the allowed moves; anything else
raises ``ApplicationError``. ``EDITABLE`` is the set of assessment states still open to
scoring.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from evaluation.models import Assessment, Cycle

S = Assessment.Status
CYCLE_TRANSITIONS: dict[str, set[str]] = {
    Cycle.Status.DRAFT: {Cycle.Status.OPEN},
    Cycle.Status.OPEN: {Cycle.Status.CLOSED},
    Cycle.Status.CLOSED: set(),
}
ASSESSMENT_TRANSITIONS: dict[str, set[str]] = {
    S.OPEN: {S.SUPERVISOR_DONE, S.FINALIZED},
    S.SUPERVISOR_DONE: {S.FINALIZED},
    S.FINALIZED: {S.ACKNOWLEDGED, S.CONTESTED},
    S.CONTESTED: {S.REVIEWED},
    S.ACKNOWLEDGED: set(),
    S.REVIEWED: set(),
}
EDITABLE = {S.OPEN, S.SUPERVISOR_DONE}


def _cycle_move(cycle: Cycle, to: str) -> None:
    if to not in CYCLE_TRANSITIONS[cycle.status]:
        raise ApplicationError(
            _("A cycle that is %(status)s cannot become %(to)s.")
            % {"status": cycle.get_status_display(), "to": Cycle.Status(to).label},
            code="illegal_transition",
        )
    cycle.status = to


def _assessment_move(assessment: Assessment, to: str) -> None:
    if to not in ASSESSMENT_TRANSITIONS[assessment.status]:
        raise ApplicationError(
            _("This step is not possible: the evaluation is now “%(status)s”.")
            % {"status": assessment.get_status_display()},
            code="illegal_transition",
        )
    assessment.status = to
