"""Careers tasks: thin and idempotent. Matching runs here, never in a request: a profile
change recomputes that person's matches; a published competition or an edited vacancy is
matched against every candidate, one bounded batch per run, each run queuing the next."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from careers.matching import services
from eqyzmet.queueing import TASK_DEFAULTS, enqueue
from recruitment.public import vacancy_ids_opened_since

logger = logging.getLogger("careers.tasks")

# Training the matcher (once per worker process) and one batch fit well inside this.
MATCHING = {**TASK_DEFAULTS, "soft_time_limit": 5 * 60, "time_limit": 6 * 60}


def _quietly_when_eager(task, work):
    """Without a worker (a laptop) the task runs inside the request that saved a profile or
    published a competition: a matching failure is logged there, never raised into it."""
    if not task.request.is_eager:
        return work()
    try:
        return work()
    except Exception:
        logger.exception("careers: matching failed in %s", task.name)
        return 0


@shared_task(bind=True, name="careers.refresh_matches", **MATCHING)
def refresh_matches(self, user_id: int) -> int:
    return _quietly_when_eager(self, lambda: services.matches_refresh(user_id=user_id))


@shared_task(bind=True, name="careers.match_vacancies", **MATCHING)
def match_vacancies(self, vacancy_ids: list[int], after_user_id: int = 0) -> int:
    def work() -> int:
        result = services.vacancies_match(vacancy_ids=vacancy_ids, after_user_id=after_user_id)
        if result.next_after is not None:
            enqueue(match_vacancies, vacancy_ids, result.next_after)
        return result.matched

    return _quietly_when_eager(self, work)


# A competition announced for a later opening is matched when its window opens; the beat asks
# hourly, over a little more than an hour (a matched post is never alerted twice).
OPENED_WINDOW = dt.timedelta(minutes=75)


@shared_task(name="careers.match_opened_vacancies", **TASK_DEFAULTS)
def match_opened_vacancies() -> int:
    """Beat entry: match the vacancies whose application window opened in the last hour."""
    ids = vacancy_ids_opened_since(timezone.now() - OPENED_WINDOW)
    if ids:
        enqueue(match_vacancies, ids)
    return len(ids)


def profile_changed(user_id: int) -> None:
    """Called (on commit) when a candidate's declared qualifications change."""
    enqueue(refresh_matches, user_id)


def vacancies_changed(vacancy_ids: list[int]) -> None:
    """Called (on commit) when vacancies are published or edited."""
    if vacancy_ids:
        enqueue(match_vacancies, sorted(set(vacancy_ids)))
