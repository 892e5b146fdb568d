"""Kernel tasks. Tasks are thin: load by id, call a service."""

from __future__ import annotations

from celery import shared_task

from eqyzmet.health import health_report

# Defaults every task in the project should follow: late acknowledgement (a worker killed
# mid-task leaves the message on the queue), bounded retries, time limits.
TASK_DEFAULTS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": 5,
    "default_retry_delay": 10,
    "retry_backoff": True,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(name="eqyzmet.health_check", **TASK_DEFAULTS)
def health_check() -> dict[str, str]:
    """Prove a worker can reach the database and the cache."""
    return health_report()
