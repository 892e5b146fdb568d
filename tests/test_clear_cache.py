"""`manage.py clear_cache`, the restore runbook's step: the cache goes, the task queue that
shares its Redis database stays."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management import CommandError, call_command


@pytest.fixture
def redis_cache():
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        pytest.skip("needs Redis: set REDIS_URL (bash .ci/run does)")
    client = cache._cache.get_client(write=True)
    yield client
    client.delete("celery", "unacked_index")


def test_the_cache_is_emptied_and_the_queue_kept(redis_cache, capsys):
    cache = caches["default"]
    cache.clear()  # what earlier tests left
    cache.set_many({f"paper-facts:{n}": n for n in range(2500)})
    redis_cache.rpush("celery", "a queued task")  # Celery's queue, in the same database
    redis_cache.set("unacked_index", "1")

    call_command("clear_cache")

    assert cache.get_many([f"paper-facts:{n}" for n in range(2500)]) == {}
    assert redis_cache.lrange("celery", 0, -1) == [b"a queued task"]
    assert redis_cache.get("unacked_index") == b"1"
    assert "2500 keys deleted" in capsys.readouterr().out


def test_without_a_key_prefix_nothing_is_deleted(redis_cache, monkeypatch):
    cache = caches["default"]
    cache.set("kept", 1)
    monkeypatch.setattr(cache, "key_prefix", "")
    with pytest.raises(CommandError, match="nothing was deleted"):
        call_command("clear_cache")
    monkeypatch.undo()
    assert cache.get("kept") == 1


def test_a_local_cache_is_emptied(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].set("facts", 1)
    call_command("clear_cache")
    assert caches["default"].get("facts") is None
