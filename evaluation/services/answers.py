"""The employee's answer to a result (acknowledge or contest, in time), and the review
that decides a contest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.formats import format_day
from eqyzmet.models import User
from ethics.public import system_case_raise
from evaluation import scoring
from evaluation.models import Assessment
from evaluation.services.evaluators import _locked_assessment
from evaluation.services.scores import _apply_result
from evaluation.services.transitions import S, _assessment_move


def _require_own(assessment: Assessment, actor: User) -> None:
    if actor.pk != assessment.employee.user_id:
        raise ApplicationError(_("Only the evaluated employee can do this."), code="not_own")


def _require_in_time(assessment: Assessment, today: dt.date) -> None:
    if assessment.respond_by and today > assessment.respond_by:
        raise ApplicationError(
            _("The time to acknowledge or contest this result ended on %(date)s.")
            % {"date": format_day(assessment.respond_by)},
            code="too_late",
        )


@transaction.atomic
def assessment_acknowledge(
    *, assessment: Assessment, actor: User, today: dt.date | None = None
) -> Assessment:
    assessment = _locked_assessment(assessment)
    _require_own(assessment, actor)
    _assessment_move(assessment, S.ACKNOWLEDGED)
    _require_in_time(assessment, today or timezone.localdate())
    assessment.acknowledged_at = timezone.now()
    assessment.save(update_fields=["status", "acknowledged_at"])
    audit_record(
        action="evaluation.assessment.acknowledged",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
    )
    return assessment


@transaction.atomic
def assessment_contest(
    *,
    assessment: Assessment,
    actor: User,
    reason: str,
    is_ethical: bool = False,
    today: dt.date | None = None,
) -> Assessment:
    """The employee contests the result: it goes to review, and on ethical grounds it also
    becomes an ethics case."""
    assessment = _locked_assessment(assessment)
    _require_own(assessment, actor)
    _assessment_move(assessment, S.CONTESTED)
    _require_in_time(assessment, today or timezone.localdate())
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ApplicationError(
            _("Explain the grounds of the contest (at least 10 characters)."), code="no_reason"
        )
    assessment.contested_at = timezone.now()
    assessment.contest_reason = reason[:5000]
    assessment.contest_is_ethical = bool(is_ethical)
    fields = ["status", "contested_at", "contest_reason", "contest_is_ethical"]
    if is_ethical:
        assessment.ethics_case_id = system_case_raise(
            kind="evaluation_contest",
            state_body_id=assessment.employee.state_body_id,
            summary=f"Evaluation {assessment.cycle.label} contested on ethical grounds "
            f"(assessment #{assessment.pk})",
            evidence={
                "assessment_id": assessment.pk,
                "cycle": assessment.cycle.label,
                "composite": str(assessment.composite),
                "band": assessment.band,
            },
            dedupe_key=f"evaluation:contest:{assessment.pk}",
        )
        fields.append("ethics_case_id")
    assessment.save(update_fields=fields)
    audit_record(
        action="evaluation.assessment.contested",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={"ethical": bool(is_ethical), "ethics_case_id": assessment.ethics_case_id},
    )
    return assessment


@transaction.atomic
def assessment_review_decide(
    *,
    assessment: Assessment,
    actor: User,
    outcome: str,
    note: str,
    revised_composite: Decimal | None = None,
) -> Assessment:
    """Decide a contested result. A revision recomputes band and tier with the cycle's own
    frozen rules, never the body's current ones."""
    assessment = _locked_assessment(assessment)
    _assessment_move(assessment, S.REVIEWED)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write the reasons for the decision."), code="no_note")
    if outcome not in Assessment.ReviewOutcome.values:
        raise ApplicationError(_("Choose the outcome of the review."), code="bad_outcome")
    fields = ["status", "review_outcome", "review_note", "reviewed_by", "reviewed_at"]
    previous = assessment.composite
    if outcome == Assessment.ReviewOutcome.REVISED:
        if revised_composite is None or not 0 <= Decimal(revised_composite) <= 100:
            raise ApplicationError(
                _("A revised result needs a composite score from 0 to 100."), code="bad_score"
            )
        _apply_result(
            assessment, scoring.round2(Decimal(revised_composite)), assessment.cycle.rules
        )
        fields += ["composite", "band", "bonus_tier", "bonus_percent"]
    assessment.review_outcome = outcome
    assessment.review_note = note[:5000]
    assessment.reviewed_by = actor
    assessment.reviewed_at = timezone.now()
    assessment.save(update_fields=fields)
    audit_record(
        action="evaluation.assessment.reviewed",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={
            "outcome": outcome,
            "from": str(previous) if previous is not None else None,
            "to": str(assessment.composite) if assessment.composite is not None else None,
        },
    )
    return assessment
