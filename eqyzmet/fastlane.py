"""The fast lane: a lean Django stack for the few requests that come in floods.

On exam day tens of thousands of papers autosave every few seconds. Through the full
middleware stack each save cost a query for the user, a ``SELECT 1`` health check, the
second-factor and consent middleware, URL resolution against every app and a dozen
middleware calls (issue 19: 0.27× the bare-stack ceiling). The fast lane answers such a
request with the same Django middleware where the work is the same, and with lean
equivalents where it is not:

- ``SessionUserMiddleware`` instead of ``AuthenticationMiddleware``: the session's user is
  checked against that person's cached session hash and active flag (dropped from the
  cache whenever the user row is saved), not re-read from PostgreSQL;
- ``SecondFactorGate`` and ``ConsentGate`` instead of the second-factor and consent
  middleware: they let through only what those middleware would let through without a
  query (someone whose cached rule says no second factor; a consent remembered in the
  session and current);
- the route is matched against the real URL (``reverse`` of the route's name in each
  language), and the view is called directly.

**Anything the fast lane is unsure of, it declines**, and the request goes to the full
stack unchanged (its body is kept): a gate that would need a query, a user whose facts are
not cached or do not match, a CSRF failure, hostile input, a connection that turns out
dead, and every answer of a route's view other than 200. So a fast answer is always one
the full stack would have given, and every refusal, page and message is the full stack's.
``tests/test_fastlane.py`` proves both: the same answers and headers as the full stack, and
each rule holding through the lane.

Routes are named in ``settings.FAST_LANES`` (URL name → dotted path of a view taking the
request and the URL's keyword arguments, answering an ``HttpResponse`` or ``None`` to
decline), so the kernel imports no app. ``eqyzmet.wsgi`` puts the lane in front of Django.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user as auth_get_user
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_script_name
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.urls import reverse, set_script_prefix, set_urlconf
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string

from eqyzmet.parsers import is_out_of_range_integer

# A body larger than this goes to the full stack without being read here.
MAX_BODY = 64 * 1024
# At most this long before a change to a user made outside the ORM is seen; changes made
# through the models are seen at once (``forget_user``).
FACTS_SECONDS = 300
_SENTINEL = 918273645


class Declined(HttpResponse):
    """What a lean middleware or view answers when the full stack must answer instead."""

    status_code = 503
    fast_lane_declined = True


def decline() -> Declined:
    return Declined()


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


class SessionUserMiddleware:
    """Sets ``request.user_id`` from the session, checked like Django's ``get_user`` (the
    session hash against the person's current one, the person active) but against cached
    facts, and ``request.user`` as Django's lazy user for anything that still asks. The
    cached values the rest of the request reads come in one round trip
    (``eqyzmet.cache.prefetch``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from eqyzmet.cache import prefetch

        user_id = _session_user_id(request.session)
        if user_id is Declined:
            return decline()
        view, kwargs = request.fast_lane_route
        with prefetch(_keys_ahead(user_id, view, kwargs)):
            second_factor = None if user_id is None else _verified(request.session, user_id)
            if second_factor is Declined:
                return decline()
            request.user_id, request.second_factor_rule = user_id, second_factor
            request.user = SimpleLazyObject(lambda: auth_get_user(request))
            return self.get_response(request)


class SecondFactorGate:
    """Lets through a visitor, or a person whose cached rule says no second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user_id is not None and request.second_factor_rule is not False:
            return decline()
        return self.get_response(request)


class ConsentGate:
    """Lets through a visitor, or a person whose consent in the session is current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from eqyzmet.accounts.consent import consent_current_in_session

        if request.user_id is not None and not consent_current_in_session(request.session):
            return decline()
        return self.get_response(request)


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


# --- The lane itself ------------------------------------------------------------------


class LeanHandler(WSGIHandler):
    """Django's handler over ``settings.FAST_LANE_MIDDLEWARE``, calling the matched view
    directly. It does not send ``request_started`` (whose only work here would be the
    health check; see ``optimistic_connection``) and logs nothing: what it declines, the
    full stack answers and logs."""

    def load_middleware(self, is_async=False):
        saved = settings.MIDDLEWARE
        try:
            settings.MIDDLEWARE = settings.FAST_LANE_MIDDLEWARE
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = saved

    def get_response(self, request):
        set_urlconf(settings.ROOT_URLCONF)
        response = self._middleware_chain(request)
        response._resource_closers.append(request.close)
        return response

    def _get_response(self, request):
        view, kwargs = request.fast_lane_route
        for middleware_method in self._view_middleware:
            response = middleware_method(request, view, (), kwargs)
            if response:
                return response
        try:
            response = view(request, **kwargs)
        except ConnectionLost:
            return decline()
        return response if response is not None else decline()

    def answer(self, environ) -> HttpResponse:
        set_script_prefix(get_script_name(environ))
        request = WSGIRequest(environ)
        try:
            request.get_host()
        except DisallowedHost:
            return decline()  # the full stack answers 400 and logs it
        request.fast_lane_route = environ["eqyzmet.fast_lane_route"]
        return self.get_response(request)


def _route_patterns() -> list[tuple[re.Pattern, Callable]]:
    """One pattern per route and language, from the real URL: ``reverse`` with a sentinel
    in place of each integer argument."""
    routes = []
    for name, view_path in getattr(settings, "FAST_LANES", {}).items():
        view = import_string(view_path)
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                url = reverse(name, kwargs={"pk": _SENTINEL})
            pattern = re.escape(url).replace(str(_SENTINEL), r"(?P<pk>[0-9]{1,19})")
            routes.append((re.compile(f"^{pattern}$"), view))
    return routes


class FastLane:
    """WSGI application: the routes of ``settings.FAST_LANES`` through the lean handler,
    everything else (and everything the lean handler declines) through ``app``."""

    def __init__(self, app):
        self.app = app
        self.lean = None
        self.routes = None

    def _match(self, environ):
        if self.routes is None:
            self.routes = _route_patterns()
            self.lean = LeanHandler()
        path = environ.get("PATH_INFO", "")
        for pattern, view in self.routes:
            found = pattern.match(path)
            if found:
                kwargs = found.groupdict()
                if any(is_out_of_range_integer(v) for v in kwargs.values()):
                    return None
                return view, {k: int(v) for k, v in kwargs.items()}
        return None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or not getattr(settings, "FAST_LANES", None):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self.app(environ, start_response)
        route = self._match(environ) if 0 <= length <= MAX_BODY else None
        if route is None:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length) if length else b""
        original = dict(environ)
        lean_environ = dict(environ)
        lean_environ["wsgi.input"] = io.BytesIO(body)
        lean_environ["eqyzmet.fast_lane_route"] = route
        response = self.lean.answer(lean_environ)
        if response.status_code == 200 and not getattr(response, "fast_lane_declined", False):
            start_response(
                f"{response.status_code} {response.reason_phrase}",
                [
                    *response.items(),
                    *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
                ],
            )
            return response
        response.close()
        original["wsgi.input"] = io.BytesIO(body)
        return self.app(original, start_response)
