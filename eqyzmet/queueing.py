"""Handing work to Celery: the defaults every task follows, and ``enqueue`` on commit.

Below every tasks module and every service: services name the task they hand work to,
tasks modules import services, and neither imports the other.
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

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


def enqueue(task, *args, **kwargs) -> None:
    """Queue ``task`` (a task, or the name it is registered under) once the current
    transaction commits.

    Services name the task they hand work to (``enqueue("testing_center.score_attempt",
    attempt.pk)``): a tasks module imports its services, so services importing it back
    would close a circle. The name is the queue's message contract; each app's
    ``AppConfig.ready`` imports its tasks so every name is registered in every process.

    If the broker is unreachable the request still succeeds and the work is not lost: the
    state that asks for the work is in the database, and each app's periodic sweeper (Celery
    beat) finds work left undone and queues it again when the broker is back.
    """

    name = task if isinstance(task, str) else task.name
    # An unknown name is a programming error: refuse it now, inside the transaction, not
    # after the commit where it would be lost.
    registered = current_app.tasks[name]

    def send() -> None:
        try:
            registered.apply_async(args=args, kwargs=kwargs, retry=False)
        except (OperationalError, RedisError, ConnectionError) as exc:
            logger.warning(
                "Broker unavailable; %s left for its sweeper (%s)", name, type(exc).__name__
            )

    transaction.on_commit(send)
