"""Exam day, side by side: our candidate requests against the bare-stack ceiling, one run.

One command starts two gunicorn servers with the same flags on the same PostgreSQL:

- the **ceiling** (``benchmarks/ceiling/``): a Django project of one view doing one
  ``UPDATE bench_ceiling SET n = n + 1 WHERE id = %s``, no apps, no middleware;
- **ours**: ``eqyzmet.wsgi`` with production settings (``DJANGO_ENV=production``, secrets
  of the benchmark's own in ``var/exam_day_bench/``, Redis cache and broker, TLS taken as
  terminated by a proxy: requests carry ``X-Forwarded-Proto: https`` and ``Origin``),

seeds N signed-in candidates admitted to one sitting of a 55-item test, and loads both,
request kind by request kind, in the order of a sitting:

- ``start``    POST the sitting's start, once per candidate             (fixed list)
- ``autosave`` POST one random answer to a random item of a random paper (wrk, timed)
- ``paper``    GET the running paper, 55 items                          (wrk, timed)
- ``submit``   POST the hand-in with all 55 answers, once per candidate  (fixed list)
- ``result``   GET the scored result                                    (wrk, timed)

Repeatable requests go through wrk (``benchmarks/exam_day.lua``, -t2 -c64 by default); the
ones a candidate makes once go through Python's http.client in 4 processes sharing the same
number of connections (wrk cannot play a fixed list against sync workers: see the note
above ``fixed_run``). Each kind is measured right after the ceiling, with the same client and
flags. It prints req/s, p50, p95, p99 and failed answers for both, the ratios ours/ceiling
(throughput) and ours p99 / ceiling p99, the CPU each request cost the gunicorn workers and
the database backends (a figure other people's load hardly moves), checks in PostgreSQL
that the writes the answers claim happened, the load average, and one JSON line with every
figure. ``--rounds 3`` alternates ceiling and ours three times per timed kind.

    .venv/bin/python benchmarks/exam_day_bench.py --candidates 200 --seconds 15
    .venv/bin/python benchmarks/exam_day_bench.py --only autosave --workers 4 --connections 64

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/eqyzmet_bench,
created and migrated if missing), REDIS_URL (default redis://127.0.0.1:6379/5).
Installs wrk with apt-get if it is missing. Exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlparse

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
LUA = BENCH_DIR / "exam_day.lua"
PYTHON = str(REPO / ".venv" / "bin" / "python")
GUNICORN = str(REPO / ".venv" / "bin" / "gunicorn")
STATE_DIR = REPO / "var" / "exam_day_bench"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/eqyzmet_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"

KINDS = ("start", "autosave", "paper", "submit", "result")
ITEMS_PER_SECTION, SECTIONS, QUESTIONS_PER_TOPIC = 11, 5, 12  # 55 items per paper
EXPECTED = {
    "ceiling": '200 {"ok": true}',
    "start": "302 to the attempt page",
    "autosave": '200 {"ok": true}',
    "paper": "200 with all 55 items",
    "submit": "302 to the result page",
    "result": "200 with the verdict",
}
SENTINEL = 987654321


# --- Seeding (a child process with Django set up) ------------------------------------------


def seed(candidates: int, out: Path) -> None:
    """N admitted candidates of one new sitting, each signed in; written to ``out`` as JSON.

    Uses only the models, the test factories and the URL conf, so it does not depend on how
    the testing center's services are laid out. Attempts are started over HTTP later.
    """
    import itertools
    from importlib import import_module

    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import transaction
    from django.urls import reverse
    from django.utils import translation

    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from testing_center.models import OPTION_LABELS, Attempt, AttemptItem
    from tests.factories import UserFactory, make_state_body
    from tests.testing_center import factories

    # Every run seeds fresh rows next to the previous runs' (unique codes and e-mails).
    base = int(time.time() * 1000) % 10**9
    factories._n = itertools.count(base)
    UserFactory.reset_sequence(base)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with transaction.atomic():
        topics = factories.small_bank(sections=SECTIONS, per_topic=QUESTIONS_PER_TOPIC)
        blueprint = factories.make_blueprint(
            [(t, ITEMS_PER_SECTION, 3) for t in topics], time_limit=3600, pass_min_correct=30
        )
        contest = factories.make_contest(
            blueprint=blueprint, body=make_state_body(code=f"bench-{base}")
        )
        seats = []
        for _ in range(candidates):
            # No password: hashing one (Argon2) per candidate would make seeding slow.
            user = UserFactory(password=None, language="ru")
            staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
            application = factories.make_application(contest, user=user)
            session = store()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.save(must_create=True)
            csrf = secrets.token_hex(16)  # a CSRF secret: 32 characters of [0-9a-f]
            seats.append(
                {
                    "application": application.pk,
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                    f"{settings.CSRF_COOKIE_NAME}={csrf}",
                    "csrf": csrf,
                }
            )
    with translation.override("ru"):
        paths = {
            name: reverse(f"testing_center:{view}", args=[SENTINEL]).replace(
                str(SENTINEL), "{sitting}" if view.startswith("sitting") else "{attempt}"
            )
            for name, view in [
                ("sitting", "sitting"),
                ("start", "sitting_start"),
                ("paper", "attempt"),
                ("autosave", "save"),
                ("submit", "submit"),
                ("result", "result"),
            ]
        }
    options = {len(q.options) for t in topics for q in t.questions.all()}
    assert options == {4}, options  # the Lua script sends one of four labels
    out.write_text(
        json.dumps(
            {
                "sitting": contest.sitting.pk,
                "items": SECTIONS * ITEMS_PER_SECTION,
                "labels": OPTION_LABELS[:4],
                "paths": paths,
                "tables": {"attempt": Attempt._meta.db_table, "item": AttemptItem._meta.db_table},
                "seats": seats,
            }
        )
    )


def score(sitting: int) -> None:
    """Score the handed-in papers of a sitting, as the Celery worker would (same task)."""
    import django

    sys.path.insert(0, str(REPO))
    django.setup()
    from celery import current_app

    from testing_center.models import Attempt

    task = current_app.tasks["testing_center.score_attempt"]
    pending = Attempt.objects.filter(sitting_id=sitting, status=Attempt.Status.SUBMITTED)
    for pk in pending.values_list("pk", flat=True):
        task.apply(args=[pk]).get()


# --- Environment, database, servers -------------------------------------------------------


def bench_secrets() -> dict[str, str]:
    """Production needs real secrets; the benchmark keeps its own, stable across runs."""
    from cryptography.fernet import Fernet

    path = STATE_DIR / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "EQYZMET_FERNET_KEYS": Fernet.generate_key().decode(),
        "EQYZMET_BLIND_INDEX_KEY": secrets.token_urlsafe(50),
    }
    path.touch(mode=0o600)
    path.write_text(json.dumps(values))
    return values


def our_env(database: str, redis_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EQYZMET_"))
    }
    env.update(bench_secrets())
    env.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "eqyzmet.settings",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_BEHIND_TLS_PROXY": "true",
            "DJANGO_STATIC_ROOT": str(STATE_DIR / "static"),
            "DATABASE_URL": database,
            "REDIS_URL": redis_url,
            "EMAIL_URL": "consolemail://",
            "PYTHONPATH": str(REPO),
        }
    )
    env.setdefault("DATABASE_CONN_MAX_AGE", "60")  # production's default, given to both
    return env


def ceiling_env(database: str, conn_max_age: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EQYZMET_", "DATABASE_", "REDIS_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.ceiling.settings",
            "DATABASE_URL": database,
            "DATABASE_CONN_MAX_AGE": conn_max_age,
            "PYTHONPATH": str(REPO),
        }
    )
    return env


def pg_connect(url: str, dbname: str | None = None):
    import psycopg2

    parsed = urlparse(url)
    conn = psycopg2.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname=dbname or parsed.path.lstrip("/"),
    )
    conn.autocommit = True
    return conn


def ensure_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    conn = pg_connect(url, "postgres")
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def ensure_ceiling_table(db, rows: int) -> None:
    with db.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_ceiling "
            "(id int PRIMARY KEY, n int NOT NULL DEFAULT 0)"
        )
        cur.execute(
            "INSERT INTO bench_ceiling (id) SELECT g FROM generate_series(1, %s) g "
            "ON CONFLICT DO NOTHING",
            [rows],
        )


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env).returncode:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=True)
    return shutil.which("wrk") or "wrk"


def ensure_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis at {url} does not answer: {exc}") from None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process, or 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes(match) -> dict[int, float]:
    """pid → CPU seconds of every process whose (ppid, cmdline) ``match`` accepts."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if match(ppid, cmdline):
            found[int(entry.name)] = _cpu_seconds(int(entry.name))
    return found


