"""The shipped logs say nothing that identifies an ethics reporter or a rating citizen."""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.test import RequestFactory
from gunicorn.config import Config

from eqyzmet.access_log import LABEL, PrivatePathFilter, is_anonymous_path, redact
from eqyzmet.gunicorn_conf import PrivateAccessLogger
from tests.conftest import REPO
from tests.integration_helpers import free_port

CLIENT_IP = "203.0.113.77"
USER_AGENT = "ReporterBrowser/7.7 (secret-device)"
TOKEN = "K7QX2M9PLR4T"


# --- Which paths are private ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/kk/ethics/",
        "/ru/ethics/report/",
        "/en/ethics/follow/",
        "/kk/ethics/follow/case/",
        "/kk/ethics/follow/leave/",
        "/ethics/follow/",
        "//kk//ethics/follow/",
        "/api/v1/ethics/reports/",
        "/api/v1/ethics/follow/messages/",
        "/kk/evaluation/rate/",
        f"/kk/evaluation/rate/{TOKEN}/",
    ],
)
def test_anonymous_paths_are_recognised(path):
    assert is_anonymous_path(path)


@pytest.mark.parametrize(
    "path",
    ["/kk/vacancies/", "/kk/ethics/dashboard/", "/kk/ethics/dashboard/cases/4/", "/healthz"],
)
def test_other_paths_are_not_anonymous(path):
    assert not is_anonymous_path(path)


# --- The gunicorn logger -----------------------------------------------------------------------


class _Response:
    status = "200 OK"
    headers = [("Content-Type", "text/html"), ("Set-Cookie", "sessionid=abc")]
    sent = 1234


class _Request:
    def __init__(self, path):
        self.headers = [
            ("USER-AGENT", USER_AGENT),
            ("X-FORWARDED-FOR", CLIENT_IP),
            ("REFERER", f"https://eqyzmet.kz/kk/evaluation/rate/{TOKEN}/"),
        ]
        self.uri = path


def _environ(path, query=""):
    raw = f"{path}?{query}" if query else path
    return {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": CLIENT_IP,
        "HTTP_USER_AGENT": USER_AGENT,
        "HTTP_REFERER": f"https://eqyzmet.kz/kk/evaluation/rate/{TOKEN}/",
        "HTTP_X_FORWARDED_FOR": CLIENT_IP,
    }


@pytest.fixture
def access_log(tmp_path):
    """A logger configured as the shipped config does, but writing to a file."""
    log_file = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(log_file))
    # The most revealing format an operator could choose: it must still reveal nothing.
    cfg.set(
        "access_log_format",
        '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(q)s '
        "%({x-forwarded-for}i)s %({user-agent}i)s %({remote_addr}e)s %({set-cookie}o)s",
    )
    logger = PrivateAccessLogger(cfg)

    def log(path, query=""):
        environ = _environ(path, query)
        logger.access(_Response(), _Request(path), environ, datetime.timedelta(0, 0, 5))
        for handler in logger.access_log.handlers:
            handler.flush()
        return log_file.read_text() if log_file.exists() else ""

    return log


def test_a_normal_request_is_logged_without_address_browser_referrer_or_query(access_log):
    text = access_log("/kk/vacancies/", query="q=accountant&email=someone@example.kz")
    assert "GET /kk/vacancies/ HTTP/1.1" in text
    assert " 200 " in text
    for secret in (CLIENT_IP, USER_AGENT, "secret-device", TOKEN, "accountant", "someone@", "abc"):
        assert secret not in text


@pytest.mark.parametrize(
    "path",
    [
        "/kk/ethics/follow/",
        "/ru/ethics/report/",
        "/api/v1/ethics/follow/",
        f"/kk/evaluation/rate/{TOKEN}/",
    ],
)
def test_requests_of_reporters_and_rating_citizens_are_not_logged_at_all(access_log, path):
    assert access_log(path, query=f"code={TOKEN}") == ""


