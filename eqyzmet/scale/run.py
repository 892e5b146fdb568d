"""The seed as a whole: why it may refuse, the order of the topics, and the marker.

Everything is written in one transaction: a failure leaves the database as it was, and a
finished seed leaves one ``scale.seeded`` audit event whose presence makes the next run
refuse unless forced (a second data set beside the first would double every count the
benchmark reads). The tables are analysed afterwards so the planner sees their real size.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from eqyzmet.scale import bank as bank_module
from eqyzmet.scale import cases, competitions, evaluations, people
from eqyzmet.scale.applications import applications_write
from eqyzmet.scale.loader import AuditLog, Loader, model
from eqyzmet.scale.plan import Plan, plan_for
from eqyzmet.scale.procedure import Procedure

MARKER = "scale.seeded"


class ScaleRefused(Exception):
    pass


@dataclass
class Report:
    plan: Plan
    run: int
    seconds: float
    tables: list[tuple[str, int, float]] = field(default_factory=list)


def refusal(*, force: bool) -> str | None:
    """Why the seed must not run here, in words; None when it may."""
    if getattr(settings, "PRODUCTION", False):
        return (
            "seed_scale fills the database with a hundred thousand invented people: it never "
            "runs with DJANGO_ENV=production."
        )
    if connection.vendor != "postgresql":
        return (
            f"seed_scale needs PostgreSQL, and this database is {connection.vendor}: it writes "
            "with COPY, which SQLite does not have, and the figures it exists for are "
            "PostgreSQL's. Set DATABASE_URL to a PostgreSQL database of its own, e.g. "
            "postgres://postgres@127.0.0.1:5432/eqyzmet_scale."
        )
    previous = model("eqyzmet.AuditEvent").objects.filter(action=MARKER).order_by("-seq").first()
    if previous is not None and not force:
        return (
            f"This database already holds a scale data set (scale {previous.details.get('scale')}, "
            f"seeded {previous.created_at:%Y-%m-%d %H:%M} UTC); a second one beside it would "
            "double every count. Nothing was changed. Use a fresh database, or --force to add "
            "another set anyway."
        )
    return None


def seed(
    *, scale: float, force: bool, out: Callable[[str], None], random_seed: int | None = None
) -> Report:
    refused = refusal(force=force)
    if refused:
        raise ScaleRefused(refused)
    plan = plan_for(scale)
    started = time.monotonic()
    run = model("eqyzmet.AuditEvent").objects.filter(action=MARKER).count() + 1
    rng = random.Random(random_seed if random_seed is not None else 19_000 + run)  # noqa: S311
    now = timezone.now()
    out(
        f"Seeding scale {scale} (set {run}): {plan.candidates:,} candidates, "
        f"{plan.competitions:,} competitions, {plan.applications:,} applications, "
        f"~{plan.answer_rows:,} answer rows, {plan.employees:,} employees, "
        f"{plan.ethics_cases:,} ethics cases."
    )
    with transaction.atomic():
        loader = Loader(out)
        # Foreign keys are checked row by row while copying, not queued to the commit: a
        # wrong id fails at the table that has it, and millions of checks need no memory.
        loader.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        audit = AuditLog(loader)
        _seed_all(loader=loader, audit=audit, plan=plan, run=run, rng=rng, now=now, out=out)
        audit.add(
            MARKER,
            at=timezone.now(),
            target_type="eqyzmet.statebody",
            details={
                "scale": str(scale),
                "run": run,
                "seconds": int(time.monotonic() - started),
                "counts": plan.as_dict() | {"scale": str(scale)},
            },
        )
        audit.close()
        loader.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    _analyse(loader)
    report = Report(plan=plan, run=run, seconds=time.monotonic() - started, tables=loader.summary())
    out(f"Seeded in {report.seconds:.0f} s.")
    return report


def _seed_all(*, loader, audit, plan, run, rng, now, out) -> None:
    out("People")
    groups = people.role_groups()
    bodies = people.bodies_create(loader=loader, audit=audit, plan=plan, run=run, now=now)
    tops = [b for b in bodies if b.id == b.top_id]
    staff = people.staff_create(
        loader=loader, audit=audit, rng=rng, run=run, tops=tops, groups=groups, now=now
    )
    candidates = people.candidates_create(
        loader=loader,
        audit=audit,
        rng=rng,
        plan=plan,
        run=run,
        bodies=bodies,
        groups=groups,
        now=now,
    )
    out("Question bank")
    bank = bank_module.bank_create(loader=loader, audit=audit, rng=rng, run=run, now=now)
    out("Competitions")
    first = loader.ids(model("recruitment.Competition"), plan.competitions)
    planned = competitions.competitions_plan(
        plan=plan,
        rng=rng,
        run=run,
        bodies=bodies,
        tops=tops,
        staff=staff,
        now=now,
        first_id=first,
    )
    competitions.competitions_write(
        loader=loader, audit=audit, rng=rng, competitions=planned, staff=staff, now=now
    )
    procedure = Procedure(
        loader=loader,
        rng=rng,
        bank=bank,
        candidates=candidates,
        answer_budget=plan.answer_rows,
        now=now,
    )
    # The large competition first, then the most recent: papers go to them while the
    # answer-row budget lasts; older competitions keep their results without papers.
    for competition in sorted(planned, key=lambda c: (not c.large, -c.close_at.timestamp())):
        procedure.run(competition, now)
    competitions.moves_write(loader=loader, audit=audit, competitions=planned)
    out("Applications and papers")
    reveals = applications_write(
        loader=loader, audit=audit, outcome=procedure.out, bank=bank, competitions=planned
    )
    out("Evaluation")
    staffing = evaluations.employees_create(
        loader=loader,
        audit=audit,
        rng=rng,
        plan=plan,
        run=run,
        bodies=bodies,
        groups=groups,
        now=now,
    )
    evaluations.evaluations_create(
        loader=loader, audit=audit, rng=rng, tops=tops, staff=staffing, now=now
    )
    out("Ethics")
    cases.cases_create(
        loader=loader,
        audit=audit,
        rng=rng,
        plan=plan,
        run=run,
        bodies=bodies,
        staff=staff,
        reveals=reveals,
        now=now,
    )


def _analyse(loader: Loader) -> None:
    """Fresh statistics (and, outside a transaction, the visibility map) for every table
    written, so the planner and index-only scans see the data as it now is."""
    quote = connection.ops.quote_name
    tables = [t for t, _n, _s in loader.summary()]
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in tables:
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {quote(table)}")
            else:
                cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")
    loader.out(f"  analysed {len(tables)} tables in {time.monotonic() - started:.1f} s")
