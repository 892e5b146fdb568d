"""With Redis unreachable, the cache degrades and requests still succeed."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from eqyzmet.cache import ResilientRedisCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_redis_cache(settings):
    # A port nothing listens on: every Redis call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "eqyzmet.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # Django's setting_changed signal rebuilds the cache handlers.
    return caches["default"]


def test_reads_miss_writes_drop_and_counters_restart_when_redis_is_down(dead_redis_cache):
    cache = dead_redis_cache
    assert isinstance(cache, ResilientRedisCache)
    cache.set("k", "v", 10)
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", "v") is True
    assert cache.incr("counter") == 1
    assert cache.get_or_set("k", lambda: "computed") == "computed"
    assert cache.get_many(["a", "b"]) == {}


def test_pages_and_the_api_still_answer_when_redis_is_down(client, dead_redis_cache):
    assert client.get("/kk/").status_code == 200
    assert client.get("/api/v1/vacancies/").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["cache"] != "ok"


def test_enqueue_survives_a_dead_broker_and_still_runs_eager_tasks(
    django_capture_on_commit_callbacks, caplog, monkeypatch
):
    from celery import shared_task
    from kombu.exceptions import OperationalError

    from eqyzmet.queueing import enqueue

    ran = []

    @shared_task(name="tests.record_run")
    def record_run(value):
        ran.append(value)

    with django_capture_on_commit_callbacks(execute=True):
        enqueue(record_run, 1)
    assert ran == [1]  # eager: runs at commit

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(record_run, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(record_run, 2)  # the request goes on
    assert ran == [1]
    assert "left for its sweeper" in caplog.text


def test_a_failing_task_is_not_mistaken_for_a_dead_broker(django_capture_on_commit_callbacks):
    from celery import shared_task

    from eqyzmet.queueing import enqueue

    @shared_task(name="tests.boom")
    def boom():
        raise ValueError("a bug in the task")

    with pytest.raises(ValueError), django_capture_on_commit_callbacks(execute=True):
        enqueue(boom)