def test_one_time_tokens_in_account_paths_are_replaced_by_a_label(access_log):
    access_log(f"/kk/accounts/confirm/{TOKEN}/")
    text = access_log(f"/kk/accounts/password/reset/MTI/{TOKEN}/")  # the whole file
    assert TOKEN not in text
    assert text.count(LABEL) == 2
    assert "/kk/accounts/password/reset/sent/" in access_log("/kk/accounts/password/reset/sent/")
    assert "/kk/accounts/confirm/resend/" in access_log("/kk/accounts/confirm/resend/")


def test_the_shipped_config_uses_the_private_logger_and_a_format_without_identity():
    from eqyzmet import gunicorn_conf

    assert gunicorn_conf.logger_class is PrivateAccessLogger
    for field in ("%(h)s", "%(a)s", "%(f)s", "%(q)s", "%(r)s", "}i)s"):
        assert field not in gunicorn_conf.access_log_format


# --- Django's own log --------------------------------------------------------------------------


def test_django_request_warnings_name_no_rating_token_or_ethics_path(client, caplog, db):
    # The filter comes from settings.LOGGING, as in production.
    caplog.set_level(logging.WARNING, logger="django.request")
    client.get(f"/kk/evaluation/rate/{TOKEN}/")
    client.get("/api/v1/ethics/follow/", headers={"x-receipt-code": "1" * 16})
    client.get(f"/kk/accounts/confirm/{TOKEN}-nope/")
    assert caplog.records, "the requests were refused and Django logged them"
    text = caplog.text
    assert TOKEN not in text and "/ethics/" not in text


def test_the_logging_setting_installs_the_filter():
    from django.conf import settings

    assert settings.LOGGING["filters"]["private_paths"]["()"].endswith("PrivatePathFilter")
    assert "private_paths" in settings.LOGGING["handlers"]["console"]["filters"]
    assert "private_paths" in settings.LOGGING["loggers"]["django.request"]["filters"]


def test_redact_replaces_paths_inside_messages_and_urls():
    message = f"Not Found: /kk/evaluation/rate/{TOKEN}/ from https://x.kz/ru/ethics/follow/case/"
    assert redact(message) == f"Not Found: {LABEL} from https://x.kz{LABEL}"
    assert redact("Forbidden: /kk/ethics/dashboard/cases/3/") == (
        "Forbidden: /kk/ethics/dashboard/cases/3/"
    )


def test_a_request_record_for_an_anonymous_path_loses_its_request():
    request = RequestFactory().get("/kk/ethics/follow/", REMOTE_ADDR=CLIENT_IP)
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "Boom", (), None)
    record.request = request
    PrivatePathFilter().filter(record)
    assert record.request is None


# --- A real gunicorn ------------------------------------------------------------------------


@pytest.mark.slow
def test_a_real_gunicorn_with_the_shipped_config_logs_no_reporter(tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "EQYZMET_VAR_DIR": str(tmp_path),
        "DJANGO_ENV": "development",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:eqyzmet.gunicorn_conf",
            "eqyzmet.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": CLIENT_IP}
    paths = [
        "/kk/ethics/follow/",
        f"/kk/evaluation/rate/{TOKEN}/",
        "/api/v1/ethics/follow/",
        "/kk/vacancies/?q=accountant",
        "/healthz",
    ]
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # it answers (503 without a migrated database is fine here)
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        for path in paths:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            # The status does not matter: every answer is logged, or none is.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(request, timeout=10)  # noqa: S310 (our own http URL)
    finally:
        server.terminate()
        out, err = server.communicate(timeout=15)
    logged = out + err
    assert "GET /kk/vacancies/ HTTP/1.1" in out
    assert "GET /healthz HTTP/1.1" in out
    for secret in (CLIENT_IP, USER_AGENT, TOKEN, "accountant", "/ethics/"):
        assert secret not in logged, secret
