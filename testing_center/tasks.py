"""Testing center tasks: thin, idempotent, queued on commit."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from eqyzmet.jobs import job_run
from eqyzmet.queueing import TASK_DEFAULTS, enqueue
from testing_center.analysis import (
    sitting_analyse,
    sitting_analyse_run,
    sittings_analysis_queue,
    sittings_due_for_analysis,
)
from testing_center.delivery import attempts_expire_sweep
from testing_center.integrity import sitting_integrity_scan, sittings_due_for_integrity
from testing_center.scoring.essays import essays_due_for_preparation, essays_prepare
from testing_center.scoring.papers import attempt_score, attempts_requeue_unscored
from testing_center.scoring.training import training_run_execute

LONG = {**TASK_DEFAULTS, "time_limit": 600, "soft_time_limit": 540}


@shared_task(name="testing_center.score_attempt", **TASK_DEFAULTS)
def score_attempt(attempt_id: int) -> bool:
    return attempt_score(attempt_id=attempt_id)


@shared_task(name="testing_center.analyse_sitting", **LONG)
def analyse_sitting(sitting_id: int) -> bool:
    return sitting_analyse(sitting_id=sitting_id) is not None


@shared_task(name="testing_center.analyse_sitting_job", **{**LONG, "max_retries": 0})
def analyse_sitting_job(job_id: int) -> bool:
    """Item analysis as a background job: its progress shows on the sittings' admin list."""
    return job_run(job_id, sitting_analyse_run)


@shared_task(name="testing_center.prepare_essays", **LONG)
def prepare_essays(sitting_id: int) -> int:
    """Redact, AI-score and route a sitting's essays for the commission (batched)."""
    return essays_prepare(sitting_id=sitting_id)


@shared_task(name="testing_center.scan_integrity", **LONG)
def scan_integrity(sitting_id: int) -> int:
    return sitting_integrity_scan(sitting_id=sitting_id)


@shared_task(
    name="testing_center.train_scoring_models",
    **{**TASK_DEFAULTS, "time_limit": 3600, "soft_time_limit": 3500, "max_retries": 0},
)
def train_scoring_models(run_id: int) -> bool:
    """A training run; a redelivered message after a worker died resumes it safely."""
    return training_run_execute(run_id=run_id)


@shared_task(name="testing_center.sweep", **TASK_DEFAULTS)
def sweep() -> dict[str, int]:
    """Beat's clock: hand in expired papers, requeue unscored ones, prepare essays left
    behind, analyse and scan closed sittings."""

    expired = attempts_expire_sweep()
    requeued = attempts_requeue_unscored()
    due = sittings_due_for_analysis()
    essays = essays_due_for_preparation()
    scans = sittings_due_for_integrity()
    with transaction.atomic():
        sittings_analysis_queue(due)
        for sitting_id in essays:
            enqueue(prepare_essays, sitting_id)
        for sitting_id in scans:
            enqueue(scan_integrity, sitting_id)
    return {
        "expired": expired,
        "requeued": requeued,
        "analyses": len(due),
        "essays": len(essays),
        "integrity": len(scans),
    }
