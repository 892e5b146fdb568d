"""Ethics tasks: thin, idempotent."""

from __future__ import annotations

from celery import shared_task

from eqyzmet.queueing import TASK_DEFAULTS
from ethics.services import case_deadline_remind, deadline_reminders_send


@shared_task(name="ethics.send_deadline_reminders", **TASK_DEFAULTS)
def send_deadline_reminders() -> int:
    """Beat entry: every open reminder window gets its one e-mail."""
    return deadline_reminders_send()


@shared_task(name="ethics.send_deadline_reminder", **TASK_DEFAULTS)
def send_deadline_reminder(case_id: int, kind: str) -> bool:
    return case_deadline_remind(case_id=case_id, kind=kind)
