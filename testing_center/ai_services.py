"""Writes of AI-assisted scoring: training data, training runs, stored model versions, essay
preparation for the commission (redaction, AI second opinion, routing) and integrity scans.

The AI never decides: an essay's stage result is the commission's. The model's score and
confidence decide only how many blind human marks an essay needs, and they stay attached
(with the exact model version) for audit and appeals.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody
from recruitment import public as recruitment
from testing_center import integrity
from testing_center.models import (
    AiScore,
    Attempt,
    AttemptItem,
    Blueprint,
    EssayReview,
    IntegrityEvent,
    Question,
    ScoringModel,
    ScoringPolicy,
    Sitting,
    TrainingAnswer,
    TrainingRun,
    TrainingUpload,
)
from testing_center.redaction import redact_text
from testing_center.scoring import (
    ScoredAnswer,
    ScoringDataError,
    ScoringModelRecord,
    load_scorer,
    needs_human_review,
    read_scored_answers_csv,
    score_answers,
    train_question_model,
)
from testing_center.scoring.data import split_references
from testing_center.scoring.model import FittedScorer, training_data_sha256
from testing_center.services import may_edit_topic

logger = logging.getLogger("eqyzmet.testing_center.ai")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MIN_TRAINING_ANSWERS = 2
DEFAULT_POLICY = ScoringPolicy(confidence_threshold=Decimal("0.60"), review_margin=1)


def policy_for(question: Question) -> ScoringPolicy:
    try:
        return question.scoring_policy
    except ScoringPolicy.DoesNotExist:
        return DEFAULT_POLICY


# --- Training data -------------------------------------------------------------------------


def training_upload_create(*, actor, data: bytes, filename: str) -> TrainingUpload:
    """Store an upload of human-scored answers (the shared graded-answer CSV format).

    All or nothing: every problem in the file is reported at once and nothing is stored.
    ``question_id`` must name an essay question of the bank that ``actor`` may edit. An
    answer already uploaded under the same question and ``answer_id`` is replaced (a
    corrected file can be uploaded again).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApplicationError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="too_large",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            _("The file is not UTF-8 text. Save it as CSV UTF-8 and upload it again."),
            code="encoding",
        ) from exc
    try:
        rows = read_scored_answers_csv(io.StringIO(text, newline=""))
    except ScoringDataError as exc:
        shown = "; ".join(str(e) for e in exc.errors[:10])
        raise ApplicationError(
            _("The file has %(count)s problem(s): %(problems)s")
            % {"count": len(exc.errors), "problems": shown},
            code="bad_rows",
        ) from exc
    if not rows:
        raise ApplicationError(_("The file holds no answers."), code="empty")
    ids = sorted({r.question_id for r in rows})
    questions = {
        q.external_id: q
        for q in Question.objects.select_related("topic").filter(
            external_id__in=ids, kind=Question.Kind.ESSAY
        )
    }
    unknown = [i for i in ids if i not in questions]
    if unknown:
        raise ApplicationError(
            _("These question identifiers are not essay questions of the bank: %(ids)s")
            % {"ids": ", ".join(unknown[:20])},
            code="unknown_questions",
        )
    forbidden = [i for i, q in questions.items() if not may_edit_topic(actor=actor, topic=q.topic)]
    if forbidden:
        raise ApplicationError(
            _("You may not train the scorers of these questions: %(ids)s")
            % {"ids": ", ".join(forbidden[:20])},
            code="forbidden_questions",
        )
    too_high = [
        r.answer_id for r in rows if r.score > int(questions[r.question_id].points.to_integral())
    ]
    if too_high:
        raise ApplicationError(
            _("Scores above the question's points in answers: %(ids)s")
            % {"ids": ", ".join(too_high[:20])},
            code="score_out_of_range",
        )
    with transaction.atomic():
        upload = TrainingUpload.objects.create(
            uploaded_by=actor,
            filename=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            questions=ids,
        )
        for question_id in ids:
            refs = [r.answer_id for r in rows if r.question_id == question_id]
            TrainingAnswer.objects.filter(
                question=questions[question_id], answer_ref__in=refs
            ).delete()
        TrainingAnswer.objects.bulk_create(
            [
                TrainingAnswer(
                    question=questions[r.question_id],
                    upload=upload,
                    answer_ref=r.answer_id[:64],
                    text=r.answer,
                    score=r.score,
                )
                for r in rows
            ],
            batch_size=1000,
        )
        audit_record(
            action="scoring.training_uploaded",
            actor=actor,
            target=upload,
            details={"rows": len(rows), "questions": ids, "sha256": upload.sha256},
        )
    return upload


