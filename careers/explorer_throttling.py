"""Limits for the public careers pages, kept only in the cache (see eqyzmet.throttling).

Only per-client limits, generous because a whole school class usually shares one address:
a global limit would let anyone who sends enough questionnaires lock every class out.
Guessing class codes is hopeless anyway: 30 wrong codes per address and hour against 25^8
(about 1.5 × 10^11) codes. When the cache is down the limits fail open: the worst case is
extra anonymous rows, which a class's report shows only in batches.
"""

from __future__ import annotations

from eqyzmet.throttling import HourlyLimiter

# scope: (per client per hour, everyone per hour: None)
LIMITS: dict[str, tuple[int, int | None]] = {
    "explorer_submit": (200, None),  # questionnaires handed in: a school shares one address
    "class_code_failure": (30, None),  # wrong class codes
    "class_create": (20, None),  # class codes created
}

_limiter = HourlyLimiter("careers", LIMITS)
throttle_consume = _limiter.consume
throttle_release = _limiter.release

__all__ = ["LIMITS", "throttle_consume", "throttle_release"]
