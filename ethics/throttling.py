"""Flood and brute-force limits for the public ethics pages, kept only in the cache.

A client is known by a keyed hash of its IP address and the current hour, held only inside
a cache key that expires with the window: the address itself is never stored or logged,
and a key from one hour cannot be linked to the next without the HMAC key (the address is
the real client's behind ``EQYZMET_TRUSTED_PROXIES`` proxies). Reports and messages have a
per-client and a global counter, so a botnet that rotates addresses still meets the global
one.

Wrong receipt codes are limited per client only. A global failure limit would let anyone
lock every reporter out of their case by guessing wrong from many addresses; the code's
own strength is the defence against a botnet. Reports and messages are counted in one
atomic step (``consume``) and only when they are accepted, so neither parallel requests
nor a flood of rejected forms spend the allowance.

When Redis is down the project's cache degrades and these limits fail open. For receipt
codes that is tolerable: every guess still costs the server a slow hash, and with 10^16
codes an attacker at 100 guesses a second needs centuries to hit one of ten thousand cases.
"""

from __future__ import annotations

from eqyzmet.throttling import WINDOW_SECONDS, HourlyLimiter

# scope: (per client per hour, everyone per hour)
LIMITS: dict[str, tuple[int, int | None]] = {
    "report": (5, 300),  # new reports accepted
    "message": (30, 2000),  # reporter's follow-up messages accepted
    "receipt_failure": (10, None),  # wrong receipt codes, per client only
}

_limiter = HourlyLimiter("ethics", LIMITS)
throttle_exceeded = _limiter.exceeded
throttle_hit = _limiter.hit
throttle_consume = _limiter.consume
throttle_release = _limiter.release

__all__ = [
    "LIMITS",
    "WINDOW_SECONDS",
    "throttle_consume",
    "throttle_exceeded",
    "throttle_hit",
    "throttle_release",
]
