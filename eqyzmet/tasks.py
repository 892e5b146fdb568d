"""Kernel tasks. Tasks are thin: load by id, call a service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from eqyzmet.health import health_report

logger = logging.getLogger("eqyzmet.tasks")

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


def enqueue(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits.

    If the broker is unreachable the request still succeeds and the work is not lost: the
    state that asks for the work is in the database, and each app's periodic sweeper (Celery
    beat) finds work left undone and queues it again when the broker is back.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except (OperationalError, RedisError, ConnectionError) as exc:
            logger.warning(
                "Broker unavailable; %s left for its sweeper (%s)", task.name, type(exc).__name__
            )

    transaction.on_commit(send)
