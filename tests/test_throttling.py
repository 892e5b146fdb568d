"""The hourly limiter: who the client is behind the proxies, and counting in one step."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from eqyzmet.throttling import HourlyLimiter, client_address
from tests.factories import UserFactory

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def _limiter(limits):
    return HourlyLimiter(f"test-{uuid.uuid4().hex}", limits)


# --- Who the client is -----------------------------------------------------------------------


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.EQYZMET_TRUSTED_PROXIES = 0
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.EQYZMET_TRUSTED_PROXIES = 1
    # The client wrote "1.2.3.4" itself; nginx appended the address it saw.
    assert client_address(_request(forwarded="1.2.3.4, 198.51.100.9")) == "198.51.100.9"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.EQYZMET_TRUSTED_PROXIES = 2
    header = "1.2.3.4, 198.51.100.9, 10.0.0.2"
    assert client_address(_request(forwarded=header)) == "198.51.100.9"


def test_too_few_or_invalid_forwarded_entries_fall_back_to_the_connection(settings):
    settings.EQYZMET_TRUSTED_PROXIES = 2
    assert client_address(_request(forwarded="198.51.100.9")) == PROXY
    assert client_address(_request(forwarded="not-an-ip, unknown")) == PROXY
    assert client_address(_request(forwarded="")) == PROXY
    settings.EQYZMET_TRUSTED_PROXIES = 1
    assert client_address(_request(forwarded="198.51.100.9, garbage")) == "198.51.100.9"
    assert client_address(_request(forwarded=" 2001:db8::1 ")) == "2001:db8::1"


@pytest.mark.parametrize(("raw", "ok"), [("2", True), ("-1", False), ("two", False)])
def test_the_trusted_proxy_count_is_read_strictly_from_the_environment(tmp_path, raw, ok):
    from tests.test_settings_env import manage

    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EQYZMET_TRUSTED_PROXIES)",
        env={"EQYZMET_TRUSTED_PROXIES": raw},
        tmp_path=tmp_path,
    )
    if ok:
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == raw
    else:
        assert result.returncode != 0
        assert "EQYZMET_TRUSTED_PROXIES" in result.stderr


def test_clients_behind_the_proxy_have_their_own_counters(settings):
    settings.EQYZMET_TRUSTED_PROXIES = 1
    limiter = _limiter({"report": (2, None)})
    flooder = _request(forwarded="198.51.100.1")
    assert [limiter.consume(flooder, "report") for _ in range(3)] == [True, True, False]
    assert limiter.consume(_request(forwarded="198.51.100.2"), "report") is True


def test_the_drf_throttles_and_the_sign_in_lockout_use_the_same_client(settings):
    from django.conf import settings as live

    assert live.AXES_CLIENT_IP_CALLABLE == "eqyzmet.throttling.axes_client_address"
    assert live.REST_FRAMEWORK["NUM_PROXIES"] == live.EQYZMET_TRUSTED_PROXIES
    # The pair, never the e-mail address alone.
    assert live.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.django_db
def test_an_attackers_wrong_passwords_behind_the_proxy_do_not_lock_the_owner_out(client, settings):
    settings.AXES_ENABLED = True
    settings.EQYZMET_TRUSTED_PROXIES = 1
    UserFactory(email="owner@example.kz", password="owner-password-42")
    for _attempt in range(6):
        client.post(
            "/en/accounts/login/",
            {"username": "owner@example.kz", "password": "wrong-guess"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    locked = client.post(
        "/en/accounts/login/",
        {"username": "owner@example.kz", "password": "owner-password-42"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert locked.status_code == 429  # the attacker's own address is locked
    owner = client.post(
        "/en/accounts/login/",
        {"username": "owner@example.kz", "password": "owner-password-42"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert owner.status_code == 302
    assert "_auth_user_id" in client.session


# --- Counting ----------------------------------------------------------------------------------


def test_consume_admits_exactly_the_limit_and_counts_in_the_same_step():
    limiter = _limiter({"report": (3, None)})
    request = _request()
    assert [limiter.consume(request, "report") for _ in range(5)] == [True] * 3 + [False] * 2
    assert limiter.exceeded(request, "report")


def test_a_flooding_client_does_not_spend_the_global_allowance():
    limiter = _limiter({"report": (2, 5)})
    for _ in range(50):
        limiter.consume(_request("198.51.100.1"), "report")
    # Only the flooder's two admitted reports count against everyone's five.
    admitted = [limiter.consume(_request(f"203.0.113.{n}"), "report") for n in range(4)]
    assert admitted == [True, True, True, False]


def test_a_scope_without_a_global_limit_keeps_no_global_counter():
    limiter = _limiter({"failure": (2, None)})
    for n in range(30):
        limiter.hit(_request(f"198.51.100.{n}"), "failure")
    assert not limiter.exceeded(_request("203.0.113.1"), "failure")
    _client_key, global_key = limiter._keys(_request(), "failure")
    assert cache.get(global_key) is None


def test_release_gives_back_an_attempt_that_turned_out_fine():
    limiter = _limiter({"attempt": (2, None)})
    request = _request()
    for _ in range(5):
        assert limiter.consume(request, "attempt")
        limiter.release(request, "attempt")
    assert limiter.consume(request, "attempt") and limiter.consume(request, "attempt")
    assert not limiter.consume(request, "attempt")


def test_a_request_without_an_address_gives_axes_none_not_a_placeholder():
    """axes keeps the address in an inet column on PostgreSQL: "unknown" would be a 500 on
    every force_login or scripted sign-in."""
    from django.http import HttpRequest

    from eqyzmet.throttling import axes_client_address

    assert axes_client_address(HttpRequest()) is None
    assert axes_client_address(_request("203.0.113.7")) == "203.0.113.7"
