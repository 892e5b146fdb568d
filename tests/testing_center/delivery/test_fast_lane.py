"""The fast lane (``eqyzmet.fastlane``) answers autosave exactly as the full stack would,
and sends everything it cannot vouch for to the full stack.

Requests go through the WSGI application as gunicorn calls it (the test client bypasses
``eqyzmet.wsgi``), with the session and CSRF cookies a browser sends. A counter in front
of the full stack tells which one answered."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import OperationalError, close_old_connections, transaction
from django.test import RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from eqyzmet.fastlane import MIDDLEWARE_DECISIONS, FastLane
from testing_center.models import Attempt, AttemptItem, option_labels
from tests.testing_center.delivery.test_fast_save import user_applications
from tests.testing_center.factories import make_application, make_candidate
from tests.testing_center.helpers import stamp

pytestmark = pytest.mark.django_db

CSRF = secrets.token_hex(16)


class Counted:
    """The full stack, counting the requests it answers."""

    def __init__(self):
        self.app = WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture
def stacks():
    """(the full stack, the lane in front of it)."""
    full = Counted()
    return full, FastLane(full)


def call(app, path, fields, *, cookie, csrf=CSRF, **extra):
    body = fields if isinstance(fields, bytes) else urlencode(fields).encode()
    headers = {"HTTP_COOKIE": cookie, **extra}
    if csrf:
        headers["HTTP_X_CSRFTOKEN"] = csrf
    environ = (
        RequestFactory()
        .post(path, data=body, content_type="application/x-www-form-urlencoded", **headers)
        .environ
    )
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered["status"] = int(status.split()[0])
        answered["headers"] = headers

    # As Django's test client does, the request leaves the database connection alone:
    # closing it would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = app(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):  # optional in WSGI
                chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answered["status"], dict(answered["headers"]), content


def cookie_of(client) -> str:
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF}"


def start(client, user, contest) -> Attempt:
    client.force_login(user)
    assert client.post(f"/ru/tests/sitting/{contest.sitting.pk}/start/").status_code == 302
    return Attempt.objects.get(sitting=contest.sitting, application__in=user_applications(user))


def label(attempt, position, option_id="a") -> str:
    item = attempt.items.get(position=position)
    labels = option_labels(seed=attempt.seed, position=position, option_order=item.option_order)
    return labels[option_id]


def save_fields(attempt, position=1, option_id="a", changed_at=None) -> dict:
    return {
        "position": position,
        "answer": json.dumps(label(attempt, position, option_id)),
        "changed_at": changed_at or stamp(),
    }


def path(attempt, language="en") -> str:
    return f"/{language}/tests/attempt/{attempt.pk}/save/"


def test_every_middleware_is_decided_on():
    """Adding a middleware to MIDDLEWARE fails here until someone decides what the fast
    lane does in its place (``eqyzmet.fastlane.MIDDLEWARE_DECISIONS``)."""
    undecided = [name for name in settings.MIDDLEWARE if name not in MIDDLEWARE_DECISIONS]
    assert undecided == []


BEHIND_TLS = {
    "HTTP_HOST": "testserver",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_ORIGIN": "https://testserver",
}


@pytest.mark.parametrize(
    ("language", "production"), [("en", False), ("kk", False), ("ru", True), ("kk", True)]
)
def test_the_owners_save_takes_the_lane_and_carries_the_full_stacks_headers(
    client, contest, admitted, candidate, stacks, settings, language, production
):
    """The lane writes the headers itself (``eqyzmet.fastlane.answer_headers``): the same
    as the full stack's middleware write, in each language, and in production's settings
    behind the TLS proxy (HSTS, the secure scheme, the browser's Origin checked)."""
    full, lane = stacks
    attempt = start(client, candidate, contest)
    cookie = cookie_of(client)
    extra = {}
    if production:
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_HSTS_SECONDS = 31536000
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        settings.SECURE_HSTS_PRELOAD = True
        extra = BEHIND_TLS
        full = Counted()  # its middleware read the settings as they start
        lane = FastLane(full)
    # The first save goes through the full stack (as a browser's first page did).
    status, full_headers, content = call(
        full, path(attempt, language), save_fields(attempt, 1), cookie=cookie, **extra
    )
    assert status == 200 and json.loads(content)["saved"] is True
    calls = full.calls

    status, headers, content = call(
        lane, path(attempt, language), save_fields(attempt, 2, "b"), cookie=cookie, **extra
    )

    assert full.calls == calls, "the full stack answered"
    body = json.loads(content)
    assert status == 200 and body["saved"] is True and body["answer"] == label(attempt, 2, "b")
    assert AttemptItem.objects.get(attempt=attempt, position=2).answer == "b"
    assert ("Strict-Transport-Security" in headers) is production
    assert headers["Content-Language"] == language
    assert int(headers["Content-Length"]) == len(content)
    varying = {"Expires", "Content-Length"}
    assert set(headers) == set(full_headers)
    assert {k: v for k, v in headers.items() if k not in varying} == {
        k: v for k, v in full_headers.items() if k not in varying
    }


def _rule_cached_again(user):
    # Saving a user drops their cached second-factor rule; cache it again so that only the
    # session check can stop the lane.
    from django.core.cache import cache

    from eqyzmet.twofactor.policy import rule_cache_key

    cache.set(rule_cache_key(user.pk), False)


def _password_changed(user, attempt, settings):
    user.set_password("a-new-long-password-1")
    user.save()
    _rule_cached_again(user)


def _deactivated(user, attempt, settings):
    user.is_active = False
    user.save()
    _rule_cached_again(user)


def _made_staff(user, attempt, settings):
    # A person who must use a second factor (the cached rule is dropped on save).
    user.is_staff = True
    user.save()
    settings.EQYZMET_STAFF_2FA = True


def _deadline_passed(user, attempt, settings):
    Attempt.objects.filter(pk=attempt.pk).update(deadline=attempt.deadline - dt.timedelta(hours=5))


@pytest.mark.parametrize(
    ("case", "change", "request_kwargs"),
    [
        ("no CSRF token", None, {"csrf": ""}),
        ("a host not allowed", None, {"HTTP_HOST": "evil.example"}),
        ("the password changed since sign-in", _password_changed, {}),
        ("the account deactivated", _deactivated, {}),
        ("a person who needs a second factor", _made_staff, {}),
        ("time up", _deadline_passed, {}),
        ("an older privacy notice", "consent", {}),
        ("signed out", "signed_out", {}),
        ("NUL in the answer", "nul", {}),
        ("someone else's paper", "other", {}),
    ],
)
def test_what_the_lane_cannot_vouch_for_gets_the_full_stacks_answer(
    client, contest, admitted, candidate, stacks, settings, case, change, request_kwargs
):
    full, lane = stacks
    attempt = start(client, candidate, contest)
    cookie = cookie_of(client)
    # The owner's save through the lane: their facts are cached, and the lane remembers
    # them as this paper's last saver (read ahead with the next save's session).
    before = full.calls
    assert call(lane, path(attempt), save_fields(attempt, 1), cookie=cookie)[0] == 200
    assert full.calls == before, "the owner's first save took the full stack"
    fields = save_fields(attempt, 2, "b")
    if change == "consent":
        from eqyzmet.accounts.consent import SESSION_KEY

        session = client.session
        session[SESSION_KEY] = "an-older-notice"
        session.save()
    elif change == "signed_out":
        cookie = f"{settings.CSRF_COOKIE_NAME}={CSRF}"
    elif change == "nul":
        fields["answer"] = json.dumps("b\x00")
    elif change == "other":
        other = make_candidate()
        make_application(contest, user=other)
        client.force_login(other)
        cookie = cookie_of(client)
    elif change is not None:
        change(candidate, attempt, settings)
    calls = full.calls

    with transaction.atomic():
        expected = call(full, path(attempt), fields, cookie=cookie, **request_kwargs)
        transaction.set_rollback(True)
    answered = call(lane, path(attempt), fields, cookie=cookie, **request_kwargs)

    assert full.calls == calls + 2, f"{case}: the lane answered itself"
    assert answered[0] == expected[0] != 200, case
    if expected[1].get("Content-Type") == "application/json":
        assert json.loads(answered[2]) == json.loads(expected[2]), case
    assert AttemptItem.objects.get(attempt=attempt, position=2).answer is None, case


def test_a_practice_paper_saves_through_the_lane(client, stacks):
    from tests.testing_center.factories import make_blueprint, make_question, make_topic

    full, lane = stacks
    topic = make_topic(practice=True)
    for _ in range(4):
        make_question(topic)
    make_blueprint([(topic, 3, 2)], code="practice-lane", practice=True, pass_min_correct=2)
    assert client.post("/en/tests/practice/practice-lane/start/").status_code == 302
    attempt = Attempt.objects.get()
    cookie = cookie_of(client)
    call(full, path(attempt), save_fields(attempt, 1), cookie=cookie)
    calls = full.calls

    status, _headers, content = call(lane, path(attempt), save_fields(attempt, 2), cookie=cookie)

    assert status == 200 and json.loads(content)["saved"] is True
    assert full.calls == calls
    # Without the practice token in the session, the paper is not the visitor's.
    client.logout()
    client.get("/en/")
    stranger = f"{settings.CSRF_COOKIE_NAME}={CSRF}"
    status, _headers, _content = call(lane, path(attempt), save_fields(attempt, 3), cookie=stranger)
    assert status == 404 and full.calls == calls + 1
    assert AttemptItem.objects.get(attempt=attempt, position=3).answer is None


def test_a_statement_that_fails_goes_to_the_full_stack_on_a_fresh_connection(
    client, contest, admitted, candidate, stacks, monkeypatch
):
    from testing_center import delivery

    full, lane = stacks
    attempt = start(client, candidate, contest)
    cookie = cookie_of(client)
    call(full, path(attempt), save_fields(attempt, 1), cookie=cookie)
    real = delivery.attempt_autosave_fast
    failures = []

    def dead_connection(**kwargs):
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(delivery, "attempt_autosave_fast", dead_connection)
    monkeypatch.setattr("django.db.connection.close", lambda: None)  # keep the test's transaction
    calls = full.calls

    status, _headers, content = call(lane, path(attempt), save_fields(attempt, 2), cookie=cookie)

    assert failures and full.calls == calls + 1
    assert status == 200 and json.loads(content)["saved"] is True
    assert AttemptItem.objects.get(attempt=attempt, position=2).answer == "a"


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    position=st.one_of(st.integers(-2, 9).map(str), TEXT),
    answer=st.one_of(st.sampled_from(["a", "b", "c", "d", "z"]).map(json.dumps), TEXT),
    changed_at=st.one_of(st.integers(-5, 5).map(str), TEXT, st.just("99999999999999999999")),
)
def test_any_body_gets_the_answer_the_full_stack_gives(
    client, contest, admitted, candidate, stacks, position, answer, changed_at
):
    full, lane = stacks
    attempt = Attempt.objects.filter(application=admitted).first() or start(
        client, candidate, contest
    )
    client.force_login(candidate)
    cookie = cookie_of(client)
    call(full, path(attempt), save_fields(attempt, 1), cookie=cookie)
    if re.fullmatch(r"-?[0-9]", changed_at):  # a small offset from the last change
        changed_at = str(stamp() + int(changed_at))
    if answer in ('"a"', '"b"', '"c"', '"d"'):
        answer = json.dumps(label(attempt, 2, json.loads(answer)))
    fields = {"position": position, "answer": answer, "changed_at": changed_at}

    with transaction.atomic():
        expected = call(full, path(attempt), fields, cookie=cookie)
        transaction.set_rollback(True)
    answered = call(lane, path(attempt), fields, cookie=cookie)

    assert answered[0] == expected[0]
    if expected[1].get("Content-Type") == "application/json":
        assert json.loads(answered[2]) == json.loads(expected[2])


