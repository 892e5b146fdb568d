"""``eqyzmet.cache.prefetch``: several cached values in one round trip to Redis, and
never a stale one within the block."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from eqyzmet.cache import ResilientRedisCache, prefetch


@pytest.fixture
def redis_cache(monkeypatch):
    cache = caches["default"]
    if not isinstance(cache, ResilientRedisCache):
        pytest.skip("needs Redis: set REDIS_URL (bash .ci/run does)")
    cache.delete_many(["pf:a", "pf:b", "pf:c"])
    client = cache._cache
    trips = []
    for name in ("get", "get_many"):
        real = getattr(client, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            trips.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(client, name, counted)
    yield cache, trips
    cache.delete_many(["pf:a", "pf:b", "pf:c"])


def test_values_read_ahead_cost_one_round_trip(redis_cache):
    cache, trips = redis_cache
    cache.set("pf:a", {"x": 1})
    cache.set("pf:b", False)  # a falsy value is a value, not a miss

    with prefetch(["pf:a", "pf:b", "pf:c"]):
        assert cache.get("pf:a") == {"x": 1}
        assert cache.get("pf:b") is False
        assert cache.get("pf:c", "absent") == "absent"
    assert trips == ["get_many"]
    # Outside the block every get goes to Redis again.
    assert cache.get("pf:a") == {"x": 1} and trips[-1] == "get"


def test_a_write_inside_the_block_is_seen_at_once(redis_cache):
    cache, _trips = redis_cache
    cache.set("pf:a", 1)
    cache.set("pf:b", 2)
    with prefetch(["pf:a", "pf:b", "pf:c"]):
        cache.set("pf:a", 10)
        cache.delete("pf:b")
        cache.set("pf:c", 30)
        assert cache.get("pf:a") == 10
        assert cache.get("pf:b") is None
        assert cache.get("pf:c") == 30
    with prefetch(["pf:a", "pf:c"]):
        cache.delete_many(["pf:a"])
        assert cache.get("pf:a") is None and cache.get("pf:c") == 30
