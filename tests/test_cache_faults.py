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
