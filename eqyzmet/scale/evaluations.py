"""Employees and two years of their evaluations.

Each body's staff: its head (evaluated by the head of the body above, if any), supervisors
(by the head), and the rest (by a supervisor and the head); heads and supervisors hold the
manager role in their unit. Each top body runs a quarterly cycle for each of the last eight
quarters (closed) and the current one (open), and the annual cycle of the last full year.
Results follow ``evaluation.scoring`` under the national default rules: KPIs and
competency ratings make the component scores, the composite, band and bonus tier.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from eqyzmet.roles import Role
from eqyzmet.scale import words
from eqyzmet.scale.loader import AuditLog, Loader, model
from eqyzmet.scale.people import EMAIL_DOMAIN, Body, roles_grant, users_create
from eqyzmet.scale.plan import Plan
from evaluation import scoring


def _quarters(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters before the current one, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        out.append((year, quarter))
    return out[::-1]


def _competencies(loader: Loader) -> list[int]:
    """The national competencies every assessment is rated on (the demo's, if present)."""
    competency = model("evaluation.Competency")
    existing = list(
        competency.objects.filter(is_active=True, state_body__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if existing:
        return existing
    first = loader.ids(competency, len(words.COMPETENCIES))
    loader.copy(
        competency,
        ["id", "state_body", "code", "name_kk", "name_ru", "name_en", "position", "is_active"],
        (
            (first + n, None, code, kk, ru, en, n, True)
            for n, (code, kk, ru, en) in enumerate(words.COMPETENCIES)
        ),
    )
    return list(range(first, first + len(words.COMPETENCIES)))


def employees_create(
    *,
    loader: Loader,
    audit: AuditLog,
    rng: random.Random,
    plan: Plan,
    run: int,
    bodies: list[Body],
    groups: dict[str, int],
    now: dt.datetime,
) -> dict:
    """Returns {"by_top": {top id: [(employee id, user id, supervisor, head)]},
    "managers": {body id: [user ids]}}."""
    count = plan.employees
    first_user = users_create(
        loader=loader,
        rng=rng,
        count=count,
        email=f"employee{{n}}.s{run}@{EMAIL_DOMAIN}",
        joined=[now - dt.timedelta(days=rng.randrange(900, 4000)) for _ in range(count)],
    )
    per_body = [count // len(bodies)] * len(bodies)
    for n in range(count - sum(per_body)):
        per_body[n] += 1
    employee = model("evaluation.Employee")
    first_employee = loader.ids(employee, count)
    heads: dict[int, int] = {}
    rows, grants = [], []
    by_top: dict[int, list[tuple]] = {}
    managers: dict[int, list[int]] = {}
    next_n = 0
    # Bodies are listed top first, so a department's top head is known when it is reached.
    for body, size in zip(bodies, per_body, strict=True):
        users = [first_user + next_n + k for k in range(size)]
        ids = [first_employee + next_n + k for k in range(size)]
        next_n += size
        if not users:
            continue
        head = users[0]
        heads[body.id] = head
        above = heads.get(body.top_id) if body.id != body.top_id else None
        supervisors = users[1 : 1 + max(1, size // 12)]
        managers[body.id] = [head, *supervisors]
        for k, (user_id, pk) in enumerate(zip(users, ids, strict=True)):
            if k == 0:
                supervisor = unit_head = above
                post = "Head of unit"
            elif user_id in supervisors:
                supervisor = unit_head = head
                post = "Head of unit"
            else:
                supervisor = rng.choice(supervisors) if supervisors else head
                unit_head = head
                post = rng.choice(words.EMPLOYEE_POSTS[:-1])
            rows.append((pk, user_id, post, body.id, supervisor, unit_head, True))
            by_top.setdefault(body.top_id, []).append((pk, user_id, supervisor, unit_head, body.id))
            grants.append((user_id, Role.EMPLOYEE.value, body.id))
        grants += [(u, Role.MANAGER.value, body.id) for u in managers[body.id]]
    loader.copy(
        employee,
        ["id", "user", "position", "state_body", "supervisor", "unit_head", "is_active"],
        rows,
    )
    roles_grant(loader=loader, audit=audit, groups=groups, grants=grants, at=now)
    for pk, user_id, _post, body_id, supervisor, unit_head, _active in rows:
        audit.add(
            "evaluation.employee.registered",
            at=now - dt.timedelta(days=800),
            target_type="evaluation.employee",
            target_id=pk,
            state_body_id=body_id,
            details={"user_id": user_id, "supervisor_id": supervisor, "unit_head_id": unit_head},
        )
    return {"by_top": by_top, "managers": managers}


def evaluations_create(
    *,
    loader: Loader,
    audit: AuditLog,
    rng: random.Random,
    tops: list[Body],
    staff: dict,
    now: dt.datetime,
) -> None:
    rules = dict(scoring.DEFAULT_RULES)
    competencies = _competencies(loader)
    today = now.date()
    quarters = _quarters(today, 8)
    current = (today.year, (today.month - 1) // 3 + 1)
    full_years = sorted({y for y, _q in quarters if all((y, q) in quarters for q in (1, 2, 3, 4))})
    cycle_model = model("evaluation.Cycle")
    cycles = []  # (id, top, kind, year, quarter, start, end, due, status, opened, closed)
    periods = [(y, q, "closed") for y, q in quarters] + [(*current, "open")]
    first_cycle = loader.ids(cycle_model, len(tops) * (len(periods) + len(full_years)))
    pk = first_cycle
    for top in tops:
        for year, quarter, status in periods:
            start, end = scoring.quarter_bounds(year, quarter)
            due = scoring.quarter_due_date(year, quarter, due_day=int(rules["quarter_due_day"]))
            opened = _moment(end if status == "closed" else start, 9)
            closed = _moment(due + dt.timedelta(days=20), 18) if status == "closed" else None
            cycles.append(
                (pk, top, "quarter", year, quarter, start, end, due, status, opened, closed)
            )
            pk += 1
        for year in full_years:
            due = scoring.annual_due_date(year, due_day=int(rules["annual_due_day"]))
            opened = _moment(dt.date(year + 1, 1, 21), 9)
            cycles.append(
                (
                    pk,
                    top,
                    "annual",
                    year,
                    None,
                    dt.date(year, 1, 1),
                    dt.date(year, 12, 31),
                    due,
                    "open",
                    opened,
                    None,
                )
            )
            pk += 1
    loader.copy(
        cycle_model,
        [
            "id",
            "state_body",
            "kind",
            "year",
            "quarter",
            "period_start",
            "period_end",
            "due_date",
            "status",
            "rules",
            "opened_at",
            "closed_at",
            "created_at",
        ],
        (
            (c[0], c[1].id, c[2], c[3], c[4], c[5], c[6], c[7], c[8], rules, c[9], c[10], c[9])
            for c in cycles
        ),
    )
    for c in cycles:
        label = str(c[3]) if c[2] == "annual" else f"{c[3]} Q{c[4]}"
        target = {"target_type": "evaluation.cycle", "target_id": c[0], "state_body_id": c[1].id}
        audit.add("evaluation.cycle.created", at=c[9], details={"period": label}, **target)
        audit.add(
            "evaluation.cycle.opened",
            at=c[9],
            details={
                "period": label,
                "assessments": len(staff["by_top"].get(c[1].id, [])),
                "rules": rules,
            },
            **target,
        )
        if c[10] is not None:
            audit.add(
                "evaluation.cycle.closed",
                at=c[10],
                details={"period": label, "without_result": 0},
                **target,
            )
    _assessments_write(
        loader=loader,
        audit=audit,
        rng=rng,
        cycles=cycles,
        staff=staff,
        competencies=competencies,
        rules=rules,
        scoring=scoring,
    )


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _assessments_write(*, loader, audit, rng, cycles, staff, competencies, rules, scoring) -> None:
    assessment = model("evaluation.Assessment")
    kpi_model = model("evaluation.Kpi")
    rating_model = model("evaluation.CompetencyRating")
    contest_days = int(rules["contest_days"])
    quarterly_by_employee: dict[tuple[int, int], list[Decimal]] = {}
    rows, kpis, ratings = [], [], []
    total = sum(len(staff["by_top"].get(c[1].id, [])) for c in cycles)
    pk = loader.ids(assessment, max(total, 1))
    # Quarterly cycles first, so each annual result averages the year's quarters.
    for c in sorted(cycles, key=lambda c: c[2] == "annual"):
        cycle_id, top, kind, year, quarter, _start, _end, due, cycle_status = c[:9]
        key = f"{year}-Q{quarter}" if kind == "quarter" else f"{year}-Y"
        for employee_id, _user, supervisor, head, _body in staff["by_top"].get(top.id, []):
            finalized = respond_by = acknowledged = None
            quarters_counted = 0
            if kind == "annual":
                composites = quarterly_by_employee.get((employee_id, year), [])
                composite = scoring.annual_score(composites)
                if composite is None:
                    continue
                quarters_counted = len(composites)
                status = "acknowledged" if rng.random() < 0.9 else "finalized"
                finalized = _moment(due - dt.timedelta(days=8), 12)
                kpi_score = competency_score = None
            else:
                status = _quarter_status(rng, cycle_status, supervisor, head)
                marks = {}
                if status != "open":
                    level = rng.gauss(3.9, 0.5)
                    evaluators = ["supervisor"] + (["head"] if status != "supervisor_done" else [])
                    for who in evaluators:
                        for competency in competencies:
                            score = max(1, min(5, round(level + rng.gauss(0, 0.6))))
                            marks[(who, competency)] = score
                            ratings.append((pk, competency, who, score))
                kpi_figures = []
                for name, unit, direction, target, (low, high) in rng.sample(words.KPIS, 2):
                    actual = Decimal(rng.randint(low, high)) if status != "open" else None
                    kpis.append((pk, name, unit, direction, Decimal(target), actual, 1))
                    kpi_figures.append(
                        scoring.KpiFigures(
                            target=Decimal(target),
                            actual=actual,
                            weight=1,
                            lower_is_better=direction == "lower",
                        )
                    )
                composite = kpi_score = competency_score = None
                if status not in ("open", "supervisor_done"):
                    kpi_score = scoring.kpi_score(
                        kpi_figures, cap_percent=int(rules["kpi_cap_percent"])
                    )
                    competency_score = scoring.five_point_score(marks.values())
                    composite = scoring.composite_score(
                        {"kpi": kpi_score, "competency": competency_score}, rules
                    )
                    finalized = _moment(due - dt.timedelta(days=rng.randrange(1, 15)), 15)
                    quarterly_by_employee.setdefault((employee_id, year), []).append(composite)
            if finalized is not None:
                respond_by = finalized.date() + dt.timedelta(days=contest_days)
                if status == "acknowledged":
                    acknowledged = finalized + dt.timedelta(days=rng.randrange(1, contest_days))
            band = scoring.band_for(composite, rules) if composite is not None else ""
            tier = scoring.tier_for(composite, rules) if composite is not None else (None, 0)
            rows.append(
                (
                    pk,
                    cycle_id,
                    employee_id,
                    key,
                    status,
                    supervisor if status != "open" and kind == "quarter" else None,
                    head if finalized is not None and kind == "quarter" else None,
                    kpi_score,
                    competency_score,
                    composite,
                    band,
                    tier[0],
                    tier[1],
                    quarters_counted,
                    finalized,
                    respond_by,
                    acknowledged,
                    "",
                    finalized,
                    finalized or _moment(due, 0),
                )
            )
            target = {
                "target_type": "evaluation.assessment",
                "target_id": pk,
                "state_body_id": top.id,
            }
            if kind == "annual":
                audit.add(
                    "evaluation.annual.computed",
                    at=finalized,
                    details={"composite": str(composite), "quarters": quarters_counted},
                    **target,
                )
            elif status != "open":
                audit.add(
                    "evaluation.assessment.scored",
                    at=(finalized or _moment(due, 10)) - dt.timedelta(days=1),
                    actor_id=supervisor,
                    details={
                        "as": ["supervisor"] if supervisor != head else ["head", "supervisor"],
                        "status": "supervisor_done" if head != supervisor else "finalized",
                        "composite": None if head != supervisor else str(composite),
                    },
                    **target,
                )
                if finalized is not None and head != supervisor:
                    audit.add(
                        "evaluation.assessment.scored",
                        at=finalized,
                        actor_id=head,
                        details={
                            "as": ["head"],
                            "status": "finalized",
                            "composite": str(composite),
                        },
                        **target,
                    )
            if acknowledged is not None:
                audit.add(
                    "evaluation.assessment.acknowledged", at=acknowledged, details={}, **target
                )
            pk += 1
    loader.copy(
        assessment,
        [
            "id",
            "cycle",
            "employee",
            "period_key",
            "status",
            "supervisor_scored_by",
            "head_scored_by",
            "kpi_score",
            "competency_score",
            "composite",
            "band",
            "bonus_tier",
            "bonus_percent",
            "quarters_counted",
            "finalized_at",
            "respond_by",
            "acknowledged_at",
            "review_outcome",
            "feedback_closed_at",
            "created_at",
        ],
        rows,
    )
    first = loader.ids(kpi_model, max(len(kpis), 1))
    loader.copy(
        kpi_model,
        ["id", "assessment", "name", "unit", "direction", "target", "actual", "weight"],
        ((first + n, *row) for n, row in enumerate(kpis)),
    )
    first = loader.ids(rating_model, max(len(ratings), 1))
    loader.copy(
        rating_model,
        ["id", "assessment", "competency", "evaluator", "score"],
        ((first + n, *row) for n, row in enumerate(ratings)),
    )


def _quarter_status(rng: random.Random, cycle_status: str, supervisor, head) -> str:
    if supervisor is None or head is None:
        return "open"  # nobody above to evaluate (the head of a top body)
    roll = rng.random()
    if cycle_status == "closed":
        return "acknowledged" if roll < 0.88 else "finalized"
    if roll < 0.55:
        return "open"
    return "supervisor_done" if roll < 0.75 and supervisor != head else "finalized"