def training_answers_for(question: Question) -> list[ScoredAnswer]:
    """What the scorer of ``question`` learns from: uploaded human-scored answers, and
    essays whose commission score is final (the stage is locked), in the redacted form the
    commission read."""
    references = split_references(question.reference_answer)
    answers = [
        ScoredAnswer(
            question_id=question.external_id,
            answer_id=f"upload:{ref}",
            answer=text,
            score=score,
            reference_answers=references,
        )
        for ref, text, score in TrainingAnswer.objects.filter(question=question).values_list(
            "answer_ref", "text", "score"
        )
    ]
    items = list(
        AttemptItem.objects.filter(
            question=question,
            attempt__status=Attempt.Status.SCORED,
            attempt__sitting__isnull=False,
            attempt__sitting__stage__locked_at__isnull=False,
        ).values_list("pk", "position", "attempt_id", "attempt__application_id")
    )
    if not items:
        return answers
    attempts = {row[2] for row in items}
    # The text the commission read and marked: the redacted one.
    read = {
        (attempt_id, part["position"]): part["text"]
        for attempt_id, parts in EssayReview.objects.filter(attempt_id__in=attempts).values_list(
            "attempt_id", "items"
        )
        for part in parts
    }
    # Only single-essay papers: the stage score of a paper with two essays is not the
    # score of either one.
    essays_per_paper = dict(
        AttemptItem.objects.filter(attempt_id__in=attempts, question__kind=Question.Kind.ESSAY)
        .values_list("attempt_id")
        .annotate(n=Count("pk"))
    )
    stage_of = dict(Attempt.objects.filter(pk__in=attempts).values_list("pk", "sitting__stage_id"))
    final = recruitment.locked_stage_scores(stage_ids=set(stage_of.values()))
    maxima = {sid: recruitment.stage_info(sid).max_score for sid in set(stage_of.values())}
    for pk, position, attempt_id, application_id in items:
        stage_id = stage_of[attempt_id]
        score = final.get((application_id, stage_id))
        text = read.get((attempt_id, position))
        if (
            score is None
            or text is None
            or essays_per_paper.get(attempt_id) != 1
            or not maxima[stage_id]
        ):
            continue
        # The commission marks on the stage's scale; the scorer learns the question's.
        on_question_scale = score / maxima[stage_id] * question.points
        answers.append(
            ScoredAnswer(
                question_id=question.external_id,
                answer_id=f"essay:{pk}",
                answer=text,
                score=int(on_question_scale.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
                reference_answers=references,
            )
        )
    return answers


def trainable_questions() -> list[Question]:
    """Essay questions with uploaded answers or at least one locked, marked essay stage."""
    # No ORDER BY inside the UNION's parts: SQLite refuses it in compound statements.
    with_uploads = TrainingAnswer.objects.order_by().values("question_id")
    with_marks = (
        AttemptItem.objects.filter(
            attempt__status=Attempt.Status.SCORED,
            attempt__sitting__stage__locked_at__isnull=False,
            question__kind=Question.Kind.ESSAY,
        )
        .order_by()
        .values("question_id")
    )
    return list(
        Question.objects.filter(kind=Question.Kind.ESSAY)
        .filter(pk__in=with_uploads.union(with_marks))
        .order_by("external_id")
    )


# --- Training runs -------------------------------------------------------------------------

RUN_TRANSITIONS = {
    TrainingRun.Status.QUEUED: {TrainingRun.Status.RUNNING, TrainingRun.Status.FAILED},
    TrainingRun.Status.RUNNING: {TrainingRun.Status.DONE, TrainingRun.Status.FAILED},
    TrainingRun.Status.DONE: set(),
    TrainingRun.Status.FAILED: set(),
}


def training_run_start(*, actor, question: Question | None = None, seed: int = 0) -> TrainingRun:
    """Queue a training run (one question, or every question with training data)."""
    if question is not None:
        if question.kind != Question.Kind.ESSAY:
            raise ApplicationError(
                _("Only essay questions have an AI scorer."), code="not_open_question"
            )
        if not may_edit_topic(actor=actor, topic=question.topic):
            raise ApplicationError(
                _("You may not train the scorer of this question."), code="forbidden"
            )
        if len(training_answers_for(question)) < MIN_TRAINING_ANSWERS:
            raise ApplicationError(
                _("This question has fewer than %(n)s human-scored answers to learn from.")
                % {"n": MIN_TRAINING_ANSWERS},
                code="no_training_data",
            )
    elif not trainable_questions():
        raise ApplicationError(
            _("No question has human-scored answers yet: upload some first."),
            code="no_training_data",
        )
    elif not actor.is_superuser:
        # "Every question" spans the national bank; a body's officers train their own.
        raise ApplicationError(
            _("Choose a question of your body's bank to train."), code="question_required"
        )
    from eqyzmet.tasks import enqueue
    from testing_center.tasks import train_scoring_models

    with transaction.atomic():
        run = TrainingRun.objects.create(question=question, seed=seed, requested_by=actor)
        audit_record(
            action="scoring.training_requested",
            actor=actor,
            target=run,
            details={"question": question.external_id if question else None, "seed": seed},
        )
        enqueue(train_scoring_models, run.pk)
    return run


def scoring_model_store(
    *, question: Question, record: ScoringModelRecord, run: TrainingRun | None = None
) -> ScoringModel:
    """Persist a trained record and put it in use. Idempotent: the same bytes (same data
    and seed give the same bytes) are stored once."""
    with transaction.atomic():
        # One writer per question at a time: a redelivered run may overlap the first one.
        Question.objects.select_for_update().filter(pk=question.pk).first()
        model, created = ScoringModel.objects.get_or_create(
            question=question,
            model_sha256=record.model_sha256,
            defaults={
                "run": run,
                "version": record.version,
                "algorithm": record.algorithm,
                "parameters": record.parameters,
                "decision": record.decision,
                "classes": list(record.classes),
                "training_size": record.training_size,
                "training_data_sha256": record.training_data_sha256,
                "cv_qwk": record.cv_qwk,
                "cv_folds": record.cv_folds,
                "candidates_cv_qwk": record.candidates_cv_qwk,
                "seed": record.seed,
                "notes": list(record.notes),
                "model_bytes": record.model_bytes,
                "trained_at": record.created_at,
            },
        )
        if not model.is_active:
            ScoringModel.objects.filter(question=question, is_active=True).update(is_active=False)
            ScoringModel.objects.filter(pk=model.pk).update(is_active=True)
            model.is_active = True
        if created:
            audit_record(
                action="scoring.model_stored",
                target=model,
                details={
                    "question": question.external_id,
                    "version": model.version,
                    "cv_qwk": model.cv_qwk,
                    "training_size": model.training_size,
                },
            )
    return model


def model_record(model: ScoringModel) -> ScoringModelRecord:
    return ScoringModelRecord(
        question_id=model.question.external_id if model.question_id else "",
        algorithm=model.algorithm,
        parameters=model.parameters,
        decision=model.decision,
        classes=tuple(model.classes),
        training_size=model.training_size,
        training_data_sha256=model.training_data_sha256,
        cv_qwk=model.cv_qwk,
        cv_folds=model.cv_folds,
        seed=model.seed,
        created_at=model.trained_at,
        version=model.version,
        model_sha256=model.model_sha256,
        model_bytes=bytes(model.model_bytes),
        notes=tuple(model.notes),
        candidates_cv_qwk=model.candidates_cv_qwk,
    )


def _already_trained(question: Question, answers: list[ScoredAnswer], seed: int):
    """The stored model trained on exactly these answers with this seed, if any: a retried
    run reuses it instead of training again."""
    return (
        ScoringModel.objects.filter(
            question=question,
            training_data_sha256=training_data_sha256(answers),
            seed=seed,
        )
        .order_by("-trained_at")
        .first()
    )


def training_run_execute(*, run_id: int) -> bool:
    """Train what a run asks for. Safe to run again after a crash: questions already
    trained on the same data are reused, nothing is stored twice. Returns False if the run
    was already finished."""
    updated = TrainingRun.objects.filter(
        pk=run_id, status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
    ).update(status=TrainingRun.Status.RUNNING, started_at=timezone.now(), progress_done=0)
    if not updated:
        return False
    run = TrainingRun.objects.select_related("question__topic").get(pk=run_id)
    questions = [run.question] if run.question_id else trainable_questions()
    TrainingRun.objects.filter(pk=run_id).update(progress_total=len(questions))
    stored = []
    try:
        for done, question in enumerate(questions, start=1):
            answers = training_answers_for(question)
            if len(answers) >= MIN_TRAINING_ANSWERS:
                model = _already_trained(question, answers, run.seed)
                if model is None:
                    record = train_question_model(answers, seed=run.seed)
                    model = scoring_model_store(question=question, record=record, run=run)
                else:
                    model = scoring_model_store(
                        question=question, record=model_record(model), run=run
                    )
                stored.append({"question": question.external_id, "version": model.version})
            TrainingRun.objects.filter(pk=run_id).update(progress_done=done)
    except Exception as exc:
        logger.exception("Training run %s failed", run_id)
        TrainingRun.objects.filter(pk=run_id, status=TrainingRun.Status.RUNNING).update(
            status=TrainingRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
        )
        raise
    with transaction.atomic():
        TrainingRun.objects.filter(pk=run_id, status=TrainingRun.Status.RUNNING).update(
            status=TrainingRun.Status.DONE, finished_at=timezone.now()
        )
        audit_record(action="scoring.training_done", target=run, details={"models": stored})
    return True


# --- Essays for the commission -------------------------------------------------------------


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
    info = recruitment.stage_info(sitting.stage_id)
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
        for p, prediction in zip(
            group, score_answers(record, [p.redacted for p in group], scorer=scorer), strict=True
        ):
            review = needs_human_review(
                prediction, confidence_threshold=float(policy.confidence_threshold)
            )
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
    codes = recruitment.application_codes(a.application_id for a in attempts)
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
        info = recruitment.stage_info(stage_id)
        audit_record(
            action="essay.double_marking",
            target=review.attempt,
            state_body=StateBody(pk=info.state_body_id),
            details={
                "code": recruitment.application_code(application_id),
                "reason": str(EssayReview.Reason.GAP),
                "gap_margin": str(review.gap_margin),
            },
        )
    return review.marks_required


# --- Integrity -----------------------------------------------------------------------------

FOCUS_OR_PASTE_LIMIT = 5


def sitting_integrity_scan(*, sitting_id: int) -> int:
    """Run the integrity detectors over a closed sitting and raise one ethics case per
    flag (codes and evidence only). Idempotent: cases are keyed by sitting, signal and
    codes. Returns the number of flags."""
    sitting = Sitting.objects.filter(pk=sitting_id).first()
    if sitting is None:
        return 0
    info = recruitment.stage_info(sitting.stage_id)
    attempts = list(
        Attempt.objects.filter(sitting=sitting, status=Attempt.Status.SCORED, number=1)
        .only("pk", "application_id", "started_at", "submitted_at", "events_over_cap")
        .order_by("pk")
    )
    codes = recruitment.application_codes(a.application_id for a in attempts)
    code_of = {a.pk: codes.get(a.application_id, "") for a in attempts}
    items = list(
        AttemptItem.objects.filter(attempt__in=attempts)
        .select_related("question")
        .only("attempt_id", "position", "answer", "question__external_id", "question__kind")
        .order_by("attempt_id", "position")
    )
    timings, focus = _timings(attempts, items, code_of)
    closed: dict[int, dict[str, str]] = defaultdict(dict)
    key: dict[str, str] = {}
    open_answers = []
    for item in items:
        question = item.question
        if question.kind == Question.Kind.SINGLE and isinstance(item.answer, str):
            closed[item.attempt_id][question.external_id] = item.answer
            key.setdefault(question.external_id, "")
        elif (
            question.kind in (Question.Kind.ESSAY, Question.Kind.SHORT_TEXT)
            and isinstance(item.answer, str)
            and item.answer.strip()
        ):
            open_answers.append(
                integrity.OpenAnswer(code_of[item.attempt_id], question.external_id, item.answer)
            )
    if key:
        key = dict(
            Question.objects.filter(external_id__in=list(key)).values_list("external_id", "key")
        )
        key = {q: k[0] for q, k in key.items() if k}
    flags = [
        *integrity.response_time_flags(timings),
        *integrity.near_duplicate_answer_flags(open_answers),
        *integrity.answer_copying_flags(
            [integrity.ClosedResponses(code_of[a], c) for a, c in closed.items()], key
        ),
        *focus,
    ]
    from ethics.public import system_case_raise

    with transaction.atomic():
        for flag in flags:
            system_case_raise(
                kind="integrity_flag",
                state_body_id=info.state_body_id,
                summary=f"{info.competition_number}: {' · '.join(flag.codes)}",
                evidence={
                    "signal": flag.kind,
                    "competition": info.competition_number,
                    "stage": info.kind,
                    "codes": list(flag.codes),
                    "score": flag.score,
                    **flag.evidence,
                },
                dedupe_key=f"integrity:{flag.kind}:{sitting.pk}:{'-'.join(flag.codes)}"[:200],
            )
        Sitting.objects.filter(pk=sitting.pk).update(integrity_checked_at=timezone.now())
        audit_record(
            action="sitting.integrity_checked",
            target=sitting,
            state_body=StateBody(pk=info.state_body_id),
            details={"flags": len(flags), "attempts": len(attempts)},
        )
    return len(flags)


def _timings(attempts, items, code_of):
    """Per-item seconds from the page's item-time events, and focus/paste counts."""
    question_at = {(i.attempt_id, i.position): i.question.external_id for i in items}
    seconds: dict[int, dict[str, float]] = defaultdict(dict)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    events = IntegrityEvent.objects.filter(attempt__in=attempts).values_list(
        "attempt_id", "kind", "position", "value_ms"
    )
    for attempt_id, kind, position, value_ms in events.iterator():
        if kind == IntegrityEvent.Kind.ITEM_TIME:
            question = question_at.get((attempt_id, position))
            if question:
                seconds[attempt_id][question] = seconds[attempt_id].get(question, 0) + (
                    value_ms / 1000
                )
        elif kind in (IntegrityEvent.Kind.FOCUS_LOST, IntegrityEvent.Kind.PASTE):
            counts[attempt_id][kind] += 1
    for a in attempts:
        # Events past the per-attempt cap were counted, not stored: they count here too.
        for kind in (IntegrityEvent.Kind.FOCUS_LOST, IntegrityEvent.Kind.PASTE):
            extra = (a.events_over_cap or {}).get(kind, 0)
            if isinstance(extra, int) and extra > 0:
                counts[a.pk][kind] += extra
    timings = [
        integrity.AttemptTiming(
            code_of[a.pk],
            seconds[a.pk],
            (a.submitted_at - a.started_at).total_seconds() if a.submitted_at else None,
        )
        for a in attempts
        if seconds.get(a.pk)
    ]
    focus = [
        integrity.Flag(
            "focus_or_paste",
            (code_of[attempt_id],),
            float(sum(c.values())),
            {"left_the_window": c.get("focus_lost", 0), "pasted": c.get("paste", 0)},
        )
        for attempt_id, c in counts.items()
        if sum(c.values()) >= FOCUS_OR_PASTE_LIMIT
    ]
    return timings, focus


def sittings_due_for_integrity(*, now=None) -> list[int]:
    """Closed sittings with no paper still open, not yet scanned."""
    now = now or timezone.now()
    return list(
        Sitting.objects.filter(integrity_checked_at__isnull=True, stage__closes_at__lt=now)
        .exclude(attempts__status__in=[Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED])
        .values_list("pk", flat=True)[:50]
    )
