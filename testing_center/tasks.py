"""Testing center tasks: thin, idempotent, queued on commit."""

from __future__ import annotations

from celery import shared_task

from eqyzmet.tasks import TASK_DEFAULTS, enqueue


@shared_task(name="testing_center.score_attempt", **TASK_DEFAULTS)
def score_attempt(attempt_id: int) -> bool:
    from testing_center.services import attempt_score

    return attempt_score(attempt_id=attempt_id)


@shared_task(
    name="testing_center.analyse_sitting",
    **{**TASK_DEFAULTS, "time_limit": 600, "soft_time_limit": 540},
)
def analyse_sitting(sitting_id: int) -> bool:
    from testing_center.services import sitting_analyse

    return sitting_analyse(sitting_id=sitting_id) is not None


@shared_task(name="testing_center.sweep", **TASK_DEFAULTS)
def sweep() -> dict[str, int]:
    """Beat's clock: hand in expired papers, requeue unscored ones, analyse closed sittings."""
    from django.db import transaction

    from testing_center import services

    expired = services.attempts_expire_sweep()
    requeued = services.attempts_requeue_unscored()
    due = services.sittings_due_for_analysis()
    with transaction.atomic():
        for sitting_id in due:
            enqueue(analyse_sitting, sitting_id)
    return {"expired": expired, "requeued": requeued, "analyses": len(due)}
