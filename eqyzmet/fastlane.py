"""The fast lane: the few requests that come in floods, answered in front of Django.

On exam day tens of thousands of papers autosave every few seconds. Through the full
middleware stack each save cost a query for the user, a ``SELECT 1`` health check, the
second-factor and consent middleware, URL resolution against every app and a dozen
middleware calls (issue 19: 0.27× the bare-stack ceiling). The fast lane makes the same
checks without the machinery around them, in one function (``_answer``):

- the host, the HTTPS redirect, and the CSRF origin, referer and token checks, by
  Django's own functions (``CsrfViewMiddleware``'s methods) on Django's ``WSGIRequest``;
- the session from the configured session store; its user checked like Django's
  ``get_user`` (session hash, active) against cached facts dropped whenever the user row
  is saved, instead of reading the user row;
- the second-factor and consent middleware's rules where they pass without a query (a
  cached rule of no second factor; a current consent remembered in the session);
- the hostile-input middleware's own check (``eqyzmet.middleware.check_request``);
- the route's view, then the headers the full stack's middleware would write
  (``answer_headers``).

``MIDDLEWARE_DECISIONS`` names what the lane does in place of each middleware.

**Anything the fast lane is unsure of, it declines**, and the request goes to the full
stack unchanged (its body is kept): a check that would need a query or fails, a user
whose facts are not cached or do not match, hostile input, a connection that turns out
dead, and anything the route's view does not answer with a success. So a fast answer is
always one the full stack would have given, and every refusal, page and message is the
full stack's. ``tests/testing_center/delivery/test_fast_lane.py`` proves both: the same
answers and headers as the full stack, and each rule holding through the lane.

Routes are named in ``settings.FAST_LANES`` (URL name → dotted path of a view taking the
request and the URL's keyword arguments, answering the JSON payload of a success, or
``None`` to decline), so the kernel imports no app. ``eqyzmet.wsgi`` puts the lane in
front of Django.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import time
from collections.abc import Callable
from contextlib import contextmanager
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, setting_changed
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, RejectRequest
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import constant_time_compare
from django.utils.http import http_date
from django.utils.module_loading import import_string

from eqyzmet.parsers import is_out_of_range_integer

# A body larger than this goes to the full stack without being read here.
MAX_BODY = 64 * 1024
# At most this long before a change to a user made outside the ORM is seen; changes made
# through the models are seen at once (``forget_user``).
FACTS_SECONDS = 300
_SENTINEL = 918273645


class Declined:
    """What a check answers when the full stack must answer instead."""


# --- The person behind the session, without reading the user row ----------------------


@functools.lru_cache(maxsize=4)
def _key_generation(secret_key: str) -> str:
    return hashlib.sha256(secret_key.encode()).hexdigest()[:12]


def _facts_key(user_id) -> str:
    # The session hash is an HMAC under SECRET_KEY: each key has its own entries.
    return f"fastlane:user:{_key_generation(settings.SECRET_KEY)}:{user_id}"


def forget_user(user_id) -> None:
    """Drop a person's cached sign-in facts (wired to the user's save and delete)."""
    if user_id is not None:
        cache.delete(_facts_key(user_id))


def _user_facts(user_id) -> tuple[tuple[str, bool] | None, bool | None]:
    """((session auth hash, active) or None for no such user, the cached second-factor
    rule or None): from the cache, and one query when the first is not cached (then
    cached)."""
    from eqyzmet.twofactor.policy import rule_cache_key

    key = _facts_key(user_id)
    facts = cache.get(key)
    if facts is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=user_id).only("password", "is_active").first()
        if user is None:
            return None, None
        facts = (user.get_session_auth_hash(), bool(user.is_active))
        cache.set(key, facts, FACTS_SECONDS)
    return facts, cache.get(rule_cache_key(user_id))


def _keys_ahead(user_id, view, kwargs) -> list[str]:
    """The cache keys this request will read once the person is known: their facts and
    second-factor rule, and whatever the route's view names (``view.cache_keys``)."""
    from eqyzmet.twofactor.policy import rule_cache_key

    keys = [] if user_id is None else [_facts_key(user_id), rule_cache_key(user_id)]
    named = getattr(view, "cache_keys", None)
    return keys + (list(named(user_id=user_id, **kwargs)) if named else [])


