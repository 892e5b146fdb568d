"""Training the AI scorers: uploads of human-scored answers, training runs and the stored
model versions."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.queueing import enqueue
from testing_center.bank.keepers import may_edit_topic
from testing_center.models import (
    Attempt,
    AttemptItem,
    EssayReview,
    Question,
    ScoringModel,
    ScoringPolicy,
    TrainingAnswer,
    TrainingRun,
    TrainingUpload,
)
from testing_center.ports import competitions
from testing_center.scoring import (
    ScoredAnswer,
    ScoringDataError,
    ScoringModelRecord,
    read_scored_answers_csv,
    train_question_model,
)
from testing_center.scoring.data import split_references
from testing_center.scoring.model import training_data_sha256
from testing_center.scoring.workload import scoring_model_route

logger = logging.getLogger("eqyzmet.testing_center.ai")

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MIN_TRAINING_ANSWERS = 2


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
    final = competitions.locked_stage_scores(stage_ids=set(stage_of.values()))
    maxima = {sid: competitions.stage_info(sid).max_score for sid in set(stage_of.values())}
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

    with transaction.atomic():
        run = TrainingRun.objects.create(question=question, seed=seed, requested_by=actor)
        audit_record(
            action="scoring.training_requested",
            actor=actor,
            target=run,
            details={"question": question.external_id if question else None, "seed": seed},
        )
        enqueue("testing_center.train_scoring_models", run.pk)
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
                "calibration": [list(row) for row in record.calibration],
                "model_bytes": record.model_bytes,
                "trained_at": record.created_at,
            },
        )
        if not model.is_active:
            ScoringModel.objects.filter(question=question, is_active=True).update(is_active=False)
            ScoringModel.objects.filter(pk=model.pk).update(is_active=True)
            model.is_active = True
        # The question's own routing threshold, from the held-out answers, for its policy.
        scoring_model_route(model=model, policy=policy_of(question))
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
        calibration=tuple(tuple(row) for row in model.calibration or ()),
    )


def policy_of(question: Question):
    """The question's scoring policy, or the default one (not saved) when it has none."""
    policy = ScoringPolicy.objects.filter(question=question).first()
    return policy or ScoringPolicy(question=question)


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


# Models this process has trained, by (training data hash, seed): training is a pure
# function of the answers and the seed (tests/testing_center/scoring/test_scorer.py proves the
# bytes do not even depend on the process's hash seed), so the same data is never trained
# twice in one worker — the demo seed, run again and again by the test suite and by
# `make run`, trained its three scorers each time. Bounded; a new scorer version is a new key.
_TRAINED_HERE: dict[tuple[str, int, str], object] = {}
_TRAINED_HERE_MAX = 64


def _train_once(answers: list[ScoredAnswer], seed: int):
    from testing_center.scoring.model import SCORER_VERSION

    key = (training_data_sha256(answers), seed, SCORER_VERSION)
    record = _TRAINED_HERE.get(key)
    if record is None:
        record = train_question_model(answers, seed=seed)
        if len(_TRAINED_HERE) >= _TRAINED_HERE_MAX:
            _TRAINED_HERE.pop(next(iter(_TRAINED_HERE)))
        _TRAINED_HERE[key] = record
    return dataclasses.replace(record, created_at=timezone.now())


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
                    record = _train_once(answers, run.seed)
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
