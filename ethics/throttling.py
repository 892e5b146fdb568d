"""Flood and brute-force limits for the public ethics pages, kept only in the cache.

A client is known by a keyed hash of its IP address and the current hour, held only inside
a cache key that expires with the window: the address itself is never stored or logged,
and a key from one hour cannot be linked to the next without the HMAC key. Every limit has
a per-client and a global counter, so a botnet that rotates addresses still meets the
global one.

When Redis is down the project's cache degrades and these limits fail open. For receipt
codes that is tolerable: every guess still costs the server a slow hash, and with 10^16
codes an attacker at 100 guesses a second needs centuries to hit one of ten thousand cases.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from eqyzmet.vault import blind_index

WINDOW_SECONDS = 3600

# scope: (per client per hour, everyone per hour)
LIMITS: dict[str, tuple[int, int]] = {
    "report": (5, 300),  # new reports
    "message": (30, 2000),  # reporter's follow-up messages
    "receipt_failure": (10, 500),  # wrong receipt codes
}


def _window() -> int:
    return int(time.time() // WINDOW_SECONDS)


def _keys(request, scope: str) -> tuple[str, str]:
    window = _window()
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    client = blind_index(address, purpose=f"ethics-client:{window}")[:32]
    return (
        f"ethics:throttle:{scope}:{window}:client:{client}",
        f"ethics:throttle:{scope}:{window}:all",
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
