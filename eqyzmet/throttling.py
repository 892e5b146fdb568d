"""Hourly flood and brute-force limits for public pages, kept only in the cache.

A client is known by a keyed hash of its address and the current hour, held only inside a
cache key that expires with the window: the address itself is never stored or logged, and
a key from one hour cannot be linked to the next without the HMAC key. The address is the
real client's, read behind ``EQYZMET_TRUSTED_PROXIES`` reverse proxies (see
``client_address``); without that setting every visitor behind the proxy would share one
counter and a handful of requests would lock the whole country out.

Each scope has a per-client limit and, optionally, a global one (``None`` for none). A
global limit bounds what a botnet that rotates addresses can submit; it is never put on
*failures* whose success a legitimate user needs (a correct receipt code must succeed
however many strangers guessed wrong), since any client could then spend it for everyone.

Counters are Redis ``INCR`` (or the local cache's locked increment), so ``consume`` checks
and counts in one step: forty parallel requests against a limit of ten admit exactly ten.
When the cache is down the limits fail open; each app says why that is tolerable.

Each app keeps its own table of limits::

    LIMITS = {"report": (5, 300), "receipt_failure": (10, None)}
    limiter = HourlyLimiter("ethics", LIMITS)
    if not limiter.consume(request, "report"): ...  # count, then refuse when over
    if limiter.exceeded(request, "receipt_failure"): ...  # only look
    limiter.hit(request, "receipt_failure")  # only count
"""

from __future__ import annotations

import contextlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache

from eqyzmet.vault import blind_index

WINDOW_SECONDS = 3600
_KEY_TIMEOUT = WINDOW_SECONDS + 60  # the hour is in the key, so it never outlives its window

Limits = dict[str, tuple[int, int | None]]


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of the client that made the request.

    With ``EQYZMET_TRUSTED_PROXIES = N`` the N reverse proxies in front of the application
    each appended the address they saw to ``X-Forwarded-For``, so the client is the N-th
    entry from the right; everything left of it came from the client and is not trusted.
    With N = 0 (the default, no proxy) the header is ignored and ``REMOTE_ADDR`` is used.
    Entries that are not IP addresses are ignored; with too few entries the connection's
    own address is used.
    """
    remote = _valid_address(request.META.get("REMOTE_ADDR", "") or "") or "unknown"
    trusted = settings.EQYZMET_TRUSTED_PROXIES
    if trusted <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "") or ""
    forwarded = [a for a in (_valid_address(part) for part in header.split(",")) if a]
    if len(forwarded) < trusted:
        return remote
    return forwarded[-trusted]


def axes_client_address(request) -> str | None:
    """``client_address`` for django-axes, which stores it in an ``inet`` column: None, not
    a placeholder, when a request carries no address (``Client.force_login``, scripts)."""
    address = client_address(request)
    return None if address == "unknown" else address


def _increment(key: str) -> int:
    """Add one to a window counter in one atomic step and return the new value."""
    cache.add(key, 0, timeout=_KEY_TIMEOUT)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=_KEY_TIMEOUT)
        return 1


class HourlyLimiter:
    def __init__(self, namespace: str, limits: Limits):
        self.namespace = namespace
        self.limits = limits  # read at each call, so a test may change a limit in place

    def _keys(self, request, scope: str, key: str | None = None) -> tuple[str, str]:
        # ``key`` counts per something other than the address, e.g. ``f"user:{pk}"``.
        window = int(time.time() // WINDOW_SECONDS)
        address = key or client_address(request)
        client = blind_index(address, purpose=f"{self.namespace}-client:{window}")[:32]
        prefix = f"{self.namespace}:throttle:{scope}:{window}"
        return f"{prefix}:client:{client}", f"{prefix}:all"

    def exceeded(self, request, scope: str) -> bool:
        """Whether the client (or everyone) has used up the scope's limit; counts nothing."""
        client_limit, global_limit = self.limits[scope]
        client_key, global_key = self._keys(request, scope)
        keys = [client_key] if global_limit is None else [client_key, global_key]
        counts = cache.get_many(keys)
        if counts.get(client_key, 0) >= client_limit:
            return True
        return global_limit is not None and counts.get(global_key, 0) >= global_limit

    def hit(self, request, scope: str) -> None:
        """Count one event (e.g. a failure) against the client and the global counter."""
        client_key, global_key = self._keys(request, scope)
        _increment(client_key)
        if self.limits[scope][1] is not None:
            _increment(global_key)

    def consume(self, request, scope: str, *, key: str | None = None) -> bool:
        """Count one event and say whether it is within the limits, in one atomic step.

        The client's counter is taken first; a client already over its own limit is
        refused without touching the global counter, so one flooding client cannot use up
        everyone's allowance.
        """
        client_limit, global_limit = self.limits[scope]
        client_key, global_key = self._keys(request, scope, key)
        if _increment(client_key) > client_limit:
            return False
        return global_limit is None or _increment(global_key) <= global_limit

    def release(self, request, scope: str) -> None:
        """Give back one event taken by ``consume`` (e.g. the attempt turned out fine)."""
        client_key, global_key = self._keys(request, scope)
        keys = [client_key] if self.limits[scope][1] is None else [client_key, global_key]
        for key in keys:
            # ValueError: the window ended meanwhile, so there is nothing to give back.
            with contextlib.suppress(ValueError):
                cache.decr(key)
