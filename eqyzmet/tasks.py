"""Kernel tasks. Tasks are thin: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from eqyzmet.health import health_report
from eqyzmet.jobs import jobs_requeue_lost
from eqyzmet.queueing import TASK_DEFAULTS


@shared_task(name="eqyzmet.health_check", **TASK_DEFAULTS)
def health_check() -> dict[str, str]:
    """Prove a worker can reach the database and the cache."""
    return health_report()


@shared_task(name="eqyzmet.requeue_lost_jobs", **TASK_DEFAULTS)
def requeue_lost_jobs() -> int:
    """Beat entry: background jobs a dead broker left queued are queued again."""
    return jobs_requeue_lost()