def _added(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


class Server:
    """One gunicorn with the flags production uses; stopped by its own pid."""

    def __init__(self, name: str, app: str, env: dict, workers: int, workdir: Path, dbname: str):
        self.name = name
        self.dbname = dbname
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.log = workdir / f"{name}.log"
        command = [
            *[GUNICORN, "-c", "python:eqyzmet.gunicorn_conf", app],
            *["--bind", self.host, "--workers", str(workers), "--worker-class", "sync"],
            # Its own control socket: the default path may belong to another gunicorn here.
            *["--control-socket", str(workdir / f"{name}.ctl")],
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise SystemExit(f"the {self.name} server exited; see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"the {self.name} server did not start; see {self.log}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this run started
            self.process.wait(timeout=10)

    def settle(self, quiet: float = 0.5, timeout: float = 90) -> None:
        """Wait until the requests wrk left behind are done. wrk stops with a request
        sent on each connection; the sync workers still answer those from the listen
        queue (to no one), and that work must not fall into the next measurement. The
        access log grows by one line per answer, so a log that stays still is a server
        that is idle."""
        end = time.monotonic() + timeout
        size = -1
        while time.monotonic() < end:
            now = self.log.stat().st_size
            if now == size:
                return
            size = now
            time.sleep(quiet)

    def usage(self) -> dict:
        """CPU so far of the workers and of the database's backends, and the log's size.

        Only one server is loaded at a time, so the backends' CPU is that server's."""
        master, backend = self.process.pid, f" {self.dbname} "
        return {
            "web": _processes(lambda ppid, _: ppid == master),
            "db": _processes(lambda _, cmd: cmd.startswith("postgres:") and backend in cmd),
            "log": self.log.stat().st_size,
        }

    def cost_since(self, before: dict) -> dict:
        """CPU milliseconds per request served since ``before`` (after ``settle``): a figure
        that other people's load on the machine hardly moves, unlike req/s."""
        after = self.usage()
        with self.log.open("rb") as log:
            log.seek(before["log"])
            served = log.read().count(b" HTTP/1.")  # one access-log line per answer
        per = 1000 / max(1, served)
        return {
            "requests_served": served,
            "web_cpu_ms": round(_added(before["web"], after["web"]) * per, 2),
            "db_cpu_ms": round(_added(before["db"], after["db"]) * per, 2),
        }

    def errors_logged(self) -> int:
        text = self.log.read_text(errors="replace")
        return text.count(" ERROR ") + text.count("[CRITICAL]") + text.count("Traceback")


def headers_for(server: Server, cookie: str | None, csrf: str | None) -> dict[str, str]:
    """As behind the production proxy: TLS ended there, the browser's Origin passed on."""
    headers = {
        "Host": server.host,
        "X-Forwarded-Proto": "https",
        "Origin": f"https://{server.host}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if cookie:
        headers.update({"Cookie": cookie, "X-CSRFToken": csrf})
    return headers


# --- Load: wrk for repeatable requests ----------------------------------------------------


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def cpu_ticks() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def with_machine_figures(measure) -> dict:
    """The figures of ``measure()`` plus what the whole machine did meanwhile."""
    busy0, total0 = cpu_ticks()
    load0 = loadavg()
    result = measure()
    busy1, total1 = cpu_ticks()
    result["load_before"] = load0
    result["load_after"] = loadavg()
    result["machine_cpu_busy_pct"] = round(100 * (busy1 - busy0) / max(1, total1 - total0))
    return result


def wrk_run(args, wrk: str, server: Server, kind: str, seconds: float, options: dict) -> dict:
    command = [
        *[wrk, "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds:g}s"],
        # Past 30 s gunicorn kills the worker anyway; wrk's default (2 s) would drop the
        # slowest answers from the percentiles.
        *["--timeout", "30s", "-s", str(LUA), f"http://{server.host}", "--"],
        *[
            f"{key}={value}"
            for key, value in {"kind": kind, "host": server.host, **options}.items()
        ],
    ]

    def measure() -> dict:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 120, check=False
        )
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("EXAM_DAY_RESULT ")]
        if not lines:
            raise SystemExit(
                f"wrk gave no result for {kind} on {server.name}:\n{done.stdout}\n{done.stderr}"
            )
        return json.loads(lines[-1].removeprefix("EXAM_DAY_RESULT "))

    before = server.usage()
    result = with_machine_figures(measure)
    server.settle()
    result["cpu_per_request"] = server.cost_since(before)
    result["client"] = f"wrk -t{args.threads} -c{args.connections} -d{seconds:g}s"
    result["req_per_s"] = round(result["completed"] / result["duration_s"], 1)
    result["failed"] = (
        result["bad_status"] + result["bad_body"] + sum(result["socket_errors"].values())
    )
    return result


ROUND_COUNTS = (
    "completed",
    "ok",
    "bad_status",
    "bad_body",
    "saved",
    "s2xx",
    "s3xx",
    "s4xx",
    "s5xx",
)


def merge_rounds(rounds: list[dict]) -> dict:
    """Several timed runs of one server as one: counts and time added up, so req/s is the
    pooled rate; percentiles are the medians of the runs' (wrk's histograms stay in wrk)."""
    if len(rounds) == 1:
        return rounds[0]
    merged = {key: sum(r[key] for r in rounds) for key in ROUND_COUNTS}
    merged["socket_errors"] = {
        key: sum(r["socket_errors"][key] for r in rounds) for key in rounds[0]["socket_errors"]
    }
    merged["duration_s"] = round(sum(r["duration_s"] for r in rounds), 3)
    for p in (50, 90, 95, 99):
        merged[f"p{p}_ms"] = statistics.median(r[f"p{p}_ms"] for r in rounds)
    merged["mean_ms"] = round(
        sum(r["mean_ms"] * r["completed"] for r in rounds) / max(1, merged["completed"]), 2
    )
    merged["max_ms"] = max(r["max_ms"] for r in rounds)
    merged["bad_sample"] = next((r["bad_sample"] for r in rounds if r["bad_sample"]), "")
    merged["load_before"] = rounds[0]["load_before"]
    merged["load_after"] = rounds[-1]["load_after"]
    merged["machine_cpu_busy_pct"] = round(
        statistics.mean(r["machine_cpu_busy_pct"] for r in rounds)
    )
    merged["client"] = f"{rounds[0]['client']} x{len(rounds)}"
    merged["req_per_s"] = round(merged["completed"] / merged["duration_s"], 1)
    merged["failed"] = sum(r["failed"] for r in rounds)
    served = sum(r["cpu_per_request"]["requests_served"] for r in rounds)
    merged["cpu_per_request"] = {"requests_served": served} | {
        key: round(
            sum(r["cpu_per_request"][key] * r["cpu_per_request"]["requests_served"] for r in rounds)
            / max(1, served),
            2,
        )
        for key in ("web_cpu_ms", "db_cpu_ms")
    }
    merged["rounds"] = [
        {key: r[key] for key in ("req_per_s", "p50_ms", "p95_ms", "p99_ms", "failed")}
        for r in rounds
    ]
    return merged


# --- Load: Python http.client for requests made once per candidate ------------------------
#
# Starting and handing in cannot be repeated, so each is a fixed list of requests, one per
# candidate. wrk cannot run a fixed list against gunicorn's sync workers: a wrk connection
# with nothing left to send stays open, and a sync worker that accepts it waits for its
# request until the worker timeout kills it. So these go through http.client, one
# connection per request, CLIENT_PROCESSES processes sharing --connections lanes.

CLIENT_PROCESSES = 4


def verdict(kind: str, status: int, location: str, body: bytes) -> str:
    wanted, good = {
        "ceiling": (200, lambda: re.search(rb'"ok"\s*:\s*true', body) is not None),
        "start": (302, lambda: re.search(r"/attempt/\d+/$", location) is not None),
        "submit": (302, lambda: re.search(r"/attempt/\d+/result/$", location) is not None),
    }[kind]
    if status != wanted:
        return "bad_status"
    return "ok" if good() else "bad_body"


def fixed_lanes(job) -> list[tuple]:
    """One client process: its lanes run side by side, each one request after another."""
    port, kind, lanes, start_at = job
    time.sleep(max(0.0, start_at - time.time()))

    def lane(requests) -> list[tuple]:
        out = []
        for path, body, headers in requests:
            began, clock = time.time(), time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status, location = response.status, response.getheader("Location", "")
                result = verdict(kind, status, location, data)
            except (OSError, http.client.HTTPException) as exc:
                status, location, data, result = 0, "", repr(exc).encode(), "socket"
            finally:
                conn.close()
            took = time.perf_counter() - clock
            sample = "" if result == "ok" else f"{status} {location} {data[:300]!r}"
            out.append((began, began + took, took, status, result, sample))
        return out

    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        return [record for records in pool.map(lane, lanes) for record in records]


def percentile(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def fixed_run(args, server: Server, kind: str, requests: list[tuple]) -> dict:
    lanes = [requests[i :: args.connections] for i in range(args.connections)]
    lanes = [lane for lane in lanes if lane]
    processes = min(CLIENT_PROCESSES, len(lanes))

    def measure() -> dict:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            start_at = time.time() + 2  # every process up before the first request
            jobs = [(server.port, kind, lanes[j::processes], start_at) for j in range(processes)]
            records = [r for chunk in pool.map(fixed_lanes, jobs) for r in chunk]
        answered = [r for r in records if r[4] != "socket"]
        took = sorted(r[2] * 1000 for r in answered) or [0.0]
        span = max(r[1] for r in records) - min(r[0] for r in records)
        statuses = [r[3] for r in answered]
        return {
            "completed": len(answered),
            "ok": sum(1 for r in records if r[4] == "ok"),
            "bad_status": sum(1 for r in records if r[4] == "bad_status"),
            "bad_body": sum(1 for r in records if r[4] == "bad_body"),
            "socket_errors": {"any": sum(1 for r in records if r[4] == "socket")},
            **{f"s{c}xx": sum(1 for s in statuses if s // 100 == c) for c in (2, 3, 4, 5)},
            "duration_s": round(span, 3),
            **{f"p{p}_ms": round(percentile(took, p), 2) for p in (50, 90, 95, 99)},
            "mean_ms": round(sum(took) / len(took), 2),
            "max_ms": round(took[-1], 2),
            "bad_sample": next((r[5] for r in records if r[5]), ""),
        }

    before = server.usage()
    result = with_machine_figures(measure)
    server.settle()
    result["cpu_per_request"] = server.cost_since(before)
    result["client"] = (
        f"http.client {processes}x{-(-len(lanes) // processes)}, {len(requests)} requests"
    )
    result["req_per_s"] = round(result["completed"] / result["duration_s"], 1)
    result["failed"] = len(requests) - result["ok"]
    return result


# --- Unmeasured steps over HTTP -----------------------------------------------------------


def post_all(server: Server, paths: list[str], seats: list[dict]) -> int:
    """POST each seat's path with its token (starting, handing in) and count the redirects."""

    def one(pair) -> bool:
        path, seat = pair
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            conn.request(
                "POST",
                path,
                body=urlencode({"csrfmiddlewaretoken": seat["csrf"]}),
                headers=headers_for(server, seat["cookie"], seat["csrf"]),
            )
            response = conn.getresponse()
            response.read()
            return response.status == 302
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        return sum(pool.map(one, zip(paths, seats, strict=True)))


# --- Database checks ---------------------------------------------------------------------


class Checks:
    """Reads PostgreSQL before and after a run: did the writes the answers claim happen?"""

    def __init__(self, db, tables: dict, sitting: int):
        self.db = db
        self.attempt = tables["attempt"]
        self.item = tables["item"]
        self.sitting = sitting

    def _rows(self, sql: str, params=()) -> list[tuple]:
        with self.db.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def attempts(self) -> dict[int, tuple[int, str]]:
        """Application id → (attempt id, status), for the sitting."""
        sql = f"SELECT application_id, id, status FROM {self.attempt} WHERE sitting_id = %s"  # noqa: S608
        return {app: (pk, status) for app, pk, status in self._rows(sql, [self.sitting])}

    def items(self, attempt_ids: list[int]) -> dict[int, tuple[int, str]]:
        """Item id → (version, answer as text), for the papers."""
        sql = f"SELECT id, version, answer::text FROM {self.item} WHERE attempt_id = ANY(%s)"  # noqa: S608
        return {pk: (version, answer) for pk, version, answer in self._rows(sql, [attempt_ids])}

    def ceiling_total(self) -> int:
        return self._rows("SELECT COALESCE(SUM(n), 0) FROM bench_ceiling")[0][0]


def close_enough(written: int, answered: int, slack: int) -> bool:
    """A timed run ends with requests in flight: the server may commit a few writes whose
    answers wrk never reads, so writes may exceed the answers, by at most ``slack``."""
    return answered <= written <= answered + slack


# --- The run -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=15, help="each timed wrk run")
    parser.add_argument(
        "--rounds", type=int, default=1, help="timed runs per server and kind, alternating"
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers, both servers")
    parser.add_argument(
        "--only", default=",".join(KINDS), help=f"comma-separated, from: {', '.join(KINDS)}"
    )
    parser.add_argument("--json-out", type=Path, help="also append the JSON line to this file")
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs")
    parser.add_argument("--seed-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--score-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        seed(args.candidates, args.seed_only)
        return
    if args.score_only:
        score(args.score_only)
        return
    kinds = {k.strip() for k in args.only.split(",") if k.strip()}
    if kinds - set(KINDS):
        parser.error(f"unknown kinds: {', '.join(sorted(kinds - set(KINDS)))}")

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    if not run(args, [k for k in KINDS if k in kinds]):
        sys.exit(1)


class Bench:
    """The seeded sitting, both servers, and one measurement per kind."""

    def __init__(self, args, wrk: str, seeded: dict, checks: Checks, ceiling, ours, env):
        self.args, self.wrk, self.checks = args, wrk, checks
        self.ceiling, self.ours, self.env = ceiling, ours, env
        self.sitting = seeded["sitting"]
        self.paths = seeded["paths"]
        self.items = seeded["items"]
        self.labels = seeded["labels"]
        self.seats = seeded["seats"]
        self.rows = args.candidates * self.items
        self.workdir = ceiling.log.parent
        self.rng = random.Random(self.sitting)  # a load pattern, not a secret

    # Seats and their attempts
    def refresh(self) -> None:
        found = self.checks.attempts()
        for seat in self.seats:
            if seat["application"] in found:
                seat["attempt"], seat["status"] = found[seat["application"]]

    def with_status(self, status: str | None) -> list[dict]:
        self.refresh()
        return [s for s in self.seats if s.get("status") == status]

    def seats_file(self, kind: str, seats: list[dict]) -> Path:
        path = self.workdir / f"seats-{kind}.tsv"
        path.write_text(
            "".join(
                f"{s.get('attempt', 0)}\t{self.sitting}\t{s['cookie']}\t{s['csrf']}\n"
                for s in seats
            )
        )
        return path

    # Unmeasured preparation
    def ensure_started(self) -> None:
        fresh = self.with_status(None)
        if fresh:
            print(f"  (starting {len(fresh)} papers, not measured)", flush=True)
            path = self.paths["start"].format(sitting=self.sitting)
            if post_all(self.ours, [path] * len(fresh), fresh) != len(fresh):
                raise SystemExit(f"not every paper could be started; see {self.ours.log}")

    def ensure_scored(self) -> None:
        self.ensure_started()
        running = self.with_status("in_progress")
        if running:
            print(f"  (handing in {len(running)} papers, not measured)", flush=True)
            paths = [self.paths["submit"].format(attempt=s["attempt"]) for s in running]
            if post_all(self.ours, paths, running) != len(running):
                raise SystemExit(f"not every paper could be handed in; see {self.ours.log}")
        print("  (scoring, as the worker would, not measured)", flush=True)
        subprocess.run(
            [PYTHON, __file__, "--score-only", str(self.sitting)],
            cwd=REPO,
            env={**self.env, "DJANGO_LOG_LEVEL": "WARNING"},
            check=True,
        )

    # Measurements
    def ceiling_timed(self) -> dict:
        before = self.checks.ceiling_total()
        result = wrk_run(
            self.args,
            self.wrk,
            self.ceiling,
            "ceiling",
            self.args.seconds,
            {"path": "/update/", "rows": self.rows},
        )
        added = self.checks.ceiling_total() - before
        result["check"] = {
            "rows_updated": added,
            "ok": result["failed"] == 0
            and close_enough(added, result["ok"], self.args.connections),
        }
        return result

    def ceiling_fixed(self, count: int) -> dict:
        before = self.checks.ceiling_total()
        headers = headers_for(self.ceiling, None, None)
        requests = [("/update/", f"id={i}", headers) for i in range(1, count + 1)]
        result = fixed_run(self.args, self.ceiling, "ceiling", requests)
        added = self.checks.ceiling_total() - before
        result["check"] = {"rows_updated": added, "ok": result["failed"] == 0 and added == count}
        return result

    def ours_timed(self, kind: str, seats: list[dict]) -> dict:
        options = {
            "path": self.paths[kind],
            "seats": self.seats_file(kind, seats),
            "items": self.items,
            "labels": self.labels,
        }
        return wrk_run(self.args, self.wrk, self.ours, kind, self.args.seconds, options)

    def timed_pair(self, kind: str, seats: list[dict]) -> tuple[dict, dict]:
        """--rounds runs of the ceiling then ours, back to back: other people's load on
        the machine drifts, and each pair sees about the same share of it."""
        pairs = [
            (self.ceiling_timed(), self.ours_timed(kind, seats)) for _ in range(self.args.rounds)
        ]
        ceiling = merge_rounds([c for c, _ in pairs])
        ceiling["check"] = {
            "rows_updated": sum(c["check"]["rows_updated"] for c, _ in pairs),
            "ok": all(c["check"]["ok"] for c, _ in pairs),
        }
        ours = merge_rounds([o for _, o in pairs])
        if len(pairs) > 1:
            ours["round_throughput_ratios"] = [
                round(o["req_per_s"] / c["req_per_s"], 3) for c, o in pairs if c["req_per_s"]
            ]
        return ceiling, ours

    def warm_up(self) -> None:
        wrk_run(
            self.args, self.wrk, self.ceiling, "ceiling", 3, {"path": "/update/", "rows": self.rows}
        )
        options = {"path": self.paths["sitting"], "seats": self.seats_file("sitting", self.seats)}
        wrk_run(self.args, self.wrk, self.ours, "sitting", 3, options)

    def start(self) -> tuple[dict, dict]:
        fresh = self.with_status(None)
        print(f"start: {len(fresh)} candidates, each once", flush=True)
        ceiling = self.ceiling_fixed(len(fresh))
        path = self.paths["start"].format(sitting=self.sitting)
        requests = [
            (
                path,
                urlencode({"csrfmiddlewaretoken": s["csrf"]}),
                headers_for(self.ours, s["cookie"], s["csrf"]),
            )
            for s in fresh
        ]
        before = len(self.checks.attempts())
        ours = fixed_run(self.args, self.ours, "start", requests)
        made = len(self.checks.attempts()) - before
        ours["check"] = {"papers_started": made, "ok": ours["failed"] == 0 and made == len(fresh)}
        return ceiling, ours

    def autosave(self) -> tuple[dict, dict]:
        self.ensure_started()
        running = self.with_status("in_progress")
        print(f"autosave: {len(running)} running papers", flush=True)
        ids = [s["attempt"] for s in running]
        before = self.checks.items(ids)
        ceiling, ours = self.timed_pair("autosave", running)
        after = self.checks.items(ids)
        stored = sum(v for v, _ in after.values()) - sum(v for v, _ in before.values())
        ours["check"] = {
            "saves_stored": stored,
            "items_written": sum(1 for pk, (v, _) in after.items() if v != before[pk][0]),
            "answers_changed": sum(1 for pk, (_, a) in after.items() if a != before[pk][1]),
            "ok": ours["failed"] == 0
            and ours["saved"] > 0
            and close_enough(stored, ours["saved"], self.args.connections * self.args.rounds),
        }
        return ceiling, ours

    def paper(self) -> tuple[dict, dict]:
        self.ensure_started()
        running = self.with_status("in_progress")
        print(f"paper: {len(running)} running papers", flush=True)
        ceiling, ours = self.timed_pair("paper", running)
        ours["check"] = {"pages_with_every_item": ours["ok"], "ok": ours["failed"] == 0}
        return ceiling, ours

    def submit(self) -> tuple[dict, dict]:
        self.ensure_started()
        running = self.with_status("in_progress")
        print(
            f"submit: {len(running)} papers, each handed in once with all its answers", flush=True
        )
        ceiling = self.ceiling_fixed(len(running))
        requests = []
        for s in running:
            # What the page's form posts: the token and every answer.
            form = {"csrfmiddlewaretoken": s["csrf"], "reason": ""}
            form.update(
                {f"item-{n}": self.rng.choice(self.labels) for n in range(1, self.items + 1)}
            )
            requests.append(
                (
                    self.paths["submit"].format(attempt=s["attempt"]),
                    urlencode(form),
                    headers_for(self.ours, s["cookie"], s["csrf"]),
                )
            )
        ours = fixed_run(self.args, self.ours, "submit", requests)
        handed = len(running) - len(self.with_status("in_progress"))
        ours["check"] = {
            "papers_handed_in": handed,
            "ok": ours["failed"] == 0 and handed == len(running),
        }
        return ceiling, ours

    def result(self) -> tuple[dict, dict]:
        self.ensure_scored()
        scored = self.with_status("scored")
        print(f"result: {len(scored)} scored papers", flush=True)
        ceiling, ours = self.timed_pair("result", scored)
        ours["check"] = {
            "papers_scored": len(scored),
            "ok": ours["failed"] == 0 and len(scored) == len(self.seats),
        }
        return ceiling, ours


def cpu_ratio(ceiling: dict, ours: dict) -> float | None:
    """Ceiling's CPU per request over ours (web and database together): the throughput
    ratio the two would reach on a machine of their own, if CPU is what limits them."""
    total = {
        name: r["cpu_per_request"]["web_cpu_ms"] + r["cpu_per_request"]["db_cpu_ms"]
        for name, r in (("ceiling", ceiling), ("ours", ours))
    }
    return round(total["ceiling"] / total["ours"], 3) if total["ours"] else None


def run(args, kinds: list[str]) -> bool:
    wrk = ensure_wrk()
    database = os.environ.get("DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    ensure_database(database)
    ensure_redis(redis_url)
    env = our_env(database, redis_url)
    started = dt.datetime.now().astimezone()
    load_start = loadavg()
    workdir = Path(tempfile.mkdtemp(prefix="exam_day_bench-"))
    print("migrate, roles, static files", flush=True)
    for command in (["migrate", "-v0"], ["setup_roles"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=REPO,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"seeding {args.candidates} candidates", flush=True)
    seeded_file = workdir / "seeded.json"
    subprocess.run(
        [PYTHON, __file__, "--seed-only", str(seeded_file), "--candidates", str(args.candidates)],
        cwd=REPO,
        env=env,
        check=True,
    )
    seeded = json.loads(seeded_file.read_text())
    db = pg_connect(database)
    dbname = urlparse(database).path.lstrip("/")
    ensure_ceiling_table(db, args.candidates * seeded["items"])
    servers: list[Server] = []
    results: dict[str, dict] = {}
    keep = args.keep_logs
    try:
        ceiling_server = Server(
            "ceiling",
            "benchmarks.ceiling.wsgi",
            ceiling_env(database, env["DATABASE_CONN_MAX_AGE"]),
            args.workers,
            workdir,
            dbname,
        )
        servers.append(ceiling_server)
        ours_server = Server("ours", "eqyzmet.wsgi", env, args.workers, workdir, dbname)
        servers.append(ours_server)
        for server in servers:
            server.wait_ready()
        bench = Bench(
            args,
            wrk,
            seeded,
            Checks(db, seeded["tables"], seeded["sitting"]),
            ceiling_server,
            ours_server,
            env,
        )
        print("warming up both servers", flush=True)
        bench.warm_up()
        for kind in kinds:
            ceiling, ours = getattr(bench, kind)()
            results[kind] = {
                "ceiling": ceiling,
                "ours": ours,
                "throughput_ratio": round(ours["req_per_s"] / ceiling["req_per_s"], 3)
                if ceiling["req_per_s"]
                else None,
                "p99_ratio": round(ours["p99_ms"] / ceiling["p99_ms"], 2)
                if ceiling["p99_ms"]
                else None,
                "cpu_ratio": cpu_ratio(ceiling, ours),
            }
        errors_logged = {s.name: s.errors_logged() for s in servers}
    except BaseException:
        keep = True
        raise
    finally:
        for server in servers:
            server.stop()
        db.close()
        if keep:
            print(f"logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    ok = not any(errors_logged.values()) and all(
        row[name]["check"]["ok"] for row in results.values() for name in ("ceiling", "ours")
    )
    report(args, results, started, load_start, loadavg(), errors_logged, ok, seeded["items"])
    return ok


def report(args, results, started, load_start, load_end, errors_logged, ok, items) -> None:
    print()
    print(
        f"exam day, side by side: {started:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, "
        f"gunicorn -w {args.workers} --worker-class sync for both, ours with "
        f"DJANGO_ENV=production; {args.candidates} candidates, {items} items per paper"
    )
    print(
        "load average at start {:.2f} {:.2f} {:.2f}, at end {:.2f} {:.2f} {:.2f}".format(
            *load_start, *load_end
        )
    )
    header = (
        f"{'kind':<9} {'server':<8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'answers':>7} {'failed':>6} {'load1':>5} {'cpu%':>4}  client"
    )
    print(header)
    print("-" * (len(header) + 30))
    for kind, row in results.items():
        for name in ("ceiling", "ours"):
            r = row[name]
            print(
                f"{kind:<9} {name:<8} {r['req_per_s']:>7.1f} {r['p50_ms']:>8.1f} "
                f"{r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['completed']:>7} {r['failed']:>6} "
                f"{r['load_after'][0]:>5.2f} {r['machine_cpu_busy_pct']:>4}  {r['client']}"
            )
        cpu = {name: row[name]["cpu_per_request"] for name in ("ceiling", "ours")}
        print(
            f"{'':<9} CPU per request: ceiling web {cpu['ceiling']['web_cpu_ms']} ms + "
            f"db {cpu['ceiling']['db_cpu_ms']} ms, ours web {cpu['ours']['web_cpu_ms']} ms + "
            f"db {cpu['ours']['db_cpu_ms']} ms (ceiling/ours {row['cpu_ratio']}x)"
        )
        rounds = row["ours"].get("round_throughput_ratios")
        print(
            f"{'':<9} ours/ceiling: throughput {row['throughput_ratio']}x, p99 {row['p99_ratio']}x"
            + (f" (throughput by round: {', '.join(f'{r}x' for r in rounds)})" if rounds else "")
        )
    print()
    if args.rounds > 1:
        print(f"timed kinds: {args.rounds} rounds; req/s pooled, percentiles the rounds' median")
    print("failed: answers other than expected, plus socket errors; expected:")
    for kind in ["ceiling", *results]:
        print(f"  {kind}: {EXPECTED[kind]}")
    print("checks against PostgreSQL:")
    for kind, row in results.items():
        c, o = row["ceiling"], row["ours"]
        ours_detail = ", ".join(f"{k} {v}" for k, v in o["check"].items() if k != "ok")
        saved = f" for {o['saved']} answers saying saved" if kind == "autosave" else ""
        print(
            f"  {kind}: ceiling rows updated {c['check']['rows_updated']} for {c['ok']} answers "
            f"({'ok' if c['check']['ok'] else 'MISMATCH'}); ours {ours_detail}{saved} "
            f"({'ok' if o['check']['ok'] else 'MISMATCH'})"
        )
        for name in ("ceiling", "ours"):
            if row[name]["bad_sample"]:
                print(f"    first wrong answer from {name}: {row[name]['bad_sample'][:200]!r}")
    print(f"errors in the servers' logs: {errors_logged}")
    print(f"all checks passed: {ok}")
    line = json.dumps(
        {
            "benchmark": "exam_day",
            "date": started.isoformat(timespec="seconds"),
            "cores": os.cpu_count(),
            "load_start": load_start,
            "load_end": load_end,
            "gunicorn_workers": args.workers,
            "wrk": {
                "threads": args.threads,
                "connections": args.connections,
                "seconds": args.seconds,
                "rounds": args.rounds,
            },
            "candidates": args.candidates,
            "items": items,
            "settings": "production",
            "kinds": results,
            "errors_logged": errors_logged,
            "checks_passed": ok,
        },
        sort_keys=True,
    )
    print(line)
    if args.json_out:
        with args.json_out.open("a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: the servers this run started are stopped", file=sys.stderr)
        sys.exit(130)
