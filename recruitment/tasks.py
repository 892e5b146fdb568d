"""Recruitment tasks: thin and idempotent (each service claims its work by a conditional
UPDATE), queued on commit with ``eqyzmet.queueing.enqueue``."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from eqyzmet.jobs import job_run
from eqyzmet.queueing import TASK_DEFAULTS, enqueue
from recruitment import services
from recruitment.contracts.reminders import expiry_reminders_send
from recruitment.notifications import (
    broadcast_fan_out,
    notification_failed,
    notification_send,
    reserve_expiry_raise,
    staff_digests_send,
    unsent_notifications,
)
from recruitment.search_alerts import search_alerts_send

logger = logging.getLogger("recruitment.tasks")

# SMTP errors are OSErrors (smtplib.SMTPException included): back off and try again, a
# bounded number of times; after that the row stays unsent and the sweeper tries later.
MAIL = {**TASK_DEFAULTS, "max_retries": 5, "retry_backoff_max": 15 * 60}


@shared_task(bind=True, name="recruitment.send_notification", **MAIL)
def send_notification(self, notification_id: int) -> bool:
    try:
        return notification_send(notification_id=notification_id)
    except OSError as exc:
        notification_failed(notification_id=notification_id)
        retries = self.request.retries
        if retries >= self.max_retries:
            logger.warning(
                "recruitment: notification %s unsent, left for the sweeper", notification_id
            )
            return False
        if self.request.is_eager:
            # No worker to hand a delayed retry to (laptop, tests): try again at once rather
            # than raise into the request that committed the event.
            return self.apply(args=[notification_id], retries=retries + 1).result
        raise self.retry(exc=exc, countdown=min(10 * 2**retries, 15 * 60)) from None
    except Exception:
        # Not the mail server: a bug. Counted, logged, left for the sweeper (which gives up
        # after MAX_FAILURES); never raised into the request whose event was committed.
        notification_failed(notification_id=notification_id)
        logger.exception("recruitment: notification %s could not be written", notification_id)
        return False


@shared_task(name="recruitment.fan_out_notification", **TASK_DEFAULTS)
def fan_out_notification(event: str, ref: int) -> int:
    return broadcast_fan_out(event=event, ref=ref)


@shared_task(name="recruitment.sweep_notifications", **TASK_DEFAULTS)
def sweep_notifications() -> int:
    """Beat entry: queue again what a dead broker or worker left unsent, and raise the
    e-mails of reserve places that lapsed."""

    reserve_expiry_raise()
    rows = unsent_notifications()
    with transaction.atomic():
        for pk, application_id, event, ref in rows:
            if application_id is None:
                enqueue(fan_out_notification, event, ref)
            else:
                enqueue(send_notification, pk)
    return len(rows)


@shared_task(name="recruitment.send_staff_digests", **TASK_DEFAULTS)
def send_staff_digests() -> int:
    """Beat entry: once a day, what waits for each HR officer and commission member."""
    return staff_digests_send()


@shared_task(name="recruitment.send_search_alerts", **TASK_DEFAULTS)
def send_search_alerts() -> int:
    """Beat entry: once a day, new vacancies for each candidate's saved searches."""
    return search_alerts_send()


# Locking the ranking of a competition of thousands: minutes are allowed, never a request's.
LONG = {**TASK_DEFAULTS, "soft_time_limit": 10 * 60, "time_limit": 11 * 60, "max_retries": 0}


@shared_task(name="recruitment.lock_ranking", **LONG)
def lock_ranking(job_id: int) -> bool:
    return job_run(job_id, services.competition_lock_ranking_run)


@shared_task(name="recruitment.send_contract_expiry_reminders", **TASK_DEFAULTS)
def send_contract_expiry_reminders() -> int:
    """Beat entry: one e-mail per contract and end date, 30 days before it ends."""
    return expiry_reminders_send()
