"""Evaluation tasks: thin and idempotent (each service re-reads state and claims its work)."""

from __future__ import annotations

from celery import shared_task

from eqyzmet.queueing import TASK_DEFAULTS
from evaluation import services


@shared_task(name="evaluation.compute_annual_results", **TASK_DEFAULTS)
def compute_annual_results() -> int:
    """Beat entry: the previous year's annual scores, from 21 January; a no-op once done."""
    return services.annual_due_run()


@shared_task(name="evaluation.send_reminders", **TASK_DEFAULTS)
def send_reminders() -> int:
    """Beat entry: one reminder per assessment and deadline."""
    return services.reminders_send()


@shared_task(name="evaluation.purge_expired_results", **TASK_DEFAULTS)
def purge_expired_results() -> int:
    """Beat entry: delete results past their retention period (audited per cycle)."""
    return services.results_purge()


@shared_task(name="evaluation.send_training_reminders", **TASK_DEFAULTS)
def send_training_reminders() -> int:
    """Beat entry: mandatory training due in 14 days or overdue, one mail per due date."""
    return services.training_reminders_send()
