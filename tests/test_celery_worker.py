"""A real Celery worker, against real Redis and PostgreSQL, completes a task."""

from __future__ import annotations

import pytest

from eqyzmet.celery import app as celery_app
from eqyzmet.tasks import health_check
from tests.integration_helpers import celery_worker, require_services

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_the_health_task_against_postgresql_and_redis():
    require_services()
    celery_app.conf.task_always_eager = False
    with celery_worker() as worker:
        result = health_check.delay()
        try:
            report = result.get(timeout=60)
        except Exception:
            worker.terminate()
            raise AssertionError(worker.stdout.read()) from None
    assert report == {"database": "ok", "cache": "ok"}


def test_the_celery_app_uses_json_and_late_acknowledgement():
    conf = celery_app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.task_time_limit > conf.task_soft_time_limit > 0
