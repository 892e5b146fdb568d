"""Essays for the commission: redaction, the AI's second opinion and routing to single or
blind double marking.

The AI never decides: an essay's stage result is the commission's. The model's score and
confidence decide only how many blind human marks an essay needs, and they stay attached
(with the exact model version) for audit and appeals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from eqyzmet.audit import audit_record
from eqyzmet.models import StateBody
from testing_center.models import (
    AiScore,
    Attempt,
    AttemptItem,
    Blueprint,
    EssayReview,
    Question,
    ScoringModel,
    ScoringPolicy,
    Sitting,
)
from testing_center.ports import competitions
from testing_center.redaction import redact_text
from testing_center.scoring import load_scorer, needs_human_review, score_answers
from testing_center.scoring.model import FittedScorer
from testing_center.scoring.training import model_record
from testing_center.scoring.workload import threshold_in_use

DEFAULT_POLICY = ScoringPolicy(confidence_threshold=Decimal("0.60"), review_margin=1)


def policy_for(question: Question) -> ScoringPolicy:
    try:
        return question.scoring_policy
    except ScoringPolicy.DoesNotExist:
        return DEFAULT_POLICY


@dataclass
class _Item:
    item: AttemptItem
    text: str
    redacted: str
    redactions: dict[str, int]


def _active_models(question_ids) -> dict[int, ScoringModel]:
    return {
        m.question_id: m
        for m in ScoringModel.objects.select_related("question").filter(
            question_id__in=list(question_ids), is_active=True
        )
    }


def essays_pending(*, sitting_id: int) -> list[int]:
    return list(
        Attempt.objects.filter(
            sitting_id=sitting_id,
            status=Attempt.Status.SCORED,
            blueprint__kind=Blueprint.Kind.ESSAY,
            review__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def essays_prepare(*, sitting_id: int, batch_size: int = 100) -> int:
    """Make a sitting's scored essay papers ready for the commission, in batches: redact
    the text, score it with the question's active model, decide how many blind marks each
    needs, and report possible self-identification to the ethics commissioner.

    Idempotent and safe to run in parallel: papers are locked with SKIP LOCKED and a paper
    with a review is never prepared again. Returns the number of papers prepared."""
    prepared = 0
    sitting = Sitting.objects.select_related("stage").get(pk=sitting_id)
    info = competitions.stage_info(sitting.stage_id)
    scorers: dict[int, FittedScorer] = {}
    while True:
        with transaction.atomic():
            attempts = list(
                Attempt.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    sitting_id=sitting_id,
                    status=Attempt.Status.SCORED,
                    blueprint__kind=Blueprint.Kind.ESSAY,
                    review__isnull=True,
                )
                .order_by("pk")[:batch_size]
            )
            if not attempts:
                return prepared
            _prepare_batch(attempts, info, scorers)
            prepared += len(attempts)


def _prepare_batch(attempts: list[Attempt], info, scorers: dict[int, FittedScorer]) -> None:
    items = list(
        AttemptItem.objects.filter(attempt__in=attempts, question__kind=Question.Kind.ESSAY)
        .select_related("question__scoring_policy")
        .order_by("attempt_id", "position")
    )
    models = _active_models({i.question_id for i in items})
    prepared = []
    for item in items:
        text = item.answer if isinstance(item.answer, str) else ""
        result = redact_text(text)
        counts: dict[str, int] = {}
        for r in result.redactions:
            counts[r.kind] = counts.get(r.kind, 0) + 1
        prepared.append(_Item(item, text, result.text, counts))
    # Batched scoring: one call per question's model for the whole batch. The model reads
    # the redacted text, as the commission does: a name or a city cannot sway its score.
    predictions = {}
    by_question: dict[int, list[_Item]] = defaultdict(list)
    for p in prepared:
        by_question[p.item.question_id].append(p)
    ai_rows = []
    for question_id, group in by_question.items():
        model = models.get(question_id)
        if model is None:
            continue
        record = model_record(model)
        scorer = scorers.get(model.pk) or load_scorer(record)
        scorers[model.pk] = scorer
        policy = policy_for(group[0].item.question)
        # The question's own threshold when its policy sets a target, else the fixed one.
        threshold = threshold_in_use(model=model, policy=policy)
        for p, prediction in zip(
            group, score_answers(record, [p.redacted for p in group], scorer=scorer), strict=True
        ):
            review = needs_human_review(prediction, confidence_threshold=threshold)
            predictions[p.item.pk] = (prediction, review)
            ai_rows.append(
                AiScore(
                    item=p.item,
                    model=model,
                    score=prediction.score,
                    confidence=round(prediction.confidence, 4),
                    probabilities={str(k): v for k, v in prediction.probabilities.items()},
                    needs_review=review,
                )
            )
    AiScore.objects.bulk_create(ai_rows)
    per_attempt: dict[int, list[_Item]] = defaultdict(list)
    for p in prepared:
        per_attempt[p.item.attempt_id].append(p)
    codes = competitions.application_codes(a.application_id for a in attempts)
    reviews = []
    for attempt in attempts:
        group = per_attempt.get(attempt.pk, [])
        review = _review_for(attempt, group, predictions, info.max_score)
        reviews.append(review)
        if review.self_identification:
            _report_self_identification(attempt, group, codes.get(attempt.application_id), info)
    EssayReview.objects.bulk_create(reviews)


def _review_for(attempt, group: list[_Item], predictions, stage_max: Decimal) -> EssayReview:
    reasons: list[str] = []
    # Models score on the question's own scale (its points), whatever the paper weighs it.
    total_points = sum((p.item.question.points for p in group), Decimal(0)) or Decimal(1)
    scored = [predictions.get(p.item.pk) for p in group]
    if not group or any(s is None for s in scored):
        reasons.append(EssayReview.Reason.NO_MODEL)
    elif any(needs for _prediction, needs in scored):
        reasons.append(EssayReview.Reason.LOW_CONFIDENCE)
        if any(prediction.is_unfamiliar for prediction, _needs in scored):
            reasons.append(EssayReview.Reason.UNFAMILIAR)
    ai_score = ai_confidence = margin = None
    if group and all(s is not None for s in scored):
        points = sum((Decimal(pred.score) for pred, _n in scored), Decimal(0))
        ai_score = (points / total_points * stage_max).quantize(Decimal("0.01"))
        ai_confidence = round(min(pred.confidence for pred, _n in scored), 4)
    if group:
        margin = min(
            Decimal(policy_for(p.item.question).review_margin)
            / (p.item.question.points or Decimal(1))
            * stage_max
            for p in group
        ).quantize(Decimal("0.01"))
    return EssayReview(
        attempt=attempt,
        items=[
            {
                "position": p.item.position,
                "question": p.item.question_id,
                "text": p.redacted,
                "redactions": p.redactions,
            }
            for p in group
        ],
        self_identification=any(p.redactions for p in group),
        ai_score=ai_score,
        ai_confidence=ai_confidence,
        gap_margin=margin,
        route=EssayReview.Route.DOUBLE if reasons else EssayReview.Route.SINGLE,
        reasons=[str(r) for r in reasons],
    )


def _report_self_identification(attempt, group: list[_Item], code, info) -> None:
    from ethics.public import system_case_raise

    kinds: dict[str, int] = {}
    for p in group:
        for kind, n in p.redactions.items():
            kinds[kind] = kinds.get(kind, 0) + n
    system_case_raise(
        kind="integrity_flag",
        state_body_id=info.state_body_id,
        # Codes only: the page names the signal in the reader's language.
        summary=f"{info.competition_number}: {code}",
        evidence={
            "signal": "self_identification",
            "competition": info.competition_number,
            "stage": info.kind,
            "code": code,
            "redacted": kinds,
        },
        dedupe_key=f"integrity:self_identification:{attempt.pk}",
    )


def essays_due_for_preparation(*, older_than_seconds: int = 120) -> list[int]:
    """Sittings with scored essays left unprepared (the broker was down, a worker died)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    return list(
        Attempt.objects.filter(
            status=Attempt.Status.SCORED,
            blueprint__kind=Blueprint.Kind.ESSAY,
            sitting__isnull=False,
            review__isnull=True,
            scored_at__lt=cutoff,
        )
        .values_list("sitting_id", flat=True)
        .distinct()[:50]
    )


