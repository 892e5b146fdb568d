"""Quarterly scores: the evaluators rate the competencies, and the head's rating issues
the result (component scores, composite, band and bonus tier under the cycle's rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from evaluation import scoring
from evaluation.models import Assessment, CitizenRatingLink, Competency, CompetencyRating, Kpi
from evaluation.services.development import plan_draft
from evaluation.services.development_credit import development_credit
from evaluation.services.evaluators import (
    _locked_assessment,
    _require_editable,
    _require_evaluator,
)
from evaluation.services.transitions import S, _assessment_move


def _component_scores(assessment: Assessment, rules: dict) -> dict:
    kpis = [
        scoring.KpiFigures(
            target=k.target,
            actual=k.actual,
            weight=k.weight,
            lower_is_better=k.direction == Kpi.Direction.LOWER,
        )
        for k in assessment.kpis.all()
    ]
    cycle = assessment.cycle
    start = timezone.make_aware(dt.datetime.combine(cycle.period_start, dt.time.min))
    end = timezone.make_aware(
        dt.datetime.combine(cycle.period_end + dt.timedelta(days=1), dt.time.min)
    )
    citizen = (
        CitizenRatingLink.objects.counted()
        .filter(employee_id=assessment.employee_id, rated_at__gte=start, rated_at__lt=end)
        .values_list("score", flat=True)
    )
    return {
        "kpi": scoring.kpi_score(kpis, cap_percent=int(rules["kpi_cap_percent"])),
        "competency": scoring.five_point_score(
            assessment.competency_ratings.values_list("score", flat=True)
        ),
        "feedback": scoring.feedback_score(
            assessment.feedback_responses.values_list("collaboration", "reliability", "respect"),
            min_respondents=int(rules["feedback_min_respondents"]),
        ),
        "citizen": scoring.five_point_score(citizen),
    }


def _apply_result(assessment: Assessment, composite: Decimal | None, rules: dict) -> None:
    assessment.composite = composite
    if composite is None:
        assessment.band, assessment.bonus_tier, assessment.bonus_percent = "", None, 0
        return
    assessment.band = scoring.band_for(composite, rules)
    assessment.bonus_tier, assessment.bonus_percent = scoring.tier_for(composite, rules)


RESULT_FIELDS = [
    "kpi_score",
    "competency_score",
    "feedback_score",
    "citizen_score",
    "composite",
    "band",
    "bonus_tier",
    "bonus_percent",
]


def _finalize(assessment: Assessment, now: dt.datetime) -> None:
    rules = assessment.cycle.rules
    # The result takes the 360 figure once, from a round that can no longer change.
    if assessment.feedback_closed_at is None:
        assessment.feedback_closed_at = now
    scores = _component_scores(assessment, rules)
    assessment.kpi_score = scores["kpi"]
    assessment.competency_score = scores["competency"]
    assessment.feedback_score = scores["feedback"]
    assessment.citizen_score = scores["citizen"]
    composite = scoring.composite_score(scores, rules)
    if composite is not None:
        # Achieved development goals add their points here, once (see scoring).
        points = development_credit(assessment=assessment, rules=rules)
        composite = scoring.with_development(composite, points)
    _apply_result(assessment, composite, rules)
    assessment.finalized_at = now
    assessment.respond_by = timezone.localdate(now) + dt.timedelta(days=int(rules["contest_days"]))


@transaction.atomic
def assessment_score(
    *, assessment: Assessment, actor: User, ratings: dict[int, int], comment: str = ""
) -> Assessment:
    """An evaluator rates each competency from 1 to 5. The supervisor goes first; the head
    of the unit's rating issues the result (one person holding both does both at once)."""
    assessment = _locked_assessment(assessment)
    _require_editable(assessment)
    roles = _require_evaluator(assessment, actor)
    Ev = CompetencyRating.Evaluator
    if assessment.status == S.OPEN:
        if Ev.SUPERVISOR not in roles:
            raise ApplicationError(
                _("The immediate supervisor evaluates first; the head of the unit follows."),
                code="supervisor_first",
            )
        acting = roles  # supervisor, and head too when it is the same person
    else:
        if Ev.HEAD not in roles:
            raise ApplicationError(
                _("The supervisor has evaluated; now only the head of the unit can."),
                code="head_next",
            )
        acting = {Ev.HEAD}
    competencies = list(
        Competency.objects.filter(is_active=True)
        .filter(Q(state_body__isnull=True) | Q(state_body__path__in=_ancestor_paths(assessment)))
        .values_list("pk", flat=True)
    )
    if not competencies:
        raise ApplicationError(_("No competencies are set up for this body."), code="none")
    cleaned: dict[int, int] = {}
    for pk in competencies:
        value = ratings.get(pk)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ApplicationError(_("Rate every competency from 1 to 5."), code="rating_missing")
        cleaned[pk] = value
    CompetencyRating.objects.filter(assessment=assessment, evaluator__in=acting).delete()
    CompetencyRating.objects.bulk_create(
        [
            CompetencyRating(assessment=assessment, competency_id=pk, evaluator=role, score=score)
            for role in sorted(acting)
            for pk, score in cleaned.items()
        ]
    )
    fields = ["status"]
    if Ev.SUPERVISOR in acting:
        assessment.supervisor_comment = comment.strip()
        assessment.supervisor_scored_by = actor
        fields += ["supervisor_comment", "supervisor_scored_by"]
    if Ev.HEAD in acting:
        assessment.head_comment = comment.strip()
        assessment.head_scored_by = actor
        fields += ["head_comment", "head_scored_by"]
    now = timezone.now()
    if Ev.HEAD in acting:
        _assessment_move(assessment, S.FINALIZED)
        _finalize(assessment, now)
        fields += [*RESULT_FIELDS, "finalized_at", "respond_by", "feedback_closed_at"]
    else:
        _assessment_move(assessment, S.SUPERVISOR_DONE)
    assessment.save(update_fields=fields)
    if assessment.status == S.FINALIZED:
        plan_draft(assessment=assessment)  # annual results only; a no-op otherwise
    audit_record(
        action="evaluation.assessment.scored",
        actor=actor,
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={
            "as": sorted(acting),
            "status": assessment.status,
            "composite": str(assessment.composite) if assessment.composite is not None else None,
        },
    )
    return assessment


def _ancestor_paths(assessment: Assessment) -> list[str]:
    path = assessment.employee.state_body.path
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
