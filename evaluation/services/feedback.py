"""360 feedback rounds.

An assessment has one 360 round. Nothing of it is shown while it is open; it closes once
(an evaluator closes it, the result closes it, the cycle's close closes it) and then takes
no new respondent and no answer. So no figure exists both before and after one more
answer, and "5 x after - 4 x before" has nothing to work on.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from evaluation.models import Assessment, FeedbackInvitation, FeedbackResponse
from evaluation.services.evaluators import (
    _locked_assessment,
    _require_editable,
    _require_evaluator,
)


def _require_round_open(assessment: Assessment) -> None:
    if assessment.feedback_closed_at is not None:
        raise ApplicationError(
            _("The 360 round is closed: no one can be added and no answer is accepted."),
            code="feedback_closed",
        )


@transaction.atomic
def feedback_round_close(*, assessment: Assessment, actor: User) -> Assessment:
    """An evaluator closes the 360 round; its average (of at least 3 answers) shows from now
    on and never changes."""
    assessment = _locked_assessment(assessment)
    _require_editable(assessment)
    _require_evaluator(assessment, actor)
    _require_round_open(assessment)
    assessment.feedback_closed_at = timezone.now()
    assessment.save(update_fields=["feedback_closed_at"])
    audit_record(
        action="evaluation.feedback.closed",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
    )
    return assessment


@transaction.atomic
def feedback_invite(
    *, assessment: Assessment, actor: User, respondents: list[User], relation: str
) -> int:
    assessment = _locked_assessment(assessment)
    _require_editable(assessment)
    _require_evaluator(assessment, actor)
    _require_round_open(assessment)
    if relation not in FeedbackInvitation.Relation.values:
        raise ApplicationError(_("Choose peers or subordinates."), code="bad_relation")
    people = [p for p in respondents if p.pk != assessment.employee.user_id]
    if not people:
        raise ApplicationError(_("Choose at least one colleague."), code="nobody")
    invited = 0
    for person in people:
        _invitation, created = FeedbackInvitation.objects.get_or_create(
            assessment=assessment, respondent=person, defaults={"relation": relation}
        )
        invited += int(created)
    audit_record(
        action="evaluation.feedback.invited",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={"invited": invited, "relation": relation},
    )
    return invited


@transaction.atomic
def feedback_submit(
    *,
    invitation: FeedbackInvitation,
    actor: User,
    collaboration: int,
    reliability: int,
    respect: int,
) -> None:
    """Record one anonymous answer. The invitation only learns that it was answered."""
    if invitation.respondent_id != actor.pk:
        raise ApplicationError(_("This request is addressed to someone else."), code="not_yours")
    marks = [collaboration, reliability, respect]
    if any(not isinstance(m, int) or not 1 <= m <= 5 for m in marks):
        raise ApplicationError(_("Give every mark from 1 to 5."), code="bad_mark")
    assessment = _locked_assessment(invitation.assessment)
    _require_editable(assessment)
    _require_round_open(assessment)
    claimed = FeedbackInvitation.objects.filter(pk=invitation.pk, answered=False).update(
        answered=True
    )
    if not claimed:
        raise ApplicationError(_("You have already answered this request."), code="answered")
    FeedbackResponse.objects.create(
        assessment=assessment, collaboration=collaboration, reliability=reliability, respect=respect
    )
    # No actor and no invitation id: the ledger must not tie a person to an answer.
    audit_record(
        action="evaluation.feedback.answered",
        target=assessment,
        state_body=assessment.cycle.state_body,
    )
