"""Limits for the public citizen-rating pages, kept only in the cache (django cache).

A client is known by a keyed hash of its IP address and the current hour, inside a cache
key that expires with the window; the address is never stored. Each limit has a per-client
and a global counter, so rotating addresses still meets the global one. When the cache is
down the limits fail open (the one-time tokens still make guessing hopeless: 32^12 codes).
"""

from __future__ import annotations

from eqyzmet.throttling import WINDOW_SECONDS, HourlyLimiter

# scope: (per client per hour, everyone per hour)
LIMITS: dict[str, tuple[int, int]] = {
    "rate_failure": (20, 2000),  # wrong or used codes
    "rate_submit": (30, 20000),  # ratings given
}

_limiter = HourlyLimiter("evaluation", LIMITS)
throttle_exceeded = _limiter.exceeded
throttle_hit = _limiter.hit

__all__ = ["LIMITS", "WINDOW_SECONDS", "throttle_exceeded", "throttle_hit"]