@functools.lru_cache(maxsize=8)
def _model_backend_rules(path: str) -> bool:
    backend = import_string(path)
    return (
        issubclass(backend, ModelBackend)
        and backend.get_user is ModelBackend.get_user
        and backend.user_can_authenticate is ModelBackend.user_can_authenticate
    )


def _plain_model_backend(path: str) -> bool:
    """A backend whose ``get_user`` is ModelBackend's: the user by primary key, refused
    when inactive. Any other backend's rules are the full stack's to apply."""
    return path in settings.AUTHENTICATION_BACKENDS and _model_backend_rules(path)


def _session_user_id(session):
    """The signed-in person's id, None for a visitor, ``Declined`` for a session only the
    full stack can read (a backend other than ModelBackend's rules, a malformed id)."""
    raw = session.get(SESSION_KEY)
    if raw is None:
        return None
    if not _plain_model_backend(session.get(BACKEND_SESSION_KEY, "")):
        return Declined
    from django.contrib.auth import get_user_model

    try:
        return get_user_model()._meta.pk.to_python(raw)
    except Exception:
        return Declined


def _verified(session, user_id) -> bool | None:
    """The session's hash matches the person's current one and they are active: their
    second-factor rule as cached (None when not cached); ``Declined`` otherwise."""
    facts, second_factor = _user_facts(user_id)
    session_hash = session.get(HASH_SESSION_KEY)
    if facts is None or not session_hash:
        return Declined
    expected, active = facts
    if not active or not constant_time_compare(session_hash, expected):
        return Declined
    return second_factor


@contextmanager
def optimistic_connection():
    """One statement without the ``SELECT 1`` health check a new request would make first.

    Raises ``ConnectionLost`` (after closing the connection) when the statement fails, so
    the caller declines and the full stack answers on a fresh, checked connection."""
    if connection.connection is not None and not connection.in_atomic_block:
        connection.health_check_done = True
    try:
        yield
    except DatabaseError as exc:
        connection.close()
        raise ConnectionLost from exc


class ConnectionLost(Exception):
    pass


# --- The lane itself


# What the lane does in place of each middleware of the full stack. A middleware added to
# MIDDLEWARE and not named here fails tests/testing_center/delivery/test_fast_lane.py
# until someone decides.
MIDDLEWARE_DECISIONS = {
    "django.middleware.security.SecurityMiddleware": (
        "declines what it would redirect to HTTPS; its headers in answer_headers"
    ),
    "eqyzmet.middleware.SecurityHeadersMiddleware": "its headers in answer_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware": "left out: serves static files only",
    "django.contrib.sessions.middleware.SessionMiddleware": (
        "the same session store; the session is only read (Vary: Cookie)"
    ),
    "django.middleware.locale.LocaleMiddleware": "the language of the route's URL prefix",
    "django.middleware.common.CommonMiddleware": (
        "declines when user agents are refused or www is prepended; Content-Length"
    ),
    "django.middleware.csrf.CsrfViewMiddleware": "its own origin, referer and token checks",
    "django.contrib.auth.middleware.AuthenticationMiddleware": (
        "the session's user checked against cached facts (_verified)"
    ),
    "eqyzmet.middleware.HostileInputMiddleware": "its own check (check_request)",
    "django_otp.middleware.OTPMiddleware": "declines anyone whose rule may ask a second factor",
    "eqyzmet.twofactor.middleware.SecondFactorMiddleware": (
        "declines anyone whose cached rule is not 'no second factor'"
    ),
    "eqyzmet.accounts.middleware.ConsentMiddleware": (
        "declines a session without a current consent remembered"
    ),
    "django.contrib.messages.middleware.MessageMiddleware": "left out: a JSON answer shows none",
    "django.middleware.clickjacking.XFrameOptionsMiddleware": "its header in answer_headers",
    "django_htmx.middleware.HtmxMiddleware": "left out: autosave is not an htmx request",
    "axes.middleware.AxesMiddleware": "left out: acts on the sign-in lockout only",
}


