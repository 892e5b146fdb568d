"""The commission: each member's conflict-of-interest declaration, their marks at the
essay and interview stages, and the stage score those marks make once there is a quorum."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from recruitment import procedure
from recruitment.models import (
    Application,
    CommissionMark,
    CommissionMember,
    Competition,
    Stage,
    StageResult,
)
from recruitment.public import stage_result_record
from recruitment.services.stage_machine import IN_THE_RUNNING
from testing_center.public import essay_for_marking, essay_mark_recorded


@transaction.atomic
def commission_declare(
    *, member: CommissionMember, has_conflict: bool, statement: str = ""
) -> CommissionMember:
    """A member's conflict-of-interest declaration, made once, before seeing any work."""
    member = CommissionMember.objects.select_for_update().get(pk=member.pk)
    if member.declared_at is not None:
        raise ApplicationError(
            _("You have already made your declaration for this competition."), code="declared"
        )
    if has_conflict and len(statement.strip()) < 10:
        raise ApplicationError(
            _("Describe the conflict of interest so the commission can replace you."),
            code="statement_required",
        )
    member.declared_at = timezone.now()
    member.has_conflict = has_conflict
    member.declaration = statement.strip()
    member.save(update_fields=["declared_at", "has_conflict", "declaration"])
    audit_record(
        action="commission.declared",
        actor=member.user,
        target=member,
        state_body=member.competition.state_body,
        details={"competition": member.competition.number, "has_conflict": has_conflict},
    )
    return member


def quorum_needed(competition: Competition, voting_members: int) -> int:
    return math.ceil(voting_members * competition.quorum_numerator / competition.quorum_denominator)


@transaction.atomic
def commission_mark(
    *,
    member: CommissionMember,
    application: Application,
    score: Decimal,
    rubric: dict | None = None,
    comment: str = "",
) -> CommissionMark:
    """A member marks one code at the current essay or interview stage; the stage score is
    recomputed as the mean of the members who marked, valid only with a quorum."""
    member = CommissionMember.objects.select_related("user").get(pk=member.pk)
    if not member.may_score:
        raise ApplicationError(
            _("Declare that you have no conflict of interest before scoring."),
            code="declaration_required",
        )
    application = Application.objects.select_related("current_stage", "competition").get(
        pk=application.pk
    )
    stage = application.current_stage
    if (
        application.competition_id != member.competition_id
        or stage is None
        or not stage.is_commission_scored
        or application.status not in IN_THE_RUNNING
    ):
        raise ApplicationError(_("This code is not awaiting a commission mark."), code="not_open")
    procedure.require(procedure.marking_blockers(competition=application.competition, stage=stage))
    if stage.locked_at is not None:
        raise ApplicationError(
            _("The results of this stage are locked; corrections go through an appeal."),
            code="stage_locked",
        )
    # NaN compares with nothing (and raises); Infinity is simply out of range.
    if not score.is_finite() or not (Decimal(0) <= score <= stage.max_score):
        raise ApplicationError(
            _("The score must be between 0 and %(max)s.") % {"max": stage.max_score},
            code="out_of_range",
        )
    if (
        stage.kind == Stage.Kind.ESSAY
        and essay_for_marking(stage_id=stage.pk, application_id=application.pk).status
        == "preparing"
    ):
        raise ApplicationError(
            _(
                "This essay is still being prepared for marking (identifying details "
                "are being removed). Try again in a few minutes."
            ),
            code="essay_preparing",
        )
    mark, _created = CommissionMark.objects.update_or_create(
        application=application,
        stage=stage,
        member=member,
        defaults={
            "score": score,
            "rubric": rubric or {},
            "comment": comment,
            "marked_at": timezone.now(),
        },
    )
    audit_record(
        action="commission.marked",
        actor=member.user,
        target=application,
        state_body=application.competition.state_body,
        details={"code": application.code, "stage": stage.kind, "score": str(score)},
    )
    _stage_score_from_marks(application=application, stage=stage)
    return mark


def _stage_score_from_marks(*, application: Application, stage: Stage) -> None:
    competition = application.competition
    voting = competition.commission.exclude(role=CommissionMember.Role.SECRETARY).filter(
        has_conflict=False
    )
    needed = quorum_needed(competition, voting.count())
    marks = list(
        CommissionMark.objects.filter(application=application, stage=stage)
        .order_by("marked_at", "pk")
        .values_list("score", flat=True)
    )
    if stage.kind == Stage.Kind.ESSAY and marks:
        # An essay the AI doubts, or whose first mark is far from the AI's, needs two
        # independent blind marks whatever the quorum.
        needed = max(
            needed,
            essay_mark_recorded(
                application_id=application.pk,
                stage_id=stage.pk,
                score=marks[0],
                marks_so_far=len(marks),
            ),
        )
    if len(marks) < needed:
        StageResult.objects.filter(application=application, stage=stage).delete()
        return
    mean = (sum(marks, Decimal(0)) / len(marks)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    passed = stage.pass_score is None or mean >= stage.pass_score
    stage_result_record(
        application_id=application.pk,
        stage_id=stage.pk,
        score=mean,
        passed=passed,
        details={"marks": len(marks), "quorum": needed},
    )
