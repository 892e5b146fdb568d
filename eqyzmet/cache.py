"""A Redis cache that degrades instead of failing.

The cache holds nothing that cannot be lost (rate-limit counters, computed pages), so when
Redis is down a request should go on without it: reads miss, writes are dropped, counters
start again. Applications, answers and reports must still be accepted (DESIGN.md §8).
Each failure is logged once per minute per operation so operators see the outage.
"""

from __future__ import annotations

import logging
import time

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


class ResilientRedisCache(RedisCache):
    get = _degrading("get", _default)
    set = _degrading("set", None)
    add = _degrading("add", True)
    delete = _degrading("delete", False)
    touch = _degrading("touch", False)
    has_key = _degrading("has_key", False)
    get_many = _degrading("get_many", {})
    set_many = _degrading("set_many", [])
    delete_many = _degrading("delete_many", None)
    incr = _degrading("incr", _incr_fallback)
    decr = _degrading("decr", _incr_fallback)
    clear = _degrading("clear", None)

    def get_or_set(self, key, default, timeout=None, version=None):
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            self.add(key, value, timeout=timeout, version=version)
        return value
