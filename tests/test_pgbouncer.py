"""Exam day through a real PgBouncer in transaction pooling mode.

Web processes scale out against one PostgreSQL through PgBouncer (docker-compose.yml):
a server connection is ours for one transaction only. This starts a real PgBouncer in that
mode in front of the test database and our gunicorn behind it (``DATABASE_POOLER=pgbouncer``),
and sits a whole test over HTTP: sign in, start, autosave from several connections at once,
hand in, read the result. PgBouncer's own statistics prove the traffic went through it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.conftest import REPO
from tests.integration_helpers import (
    free_port,
    require_services,
    stop_process_group,
    wait_for_http,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
PASSWORD = "Exam-day-2026!"  # a test account's
POOL_SIZE = 3


def _require_pgbouncer() -> None:
    if not Path(PGBOUNCER).exists():
        message = "needs pgbouncer (apt-get install pgbouncer; bash .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextlib.contextmanager
def running_pgbouncer(dbname: str):
    """PgBouncer on a free port, transaction pooling, a small pool: yields its port."""
    workdir = Path(tempfile.mkdtemp(prefix="eqyzmet-pgbouncer-"))
    port = free_port()
    (workdir / "userlist.txt").write_text('"postgres" ""\n')
    (workdir / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{dbname} = host=127.0.0.1 port=5432 dbname={dbname}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {workdir}/userlist.txt\n"
        "admin_users = postgres\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {POOL_SIZE}\n"
        "max_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {workdir}/pgbouncer.log\n"
        f"pidfile = {workdir}/pgbouncer.pid\n"
    )
    command = [PGBOUNCER, str(workdir / "pgbouncer.ini")]
    if os.geteuid() == 0:
        # PgBouncer will not run as root; the PostgreSQL package's user is there in CI.
        shutil.chown(workdir, user="postgres")
        for path in workdir.iterdir():
            shutil.chown(path, user="postgres")
        command += ["-u", "postgres"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = (
                    (workdir / "pgbouncer.log").read_text()
                    if (workdir / "pgbouncer.log").exists()
                    else ""
                )
                raise AssertionError(f"pgbouncer exited: {process.stdout.read()} {log}")
            probe = subprocess.run(
                ["pg_isready", "-h", "127.0.0.1", "-p", str(port), "-d", dbname],
                capture_output=True,
            )
            if probe.returncode == 0:
                break
            time.sleep(0.3)
        yield port
    finally:
        stop_process_group(process)
        shutil.rmtree(workdir, ignore_errors=True)


def _stats(port: int, dbname: str) -> dict[str, int]:
    """PgBouncer's own counters for ``dbname`` (its admin console, ``SHOW STATS``)."""
    command = ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
    command += ["-d", "pgbouncer", "-A", "-F", "|", "-c", "SHOW STATS"]
    lines = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    header, *rows = lines.splitlines()
    names = header.split("|")
    for line in rows:
        values = line.split("|")
        if values and values[0] == dbname:
            return {k: int(v) for k, v in zip(names[1:], values[1:], strict=False) if v.isdigit()}
    return {}


@contextlib.contextmanager
def running_site(bouncer_port: int, dbname: str):
    """Our gunicorn (production access-log config) with its database behind PgBouncer."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{bouncer_port}/{dbname}",
        "DATABASE_POOLER": "pgbouncer",
        # Scoring on hand-in runs in the request, so it goes through PgBouncer too.
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DJANGO_DEBUG": "false",
        "EQYZMET_STAFF_2FA": "false",
    }
    process = subprocess.Popen(
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
            "3",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        log = stop_process_group(process)
        if "Traceback" in log:
            print(log[-4000:])  # shown with the failure


def _seed():
    """A candidate admitted to a 12-item test whose window is open."""
    from testing_center.models import Attempt
    from tests.testing_center import factories as tc

    topics = tc.small_bank(sections=2, per_topic=8)
    blueprint = tc.make_blueprint([(t, 6, None) for t in topics], time_limit=1800)
    contest = tc.make_contest(blueprint=blueprint)
    user = tc.make_candidate()
    # The site hashes with its own hashers (the tests' fast MD5 is not among them).
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    tc.make_application(contest, user=user)
    assert not Attempt.objects.exists()
    return user, contest


def _csrf(session: requests.Session) -> str:
    return session.cookies.get("csrftoken", "")


def test_a_whole_sitting_through_pgbouncer_in_transaction_pooling(roles):
    require_services()
    _require_pgbouncer()
    from testing_center.models import Attempt, option_labels

    user, contest = _seed()
    dbname = connection.settings_dict["NAME"]
    with running_pgbouncer(dbname) as bouncer, running_site(bouncer, dbname) as site:
        before = _stats(bouncer, dbname)
        browser = requests.Session()
        browser.headers["Referer"] = site + "/"
        browser.get(f"{site}/ru/accounts/login/", timeout=30)
        signed_in = browser.post(
            f"{site}/ru/accounts/login/",
            data={
                "username": user.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(browser),
            },
            timeout=30,
        )
        assert signed_in.status_code == 200 and "sessionid" in browser.cookies
        started = browser.post(
            f"{site}/ru/tests/sitting/{contest.sitting.pk}/start/",
            data={"csrfmiddlewaretoken": _csrf(browser)},
            timeout=30,
        )
        assert started.status_code == 200
        attempt = Attempt.objects.get(sitting=contest.sitting)
        assert started.url.endswith(f"/ru/tests/attempt/{attempt.pk}/")
        items = list(attempt.items.order_by("position"))
        assert len(items) == 12
        # Each item's first option, under the label this paper shows for it.
        label = {
            item.position: option_labels(
                seed=attempt.seed, position=item.position, option_order=item.option_order
            )[item.option_order[0]]
            for item in items
        }
        positions = list(label)

        def save(position: int) -> int:
            response = browser.post(
                f"{site}/ru/tests/attempt/{attempt.pk}/save/",
                data={
                    "position": position,
                    "answer": json.dumps(label[position]),
                    "changed_at": int(time.time() * 1000),
                    "csrfmiddlewaretoken": _csrf(browser),
                },
                headers={"X-CSRFToken": _csrf(browser)},
                timeout=30,
            )
            assert response.json()["ok"] is True, response.text
            return response.status_code

        # More clients at once than the pool has server connections.
        with ThreadPoolExecutor(max_workers=POOL_SIZE * 3) as pool:
            assert set(pool.map(save, positions * 2)) == {200}
        handed_in = browser.post(
            f"{site}/ru/tests/attempt/{attempt.pk}/submit/",
            data={"csrfmiddlewaretoken": _csrf(browser)},
            timeout=60,
        )
        assert handed_in.status_code == 200
        result = browser.get(f"{site}/ru/tests/attempt/{attempt.pk}/result/", timeout=30)
        assert result.status_code == 200
        after = _stats(bouncer, dbname)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED
    assert attempt.items.exclude(answer=None).count() == 12
    transactions = after.get("total_xact_count", 0) - before.get("total_xact_count", 0)
    assert transactions >= 2 * len(positions), (before, after)