def test_a_save_rewrites_the_row_in_place_without_touching_an_index(
    client, contest, admitted, candidate, stacks, postgresql_only
):
    """A save is a HOT update (answered items keep room on their pages, migration 0007,
    checked in tests/test_fillfactor.py): PostgreSQL's statistics for this transaction
    count them."""
    from django.db import connection

    _full, lane = stacks
    attempt = start(client, candidate, contest)
    cookie = cookie_of(client)
    table = AttemptItem._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_get_xact_tuples_hot_updated(%s::regclass)", [table])
        before = cursor.fetchone()[0]
        for option_id in ("a", "b", "c", "d"):
            call(lane, path(attempt), save_fields(attempt, 1, option_id), cookie=cookie)
        cursor.execute("SELECT pg_stat_get_xact_tuples_hot_updated(%s::regclass)", [table])
        assert cursor.fetchone()[0] - before >= 3
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == "d"


@pytest.mark.parametrize(
    "body",
    [
        b"&".join(b"f%d=1" % n for n in range(1100)),  # more fields than Django reads
        b"position=1&answer=%ff%fe&changed_at=1",  # not UTF-8
    ],
)
def test_a_body_django_refuses_gets_the_full_stacks_refusal(
    client, contest, admitted, candidate, stacks, body
):
    """Whatever Django raises while the lane reads a request (here: too many fields) is
    the full stack's to answer, with its status, never a server error from the lane."""
    full, lane = stacks
    attempt = start(client, candidate, contest)
    cookie = cookie_of(client)
    with transaction.atomic():
        expected = call(full, path(attempt), body, cookie=cookie)
        transaction.set_rollback(True)
    calls = full.calls
    answered = call(lane, path(attempt), body, cookie=cookie)
    assert answered[0] == expected[0]
    assert full.calls == calls + 1
