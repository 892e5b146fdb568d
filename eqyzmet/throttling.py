"""Hourly flood and brute-force limits for public pages, kept only in the cache.

A client is known by a keyed hash of its IP address and the current hour, held only inside
a cache key that expires with the window: the address itself is never stored or logged,
and a key from one hour cannot be linked to the next without the HMAC key. Every limit has
a per-client and a global counter, so a botnet that rotates addresses still meets the
global one. When the cache is down the limits fail open; each app says why that is
tolerable for its pages.

Each app keeps its own table of limits::

    LIMITS = {"report": (5, 300)}  # scope: (per client per hour, everyone per hour)
    limiter = HourlyLimiter("ethics", LIMITS)
    if limiter.exceeded(request, "report"): ...
    limiter.hit(request, "report")
"""

from __future__ import annotations

import time

from django.core.cache import cache

from eqyzmet.vault import blind_index

WINDOW_SECONDS = 3600


class HourlyLimiter:
    def __init__(self, namespace: str, limits: dict[str, tuple[int, int]]):
        self.namespace = namespace
        self.limits = limits  # read at each call, so a test may change a limit in place

    def _keys(self, request, scope: str) -> tuple[str, str]:
        window = int(time.time() // WINDOW_SECONDS)
        address = request.META.get("REMOTE_ADDR", "") or "unknown"
        client = blind_index(address, purpose=f"{self.namespace}-client:{window}")[:32]
        prefix = f"{self.namespace}:throttle:{scope}:{window}"
        return f"{prefix}:client:{client}", f"{prefix}:all"

    def exceeded(self, request, scope: str) -> bool:
        client_limit, global_limit = self.limits[scope]
        client_key, global_key = self._keys(request, scope)
        counts = cache.get_many([client_key, global_key])
        return (
            counts.get(client_key, 0) >= client_limit or counts.get(global_key, 0) >= global_limit
        )

    def hit(self, request, scope: str) -> None:
        for key in self._keys(request, scope):
            cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
