"""Revealing who stands behind a code: only after the lock, only for the positions
needed, by a named officer with a reason; each reveal is audited and reported to ethics."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from ethics.public import system_case_raise
from recruitment.models import Application, IdentityReveal
from recruitment.reveal_rules import reveal_permitted


def _raise_ethics_case(*, application: Application, reveal: IdentityReveal) -> None:
    system_case_raise(
        kind="identity_reveal",
        state_body_id=application.competition.state_body_id,
        summary=f"{application.competition.number}: {application.code} ({reveal.purpose})",
        evidence={
            "competition": application.competition.number,
            "code": application.code,
            "purpose": reveal.purpose,
            "reason": reveal.reason,
            "revealed_by": reveal.revealed_by_id,
            "rank": application.rank,
        },
        dedupe_key=f"reveal:{reveal.pk}",
    )


@transaction.atomic
def application_reveal(
    *, application: Application, actor, purpose: str, reason: str
) -> IdentityReveal:
    """Reveal who stands behind a code: only after the lock, only for the positions needed,
    by a named officer with a reason; every reveal is audited and reported to ethics."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("competition__state_body", "current_stage")
        .get(pk=application.pk)
    )
    competition = application.competition
    if len(reason.strip()) < 15:
        raise ApplicationError(
            _("Write the reason for the reveal (at least 15 characters)."), code="reason_required"
        )
    allowed = reveal_permitted(application=application, purpose=purpose)
    if not allowed:
        raise ApplicationError(
            _(
                "This code cannot be revealed now: identities open only after the ranking is "
                "locked, and only for the positions needed."
            ),
            code="reveal_refused",
        )
    reveal = IdentityReveal.objects.create(
        application=application, purpose=purpose, reason=reason.strip(), revealed_by=actor
    )
    audit_record(
        action="identity.revealed",
        actor=actor,
        target=application,
        state_body=competition.state_body,
        details={"code": application.code, "purpose": purpose, "reason": reason.strip()},
    )
    _raise_ethics_case(application=application, reveal=reveal)
    return reveal
