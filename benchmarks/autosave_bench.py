"""Autosave under load: requests per second and latency percentiles.

Starts gunicorn itself on a free port against PostgreSQL, migrates, seeds N candidates each
with a running attempt and a signed-in session, then lets N threads (one per simulated
candidate) save answers for a bounded time, and stops everything by itself.

    .venv/bin/python benchmarks/autosave_bench.py --candidates 50 --seconds 20 --workers 4

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/eqyzmet_bench).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import string
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/eqyzmet_bench"


def ensure_database(url: str) -> None:
    import psycopg2

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def seed(candidates: int) -> None:
    """Runs in a child process with Django set up: prints the sessions and attempts as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eqyzmet.settings")
    sys.path.insert(0, str(REPO))
    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from eqyzmet.errors import ApplicationError
    from eqyzmet.services import roles_setup
    from testing_center import delivery
    from tests.testing_center import factories

    try:
        roles_setup()
    except ApplicationError:
        from django.contrib.auth.models import Group

        from eqyzmet.roles import Role

        for role in Role:
            Group.objects.get_or_create(name=role.value)
    import itertools

    from tests.factories import UserFactory, make_state_body

    # Every run seeds fresh rows next to the previous runs' (unique codes and e-mails).
    base = int(time.time() * 1000) % 10**9
    factories._n = itertools.count(base)
    UserFactory.reset_sequence(base)
    topics = factories.small_bank(sections=4, per_topic=15)
    blueprint = factories.make_blueprint(
        [(t, 10, 3) for t in topics], time_limit=3600, pass_min_correct=20
    )
    contest = factories.make_contest(
        blueprint=blueprint, body=make_state_body(code=f"bench-{base}")
    )
    out = []
    for _ in range(candidates):
        user = factories.make_candidate()
        factories.make_application(contest, user=user)
        attempt = delivery.attempt_start(user=user, sitting=contest.sitting)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        orders = {i.position: i.option_order for i in attempt.items.all()}
        out.append({"attempt": attempt.pk, "session": session.session_key, "orders": orders})
    print(json.dumps(out))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def candidate_loop(port, seat, stop_at, latencies, errors, lock):
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={seat['session']}; csrftoken={csrf}",
        "X-CSRFToken": csrf,
        "Host": "127.0.0.1",
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    rng = random.Random(seat["attempt"])  # a load pattern, not a secret
    orders = seat["orders"]
    local, bad = [], 0
    changed = int(time.time() * 1000)
    url = f"/ru/tests/attempt/{seat['attempt']}/save/"
    while time.monotonic() < stop_at:
        position = rng.choice(list(orders))
        changed += 1
        body = urlencode(
            {
                "position": position,
                "answer": json.dumps(rng.choice(orders[position])),
                "changed_at": changed,
            }
        )
        started = time.perf_counter()
        try:
            conn.request("POST", url, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            ok = response.status == 200 and b'"saved": true' in payload
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        local.append(time.perf_counter() - started)
        bad += 0 if ok else 1
    with lock:
        latencies.extend(local)
        errors.append(bad)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        seed(args.candidates)
        return

    database = os.environ.get("DATABASE_URL", DEFAULT_DB)
    ensure_database(database)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "EQYZMET_STAFF_2FA": "false",
        "DATABASE_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(REPO),
    }
    env.pop("REDIS_URL", None)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True)
    seeded = subprocess.run(
        [PYTHON, __file__, "--seed-only", "--candidates", str(args.candidates)],
        cwd=REPO,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    seats = json.loads(seeded.stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "gunicorn"),
            "eqyzmet.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    try:
        wait_ready(port)
        latencies: list[float] = []
        errors: list[int] = []
        lock = threading.Lock()
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(
                target=candidate_loop, args=(port, seat, stop_at, latencies, errors, lock)
            )
            for seat in seats
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 30)
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    total = len(latencies)
    failed = sum(errors)
    print(
        json.dumps(
            {
                "candidates": args.candidates,
                "gunicorn_workers": args.workers,
                "seconds": round(elapsed, 1),
                "requests": total,
                "failed": failed,
                "requests_per_second": round(total / elapsed, 1),
                "p50_ms": round(1000 * percentile(latencies, 50), 1) if total else None,
                "p95_ms": round(1000 * percentile(latencies, 95), 1) if total else None,
                "p99_ms": round(1000 * percentile(latencies, 99), 1) if total else None,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
