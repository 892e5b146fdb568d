"""Limits for the public citizen-rating page, kept only in the cache (django cache).

A client is known by a keyed hash of its address and the current hour, inside a cache key
that expires with the window; the address is never stored. Only per-client limits: a
global limit on wrong codes would let anyone who sends enough of them (2,000 from 101
addresses did) lock every citizen out, so a correct code succeeds whatever strangers do.
Guessing stays hopeless without a global limit: 20 tries per address and hour against
32^12 (about 10^18) codes. When the cache is down the limits fail open for the same reason.
"""

from __future__ import annotations

from eqyzmet.throttling import WINDOW_SECONDS, HourlyLimiter

# scope: (per client per hour, everyone per hour: None, never a global limit here)
LIMITS: dict[str, tuple[int, int | None]] = {
    "rate_failure": (20, None),  # wrong, used or expired codes
    "rate_submit": (30, None),  # ratings given
}

_limiter = HourlyLimiter("evaluation", LIMITS)
throttle_consume = _limiter.consume
throttle_release = _limiter.release

__all__ = ["LIMITS", "WINDOW_SECONDS", "throttle_consume", "throttle_release"]
