"""A Redis cache that degrades instead of failing.

The cache holds nothing that cannot be lost (rate-limit counters, computed pages), so when
Redis is down a request should go on without it: reads miss, writes are dropped, counters
start again. Applications, answers and reports must still be accepted (DESIGN.md §8).
Each failure is logged once per minute per operation so operators see the outage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("eqyzmet.cache")
_last_logged: dict[str, float] = {}


def _log(operation: str, exc: Exception) -> None:
    now = time.monotonic()
    if now - _last_logged.get(operation, 0) > 60:
        _last_logged[operation] = now
        logger.warning("Redis cache unavailable during %s: %s", operation, type(exc).__name__)


def _degrading(name: str, fallback):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (RedisError, ConnectionError, OSError) as exc:
            _log(name, exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


def _default(key, default=None, *args, **kwargs):
    return default


def _incr_fallback(key, delta=1, *args, **kwargs):
    # A counter that cannot be read counts as its first step: limits fail open.
    return delta


# Values read ahead by ``prefetch``: full cache key → value (``_ABSENT`` when not cached).
_PREFETCHED: ContextVar[dict | None] = ContextVar("eqyzmet_cache_prefetched", default=None)
_ABSENT = object()


@contextmanager
def prefetch(keys: Iterable[str]):
    """Read ``keys`` from the cache in one round trip; inside the block, ``cache.get`` of
    one of them answers from what was read, and a write or delete of one forgets it.

    For a request that needs several cached values whose keys it can name up front (the
    fast lane's autosave): one ``MGET`` instead of one ``GET`` each. On a cache other than
    ``ResilientRedisCache`` (the laptop's and the tests' local memory) it reads nothing
    ahead and every ``get`` goes to the cache as before."""
    from django.core.cache import caches

    cache = caches["default"]
    keys = list(keys)
    if not isinstance(cache, ResilientRedisCache) or not keys:
        yield
        return
    found = cache.get_many(keys)
    ahead = {cache.make_and_validate_key(k): found.get(k, _ABSENT) for k in keys}
    token = _PREFETCHED.set(ahead)
    try:
        yield
    finally:
        _PREFETCHED.reset(token)


def _read_ahead(method):
    def wrapper(self, key, default=None, version=None):
        ahead = _PREFETCHED.get()
        if ahead is not None:
            value = ahead.get(self.make_and_validate_key(key, version=version), None)
            if value is _ABSENT:
                return default
            if value is not None:
                return value
        return method(self, key, default, version)

    wrapper.__name__ = method.__name__
    return wrapper


def _forgetting(method):
    def wrapper(self, key, *args, **kwargs):
        ahead = _PREFETCHED.get()
        if ahead is not None:
            ahead.pop(self.make_and_validate_key(key, version=kwargs.get("version")), None)
        return method(self, key, *args, **kwargs)

    wrapper.__name__ = method.__name__
    return wrapper


def _forgetting_all(method):
    def wrapper(self, *args, **kwargs):
        ahead = _PREFETCHED.get()
        if ahead is not None:
            ahead.clear()
        return method(self, *args, **kwargs)

    wrapper.__name__ = method.__name__
    return wrapper


class ResilientRedisCache(RedisCache):
    get = _read_ahead(_degrading("get", _default))
    set = _forgetting(_degrading("set", None))
    add = _forgetting(_degrading("add", True))
    delete = _forgetting(_degrading("delete", False))
    touch = _degrading("touch", False)
    has_key = _degrading("has_key", False)
    get_many = _degrading("get_many", {})
    set_many = _forgetting_all(_degrading("set_many", []))
    delete_many = _forgetting_all(_degrading("delete_many", None))
    incr = _forgetting(_degrading("incr", _incr_fallback))
    decr = _forgetting(_degrading("decr", _incr_fallback))
    clear = _forgetting_all(_degrading("clear", None))

    def validate_key(self, key):
        """Nothing to warn about: Redis takes any key. (Django's default warns where
        memcached would refuse a key, walking every character in Python on each read and
        write: about a tenth of an autosave's CPU, which reads four keys.)"""

    def get_or_set(self, key, default, timeout=None, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            self.add(key, value, timeout=timeout, version=version)
        return value