@functools.lru_cache(maxsize=1)
def _csrf() -> CsrfViewMiddleware:
    return CsrfViewMiddleware(lambda request: None)


def _csrf_passes(request) -> bool:
    """``CsrfViewMiddleware.process_view``'s checks for a POST, with its own methods: the
    Origin (or, over HTTPS without one, the Referer), then the token against the secret."""
    csrf = _csrf()
    try:
        if "HTTP_ORIGIN" in request.META:
            if not csrf._origin_verified(request):
                return False
        elif request.is_secure():
            csrf._check_referer(request)
        csrf._check_token(request)
    except RejectRequest:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


@functools.lru_cache(maxsize=16)
def _fixed_headers(language: str, secure: bool) -> tuple[tuple[str, str], ...]:
    """The headers the full stack's middleware put on a never-cached JSON answer read
    from the session, in the language ``language``: the same settings, the same values
    (``tests/testing_center/delivery/test_fast_lane.py`` compares them, in production's
    settings too)."""
    from eqyzmet.middleware import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

    never = HttpResponse()
    add_never_cache_headers(never)
    headers = [
        ("Content-Type", "application/json"),
        ("Cache-Control", never["Cache-Control"]),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS.upper()),
        ("Content-Language", language),
        ("Vary", "Cookie"),
        ("Content-Security-Policy", getattr(settings, "EQYZMET_CSP", CONTENT_SECURITY_POLICY)),
        ("Permissions-Policy", PERMISSIONS_POLICY),
    ]
    if settings.SECURE_HSTS_SECONDS and secure:
        sts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            sts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            sts += "; preload"
        headers.append(("Strict-Transport-Security", sts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    policy = settings.SECURE_REFERRER_POLICY
    if policy:
        parts = [v.strip() for v in policy.split(",")] if isinstance(policy, str) else policy
        headers.append(("Referrer-Policy", ",".join(parts)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return tuple(headers)


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    """What the lane read of the settings, read again (tests change them)."""
    for cached in (_csrf, _session_store, _fixed_headers):
        cached.cache_clear()


_expires = (0, "")


def _expires_now() -> str:
    """``Expires`` of a never-cached answer: now, to the second (written once a second)."""
    global _expires
    second = int(time.time())
    if _expires[0] != second:
        _expires = (second, http_date(second))
    return _expires[1]


def answer_headers(language: str, secure: bool, length: int) -> list[tuple[str, str]]:
    return [
        *_fixed_headers(language, secure),
        ("Expires", _expires_now()),
        ("Content-Length", str(length)),
    ]


def _lane_allowed() -> bool:
    """Settings under which a middleware would answer a save itself (a redirect, a
    refusal by user agent) or change the session: then every request takes the full
    stack."""
    return not (
        settings.DISALLOWED_USER_AGENTS
        or settings.PREPEND_WWW
        or settings.SESSION_SAVE_EVERY_REQUEST
        or settings.CSRF_USE_SESSIONS
    )


# Who last saved through the lane, by route and arguments, in this process: their cached
# facts are read in the same round trip as the session, on the guess that they save again
# (a guess only: what is used is what the session says). Bounded: emptied when full.
_LAST_USER: dict[tuple, object] = {}
LAST_USER_LIMIT = 8192


def _session_cache_key(session) -> str | None:
    """Where a cache-backed session store keeps this session in the default cache."""
    if settings.SESSION_CACHE_ALIAS != "default" or not session.session_key:
        return None
    return getattr(session, "cache_key", None)


def _answer(environ, view, kwargs, language) -> tuple[bytes, list] | None:
    """The route's answer (body, headers) when every check the full stack would make
    passes without a query; None to decline."""
    request = WSGIRequest(environ)
    try:
        request.get_host()
    except DisallowedHost:
        return None  # the full stack answers 400 and logs it
    secure = request.is_secure()
    if settings.SECURE_SSL_REDIRECT and not secure:
        return None
    if request.content_type != "application/x-www-form-urlencoded" or environ.get("QUERY_STRING"):
        return None
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return None  # nothing here belongs to a visitor without a session
    request.session = _session_store()(session_key)
    request.LANGUAGE_CODE = language
    if not _csrf_passes(request):
        return None
    from eqyzmet.cache import prefetch

    memo = (view, *sorted(kwargs.items()))
    guess = _LAST_USER.get(memo)
    session_key_in_cache = _session_cache_key(request.session)
    ahead = [session_key_in_cache] if session_key_in_cache else []
    with prefetch(ahead + _keys_ahead(guess, view, kwargs)):
        user_id = _session_user_id(request.session)
        if user_id is Declined:
            return None
        if user_id == guess:
            answered = _checked_answer(request, view, kwargs, user_id)
        else:
            with prefetch(_keys_ahead(user_id, view, kwargs)):
                answered = _checked_answer(request, view, kwargs, user_id)
    if answered is None:
        return None
    if len(_LAST_USER) >= LAST_USER_LIMIT:
        _LAST_USER.clear()
    _LAST_USER[memo] = user_id
    body = _JSON.encode(answered).encode()
    return body, answer_headers(language, secure, len(body))


_JSON = DjangoJSONEncoder()


def _checked_answer(request, view, kwargs, user_id):
    """The view's payload once the person, the input and the gates pass; None to decline."""
    from eqyzmet.accounts.consent import consent_current_in_session
    from eqyzmet.middleware import check_request
    from eqyzmet.parsers import HostileInput

    second_factor = None if user_id is None else _verified(request.session, user_id)
    if second_factor is Declined:
        return None
    try:
        check_request(request)
    except HostileInput:
        return None
    if user_id is not None and (
        second_factor is not False or not consent_current_in_session(request.session)
    ):
        return None
    request.user_id = user_id
    try:
        return view(request, **kwargs)
    except ConnectionLost:
        return None


def _route_patterns() -> list[tuple[re.Pattern, Callable, str]]:
    """One pattern per route and language, from the real URL: ``reverse`` with a sentinel
    in place of each integer argument."""
    routes = []
    for name, view_path in getattr(settings, "FAST_LANES", {}).items():
        view = import_string(view_path)
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                url = reverse(name, kwargs={"pk": _SENTINEL})
            pattern = re.escape(url).replace(str(_SENTINEL), r"(?P<pk>[0-9]{1,19})")
            routes.append((re.compile(f"^{pattern}$"), view, language))
    return routes


class FastLane:
    """WSGI application: the routes of ``settings.FAST_LANES`` answered here when every
    check passes, everything else (and everything declined) through ``app``."""

    def __init__(self, app):
        self.app = app
        self.routes = None

    def _match(self, environ):
        if self.routes is None:
            self.routes = _route_patterns()
        path = environ.get("PATH_INFO", "")
        for pattern, view, language in self.routes:
            found = pattern.match(path)
            if found:
                kwargs = found.groupdict()
                if any(is_out_of_range_integer(v) for v in kwargs.values()):
                    return None
                return view, {k: int(v) for k, v in kwargs.items()}, language
        return None

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") != "POST"
            or not getattr(settings, "FAST_LANES", None)
            or not _lane_allowed()
        ):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.app(environ, start_response)
        route = self._match(environ) if 0 <= length <= MAX_BODY else None
        if route is None:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        lane_environ = dict(environ)
        lane_environ["wsgi.input"] = io.BytesIO(body)
        try:
            answered = _answer(lane_environ, *route)
        except Exception:
            # Django's own refusal (too many fields, a malformed request) or a fault: the
            # full stack answers it, logs it and reports it.
            answered = None
        finally:
            # What Django does when a response is closed: connections past their age or
            # broken are closed, the caches' connections released.
            request_finished.send(sender=self.__class__)
        if answered is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        content, headers = answered
        start_response("200 OK", headers)
        return [content]
