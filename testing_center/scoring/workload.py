"""Per-question routing thresholds of the stored scorers, and the human workload they make.

The threshold a question's answers are routed with is computed from its active model's
held-out answers (``ScoringModel.calibration``) for the question's scoring policy
(``scoring.routing``). It is stored on the model when the model is stored and again when
the policy changes, so the bank owner sees, before a sitting, what share and how many of
each question's answers people will mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from testing_center.models import Blueprint, Question, ScoringModel, ScoringPolicy, Sitting
from testing_center.ports import competitions
from testing_center.scoring.routing import Routing, routing_at, routing_threshold


def policy_routing(*, calibration, policy: ScoringPolicy) -> Routing | None:
    """What ``policy`` does on held-out answers: its threshold and expected shares."""
    if policy.routing == ScoringPolicy.Routing.THRESHOLD:
        return routing_at(calibration, float(policy.confidence_threshold))
    return routing_threshold(
        calibration, mode=str(policy.routing), target=float(policy.routing_target)
    )


def threshold_in_use(*, model: ScoringModel, policy: ScoringPolicy) -> float:
    """The confidence below which the question's answers go to people: its own threshold
    when the policy sets a target and the model has held-out answers, else the fixed one."""
    if policy.routing != ScoringPolicy.Routing.THRESHOLD and model.calibration:
        routing = policy_routing(calibration=model.calibration, policy=policy)
        if routing is not None:
            return routing.threshold
    return float(policy.confidence_threshold)


def scoring_model_route(*, model: ScoringModel, policy: ScoringPolicy) -> None:
    """Store on ``model`` the threshold and the expected shares under ``policy``."""
    routing = policy_routing(calibration=model.calibration, policy=policy)
    fields = {
        "review_threshold": round(routing.threshold, 6) if routing else None,
        "expected_review_share": round(routing.expected_share, 6) if routing else None,
        "expected_residual_error": round(routing.expected_error, 6) if routing else None,
    }
    ScoringModel.objects.filter(pk=model.pk).update(**fields)
    for name, value in fields.items():
        setattr(model, name, value)


def scoring_policy_save(*, actor, policy: ScoringPolicy) -> ScoringPolicy:
    """Save a question's policy and recompute its active model's routing threshold."""
    target = policy.routing_target
    if target is None or not Decimal(0) <= target <= Decimal(1):
        raise ApplicationError(
            _("The routing target is a share between 0 and 1 (0.20 = 20 %)."),
            code="bad_target",
        )
    with transaction.atomic():
        policy.save()
        model = ScoringModel.objects.filter(question=policy.question_id, is_active=True).first()
        if model is not None:
            scoring_model_route(model=model, policy=policy)
        audit_record(
            action="scoring.policy_saved",
            actor=actor,
            target=policy,
            details={
                "question": policy.question_id,
                "routing": policy.routing,
                "target": str(policy.routing_target),
                "confidence_threshold": str(policy.confidence_threshold),
                "threshold_in_use": model.review_threshold if model else None,
            },
        )
    return policy


@dataclass(frozen=True)
class WorkloadRow:
    question: Question
    threshold: float | None
    # Expected share of its answers marked by people: 1.0 without a trained model (every
    # answer goes to people), None when the model has no held-out answers to tell.
    share: float | None
    answers: float  # expected answers to this question in the sitting
    to_review: int | None  # expected answers people mark


def sitting_workload(*, sitting: Sitting) -> list[WorkloadRow]:
    """Before an essay sitting: per question that may be drawn, the expected share and
    number of answers the AI sends to people (every answer, when there is no model).

    Papers are the stage's admitted codes; a section draws its items evenly from the
    active essay questions of its topic. One query per section and two more."""
    if sitting.blueprint.kind != Blueprint.Kind.ESSAY:
        return []
    papers = len(competitions.admitted_applications(sitting.stage_id))
    sections = list(sitting.blueprint.sections.all())
    pools = {
        s.topic_id: list(
            Question.objects.filter(
                topic_id=s.topic_id, kind=Question.Kind.ESSAY, status=Question.Status.ACTIVE
            )
            .select_related("scoring_policy")
            .order_by("external_id")
        )
        for s in sections
    }
    ids = [q.pk for pool in pools.values() for q in pool]
    models = {
        m.question_id: m
        for m in ScoringModel.objects.filter(question_id__in=ids, is_active=True).only(
            "question_id", "review_threshold", "expected_review_share"
        )
    }
    rows = []
    for section in sections:
        pool = pools[section.topic_id]
        for question in pool:
            answers = papers * min(section.item_count, len(pool)) / len(pool)
            model = models.get(question.pk)
            share = 1.0 if model is None else model.expected_review_share
            rows.append(
                WorkloadRow(
                    question=question,
                    threshold=model.review_threshold if model else None,
                    share=share,
                    answers=answers,
                    to_review=None if share is None else round(share * answers),
                )
            )
    return rows
