"""Limits for the public citizen-rating pages, kept only in the cache (django cache).

A client is known by a keyed hash of its IP address and the current hour, inside a cache
key that expires with the window; the address is never stored. Each limit has a per-client
and a global counter, so rotating addresses still meets the global one. When the cache is
down the limits fail open (the one-time tokens still make guessing hopeless: 32^12 codes).
"""

from __future__ import annotations

import time

from django.core.cache import cache

from eqyzmet.vault import blind_index

WINDOW_SECONDS = 3600

# scope: (per client per hour, everyone per hour)
LIMITS: dict[str, tuple[int, int]] = {
    "rate_failure": (20, 2000),  # wrong or used codes
    "rate_submit": (30, 20000),  # ratings given
}


def _keys(request, scope: str) -> tuple[str, str]:
    window = int(time.time() // WINDOW_SECONDS)
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    client = blind_index(address, purpose=f"evaluation-client:{window}")[:32]
    return (
        f"evaluation:throttle:{scope}:{window}:client:{client}",
        f"evaluation:throttle:{scope}:{window}:all",
    )


def throttle_exceeded(request, scope: str) -> bool:
    client_limit, global_limit = LIMITS[scope]
    client_key, global_key = _keys(request, scope)
    counts = cache.get_many([client_key, global_key])
    return counts.get(client_key, 0) >= client_limit or counts.get(global_key, 0) >= global_limit


def throttle_hit(request, scope: str) -> None:
    for key in _keys(request, scope):
        cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
