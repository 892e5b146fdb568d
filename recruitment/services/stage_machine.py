"""The competition's stage machine as the services use it: the tables from
``recruitment.procedure``, the one function that moves a competition to a new status (and
audits the move), and the helpers that lock a competition and find where its stages stand.

It imports no other services module; all the others build on it.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from recruitment import procedure
from recruitment.models import Competition, Stage

S = Competition.Status

# The stage machine and every step's preconditions live in recruitment.procedure.
TRANSITIONS = procedure.TRANSITIONS
STAGE_STATUS = procedure.STAGE_STATUS
RANKED = procedure.RANKED
IN_THE_RUNNING = procedure.IN_THE_RUNNING


def _transition(competition: Competition, to: str, *, actor, details: dict | None = None) -> None:
    if to not in TRANSITIONS[competition.status]:
        raise ApplicationError(
            _("A competition cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(competition.status).label, "to": S(to).label},
            code="illegal_transition",
        )
    previous = competition.status
    competition.status = to
    competition.status_changed_at = timezone.now()
    competition.save(update_fields=["status", "status_changed_at"])
    audit_record(
        action="competition.status_changed",
        actor=actor,
        target=competition,
        state_body=competition.state_body,
        details={"from": previous, "to": to, **(details or {})},
    )


def _locked_competition(competition: Competition) -> Competition:
    return (
        Competition.objects.select_for_update().select_related("state_body").get(pk=competition.pk)
    )


def _ordered_stages(competition: Competition) -> list[Stage]:
    return list(competition.stages.order_by("position"))


def _current_stage(competition: Competition, stages: list[Stage]) -> Stage | None:
    current_ids = set(
        competition.applications.filter(status__in=IN_THE_RUNNING)
        .exclude(current_stage=None)
        .values_list("current_stage_id", flat=True)
    )
    started = [s for s in stages if s.pk in current_ids]
    return started[-1] if started else None
