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

from eqyzmet.throttling import WINDOW_SECONDS, HourlyLimiter

# scope: (per client per hour, everyone per hour)
LIMITS: dict[str, tuple[int, int]] = {
    "report": (5, 300),  # new reports
    "message": (30, 2000),  # reporter's follow-up messages
    "receipt_failure": (10, 500),  # wrong receipt codes
}

_limiter = HourlyLimiter("ethics", LIMITS)
throttle_exceeded = _limiter.exceeded
throttle_hit = _limiter.hit

__all__ = ["LIMITS", "WINDOW_SECONDS", "throttle_exceeded", "throttle_hit"]
