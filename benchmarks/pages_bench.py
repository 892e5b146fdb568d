"""Every page and operation a role uses daily, at two data sizes, side by side.

Seeds (once) two PostgreSQL databases with ``manage.py seed_scale``: a small one at
``--small-scale`` (default 0.01, demo-like) and a large one at ``--scale``; then, for each,
signs in as each role (staff accounts made with ``staff_assign`` in the seeded bodies) and
measures every page with Django's test client in-process, single user: ``--repeat`` timed
requests after one warm-up (p50 and p95 of those), and the SQL queries of one more. Prints
one table with both sizes side by side; a row is marked when its query count grows with the
data or its p95 at the large size passes 300 ms.

    .venv/bin/python benchmarks/pages_bench.py --scale 0.1
    .venv/bin/python benchmarks/pages_bench.py --scale 1.0 --repeat 11 --json out.json

Environment: DATABASE_URL names the large database (default
postgres://postgres@127.0.0.1:5432/eqyzmet_scale); the small one is the same URL with
``_small`` added to the name. ``--reseed`` drops and recreates both first.

Each database is measured in a child process of its own (fresh Django, its own settings);
mutating operations (ranking, item analysis) run inside a transaction that is rolled back.
Staff sign in without a second factor (``EQYZMET_STAFF_2FA`` off, as in the tests): the
benchmark measures pages, not the sign-in.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/eqyzmet_scale"
BUDGET_MS = 300.0
BENCH_DOMAIN = "bench.scale.eqyzmet.kz"


# --- The parent: databases, children, the table ------------------------------------------


def _with_name(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{name}"))


def _database(url: str, *, recreate: bool) -> None:
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
        if recreate:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def _child(url: str, scale: float, repeat: int) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "eqyzmet.settings",
        # The benchmark is one user asking many times: no API throttling in the way.
        "API_THROTTLE_ANON": "1000000/minute",
        "API_THROTTLE_USER": "1000000/minute",
        # Production-like request handling: no query log kept by DEBUG, no request lines.
        "DJANGO_DEBUG": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ENV", None)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--scale",
        str(scale),
        "--repeat",
        str(repeat),
    ]
    result = subprocess.run(command, env=env, cwd=REPO, stdout=subprocess.PIPE, check=False)
    if result.returncode != 0:
        raise SystemExit(f"measuring {url} failed (exit {result.returncode})")
    return json.loads(result.stdout.decode().strip().splitlines()[-1])


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def _cell(row: dict | None, key: str, digits: int = 0) -> str:
    if row is None or row.get("status") not in (None, 200):
        return "—"
    value = row.get(key)
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def table(small: dict, large: dict) -> list[str]:
    head = (
        f"{'page or operation':<52} {'role':<10} {'p50 S':>8} {'p95 S':>8} {'p50 L':>9} "
        f"{'p95 L':>9} {'q S':>5} {'q L':>5} {'p95 L/S':>8}  note"
    )
    lines = [head, "-" * len(head)]
    by_name = {r["name"]: r for r in large["results"]}
    for row in small["results"]:
        big = by_name.get(row["name"])
        ratio = ""
        notes = []
        if big and row.get("p95") and big.get("p95"):
            ratio = f"{big['p95'] / row['p95']:.1f}×"
        for label, run in (("S", row), ("L", big)):
            if run and run.get("status", 200) != 200:
                notes.append(f"{label}: HTTP {run['status']} {run.get('error', '')}".strip())
        counted = big and row.get("queries") is not None and big.get("queries") is not None
        if counted and big["queries"] > row["queries"]:
            notes.append("queries grow")
        if big and big.get("p95") is not None and big["p95"] > BUDGET_MS:
            notes.append(f"p95 > {BUDGET_MS:.0f} ms")
        lines.append(
            f"{row['name']:<52} {row['role']:<10} {_cell(row, 'p50', 1):>8} "
            f"{_cell(row, 'p95', 1):>8} {_cell(big, 'p50', 1):>9} {_cell(big, 'p95', 1):>9} "
            f"{_cell(row, 'queries'):>5} {_cell(big, 'queries'):>5} {ratio:>8}  "
            f"{', '.join(notes) or 'flat'}"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--small-scale", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--json", type=Path, help="Also write both result sets here.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(scale=args.scale, repeat=args.repeat)))
        return
    large_url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    small_url = _with_name(large_url, urlparse(large_url).path.lstrip("/") + "_small")
    print(f"Before: {_load()}", file=sys.stderr)
    runs = {}
    for label, url, scale in (
        ("small", small_url, args.small_scale),
        ("large", large_url, args.scale),
    ):
        _database(url, recreate=args.reseed)
        print(f"[{label}] {url} at scale {scale}", file=sys.stderr)
        runs[label] = _child(url, scale, args.repeat)
    print(f"After: {_load()}", file=sys.stderr)
    small, large = runs["small"], runs["large"]
    print(
        f"\nScale {small['scale']} (S) against {large['scale']} (L); {args.repeat} timed requests "
        f"each after a warm-up, times in ms, q = SQL queries."
    )
    for label, run in (("S", small), ("L", large)):
        seeded = (
            f"seeded in {run['seed_seconds']:.0f} s"
            if run.get("seed_seconds") is not None
            else "seeded earlier"
        )
        print(f"  {label}: {run['database']}, {seeded}; {run['load']}")
    print()
    print("\n".join(table(small, large)))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))


# --- The child: one database, every page --------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(*, scale: float, repeat: int) -> dict:
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from eqyzmet.models import AuditEvent

    settings.EQYZMET_STAFF_2FA = False
    call_command("migrate", verbosity=0, interactive=False)
    marker = AuditEvent.objects.filter(action="scale.seeded").order_by("-seq").first()
    seed_seconds = None
    if marker is None:
        started = time.monotonic()
        call_command("seed_scale", scale=scale, stdout=sys.stderr)
        seed_seconds = time.monotonic() - started
        marker = AuditEvent.objects.filter(action="scale.seeded").order_by("-seq").first()
    elif float(marker.details.get("scale", 0)) != scale:
        raise SystemExit(
            f"{settings.DATABASES['default']['NAME']} holds scale {marker.details.get('scale')}, "
            f"not {scale}: run with --reseed (or point DATABASE_URL elsewhere)."
        )
    probes = _probes(run=marker.details["run"])
    results = []
    for name, role, target in _pages(probes):
        row = {"name": name, "role": role}
        try:
            row.update(target() if callable(target) else _page(probes, role, target, repeat))
        except Exception as exc:  # one broken page must not hide the others
            row.update(error=f"{type(exc).__name__}: {exc}"[:200], status="error")
        print(f"  {name:<52} {row.get('p95', '—')}", file=sys.stderr)
        results.append(row)
    for name, role, operation, times in _operations(probes):
        row = {"name": name, "role": role}
        try:
            row.update(_operation(operation, min(repeat, times)))
        except Exception as exc:
            row.update(error=f"{type(exc).__name__}: {exc}"[:200], status="error")
        print(f"  {name:<52} {row.get('p95', '—')}", file=sys.stderr)
        results.append(row)
    return {
        "scale": scale,
        "database": settings.DATABASES["default"]["NAME"],
        "seed_seconds": seed_seconds,
        "load": _load(),
        "results": results,
    }


def _probes(*, run: int) -> dict:
    """The seeded rows the pages are about: the large competition, its strongest candidate,
    the busiest unit and its manager, and the staff accounts of the large competition's
    body (made here with ``staff_assign``, the way an administrator gives a role)."""
    from django.db.models import Count

    from eqyzmet.models import StaffAssignment, User
    from eqyzmet.roles import Role
    from eqyzmet.scale.people import unusable_password
    from eqyzmet.services import staff_assign
    from ethics.models import EthicsCase
    from evaluation.models import Assessment, Cycle, Employee
    from recruitment.models import (
        Application,
        CommissionMember,
        Competition,
        IdentityEscrow,
        StageResult,
    )
    from recruitment.selectors_candidate import vacancies_open
    from testing_center.models import Attempt, Sitting

    large = Competition.objects.get(number__endswith=f"-S{run}-00001")
    top = large.state_body
    sitting = Sitting.objects.get(stage__competition=large, stage__kind="legislation_test")
    best = (
        StageResult.objects.filter(stage=sitting.stage)
        .order_by("-score", "application_id")
        .values_list("application_id", flat=True)
        .first()
    )
    candidate = User.objects.get(pk=int(IdentityEscrow.objects.get(application_id=best).owner))
    attempt = Attempt.objects.get(sitting=sitting, application_id=best)
    finished = (
        Competition.objects.filter(status="closed", state_body__path__startswith=top.path)
        .annotate(n=Count("applications"))
        .order_by("-n")
        .first()
    )
    # A member of a commission that is marking now, in the competition with most codes.
    marking = (
        Competition.objects.filter(status__in=("essay", "interview"))
        .annotate(n=Count("applications"))
        .order_by("-n", "pk")
        .first()
    ) or large
    seat = CommissionMember.objects.filter(competition=marking).select_related("user").first()
    unit = (
        Employee.objects.values("state_body")
        .annotate(n=Count("pk"))
        .order_by("-n", "state_body")
        .first()["state_body"]
    )
    manager = (
        StaffAssignment.objects.filter(role=Role.MANAGER, state_body_id=unit)
        .order_by("user_id")
        .first()
        .user
    )
    open_cycle = Cycle.objects.filter(status="open", kind="quarter").first()
    employee = (
        Employee.objects.filter(state_body_id=unit, supervisor__isnull=False)
        .exclude(user=manager)
        .order_by("-pk")
        .first()
    )
    staff = {}
    for role in (Role.HR_OFFICER, Role.OBSERVER, Role.ETHICS_COMMISSIONER):
        user, _created = User.objects.get_or_create(
            email=f"{role.value}@{BENCH_DOMAIN}", defaults={"password": unusable_password()}
        )
        staff_assign(user=user, role=role, state_body=top)
        staff[role.value] = user
    return {
        "large": large,
        "large_application": Application.objects.get(pk=best),
        "attempt": attempt,
        "sitting": sitting,
        "finished": finished,
        "vacancy": vacancies_open().first(),
        # The same kind of case at every scale (the page's queries follow its content).
        "case": EthicsCase.objects.filter(
            state_body__path__startswith=top.path, source="report", acknowledged_at__isnull=False
        )
        .order_by("-created_at")
        .first(),
        "assessment": Assessment.objects.filter(
            cycle=open_cycle, employee__state_body_id=unit
        ).first(),
        "own_assessment": Assessment.objects.filter(employee=employee)
        .order_by("-cycle__period_start")
        .first(),
        "users": {
            "public": None,
            "candidate": candidate,
            "hr": staff[Role.HR_OFFICER.value],
            "observer": staff[Role.OBSERVER.value],
            "ethics": staff[Role.ETHICS_COMMISSIONER.value],
            "commission": seat.user,
            "manager": manager,
            "employee": employee.user,
        },
        "seat": seat,
    }


def _pages(p: dict) -> list[tuple[str, str, str]]:
    large, application, vacancy = p["large"], p["large_application"], p["vacancy"]
    # Words of an open vacancy's title, so every search finds something at every scale.
    words = {
        "kk": vacancy.title_kk.split()[-1],
        "ru": " ".join(vacancy.title_ru.split()[:2]),
        "en": vacancy.title_en.split(",")[0],
    }
    searches = [
        (
            f"vacancies: full-text search, {lang}",
            "public",
            f"/{lang}/vacancies/?{urlencode({'q': q})}",
        )
        for lang, q in words.items()
    ]
    return [
        ("home", "public", "/ru/"),
        ("vacancies: open list", "public", "/ru/vacancies/"),
        *searches,
        ("vacancies: last page", "public", "/ru/vacancies/?page=last"),
        ("vacancy page", "public", f"/ru/vacancies/{p['vacancy'].pk}/"),
        ("API: vacancies", "public", f"/api/v1/vacancies/?{urlencode({'q': words['en']})}"),
        ("my applications", "candidate", "/ru/my/applications/"),
        (
            "my application (large competition)",
            "candidate",
            f"/ru/my/applications/{application.pk}/",
        ),
        ("my profile", "candidate", "/ru/my/profile/"),
        (
            "my test result, item by item",
            "candidate",
            f"/ru/tests/attempt/{p['attempt'].pk}/result/",
        ),
        ("API: my applications", "candidate", "/api/v1/me/applications/"),
        ("API: my test results", "candidate", "/api/v1/me/test-results/"),
        ("admin: index", "hr", "/admin/"),
        ("admin: applications", "hr", "/admin/recruitment/application/"),
        (
            "admin: applications of the large competition",
            "hr",
            f"/admin/recruitment/application/?competition__id__exact={large.pk}",
        ),
        (
            "admin: applications, search by code",
            "hr",
            f"/admin/recruitment/application/?q={application.code}",
        ),
        ("admin: competitions", "hr", "/admin/recruitment/competition/"),
        (
            "admin: large competition page",
            "hr",
            f"/admin/recruitment/competition/{large.pk}/change/",
        ),
        (
            "admin: application page",
            "hr",
            f"/admin/recruitment/application/{application.pk}/change/",
        ),
        (
            "admin: papers of the large sitting",
            "hr",
            f"/admin/testing_center/attempt/?sitting__id__exact={p['sitting'].pk}",
        ),
        ("admin: item statistics", "hr", "/admin/testing_center/itemstatistic/"),
        (
            "API: HR applications of the large competition",
            "hr",
            f"/api/v1/hr/competitions/{large.pk}/applications/",
        ),
        ("observer: competitions", "observer", "/ru/staff/observe/"),
        ("observer: ledger of the large competition", "observer", f"/ru/staff/observe/{large.pk}/"),
        (
            "observer: ledger of the largest closed one",
            "observer",
            f"/ru/staff/observe/{p['finished'].pk}/" if p["finished"] else "/ru/staff/observe/",
        ),
        ("commission: my competitions", "commission", "/ru/staff/commission/"),
        (
            "commission: marking queue",
            "commission",
            f"/ru/staff/commission/{p['seat'].pk}/",
        ),
        ("ethics: dashboard", "ethics", "/ru/ethics/dashboard/"),
        ("ethics: dashboard, open cases", "ethics", "/ru/ethics/dashboard/?status=new"),
        ("ethics: dashboard, last page", "ethics", "/ru/ethics/dashboard/?page=last"),
        ("ethics: charts", "ethics", "/ru/ethics/dashboard/charts/"),
        ("ethics: declarations", "ethics", "/ru/ethics/dashboard/declarations/"),
        ("ethics: case page", "ethics", f"/ru/ethics/dashboard/cases/{p['case'].pk}/"),
        ("manager: unit evaluation page", "manager", "/ru/evaluation/unit/"),
        ("manager: an assessment", "manager", f"/ru/evaluation/unit/{p['assessment'].pk}/"),
        ("employee: my results", "employee", "/ru/evaluation/my/"),
        (
            "employee: my latest assessment",
            "employee",
            f"/ru/evaluation/my/{p['own_assessment'].pk}/",
        ),
    ]


_clients: dict = {}


def _client(probes: dict, role: str):
    from django.test import Client

    if role not in _clients:
        client = Client()
        user = probes["users"][role]
        if user is not None:
            client.force_login(user)
        _clients[role] = client
    return _clients[role]


def _get(client, url: str):
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def _page(probes: dict, role: str, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(probes, role)
    response = _get(client, url)  # warm-up: templates, caches, the session
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = _get(client, url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return {
        "status": response.status_code,
        "p50": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "queries": len(queries),
        "url": url,
    }


def _operations(p: dict) -> list[tuple]:
    from recruitment.services.ranking import _rank

    def rank():
        _rank(p["large"])

    def analyse():
        try:
            from testing_center.analysis import sitting_analyse
        except ImportError:  # the testing center is being reorganised
            from testing_center.item_analysis import sitting_analyse
        sitting_analyse(sitting_id=p["sitting"].pk)

    return [
        ("ranking: _rank of the large competition", "hr", rank, 5),
        ("item analysis of the large legislation sitting", "worker", analyse, 3),
    ]


def _operation(operation, repeat: int) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    times, counts = [], []
    for _ in range(repeat):
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            operation()
            times.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries))
            transaction.set_rollback(True)
    return {
        "status": 200,
        "p50": statistics.median(times),
        "p95": _percentile(times, 0.95),
        "queries": max(counts),
    }


if __name__ == "__main__":
    main()