def essay_review_for(*, application_id: int, stage_id: int) -> EssayReview | None:
    attempt = (
        Attempt.objects.filter(
            application_id=application_id,
            sitting__stage_id=stage_id,
            status__in=[Attempt.Status.SUBMITTED, Attempt.Status.SCORED],
        )
        .order_by("-number")
        .first()
    )
    if attempt is None:
        return None
    return EssayReview.objects.filter(attempt=attempt).first() or EssayReview(
        attempt=attempt, route="", items=[]
    )


@transaction.atomic
def essay_mark_recorded(
    *, application_id: int, stage_id: int, score: Decimal, marks_so_far: int
) -> int:
    """The gap rule: when the first human mark differs from the AI score by more than the
    policy's margin, the essay goes to blind double marking. Returns the number of human
    marks the essay now needs (1 or 2)."""
    review = (
        EssayReview.objects.select_for_update()
        .filter(attempt__application_id=application_id, attempt__sitting__stage_id=stage_id)
        .order_by("-attempt__number")
        .first()
    )
    if review is None:
        return 1
    if (
        marks_so_far == 1
        and review.route == EssayReview.Route.SINGLE
        and review.ai_score is not None
        and review.gap_margin is not None
        and abs(score - review.ai_score) > review.gap_margin
    ):
        review.route = EssayReview.Route.DOUBLE
        review.reasons = [*review.reasons, str(EssayReview.Reason.GAP)]
        review.save(update_fields=["route", "reasons"])
        info = competitions.stage_info(stage_id)
        audit_record(
            action="essay.double_marking",
            target=review.attempt,
            state_body=StateBody(pk=info.state_body_id),
            details={
                "code": competitions.application_code(application_id),
                "reason": str(EssayReview.Reason.GAP),
                "gap_margin": str(review.gap_margin),
            },
        )
    return review.marks_required
