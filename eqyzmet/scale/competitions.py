"""Competitions at every status of the procedure, with their vacancies, stage plans and
commissions; ``procedure`` then runs their applicants through the stages.

Each competition gets a status (one of each first, then in proportions like a national
portal's: a quarter open for applications, most of the rest finished) and the dates that
status implies: an open competition's window is open now, a closed one's ended months ago.
The large competition (the first) is a general one whose plan is the two tests, with
results on both for everyone who sat them and the personal-qualities window closed: it is
ready for ``competition_lock_ranking``, which ranks it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from eqyzmet.scale import words
from eqyzmet.scale.loader import AuditLog, Loader, model
from eqyzmet.scale.people import Body, Staff
from eqyzmet.scale.plan import Plan

DAY = dt.timedelta(days=1)

# kind, max score, pass mark, shortlist, weight: Kazakhstan's plan, as the demo seeds it.
STANDARD_PLAN = [
    ("legislation_test", Decimal("55"), None, None, Decimal("0")),
    ("personal_qualities", Decimal("100"), None, None, Decimal("0")),
    ("essay", Decimal("5"), Decimal("3"), 5, Decimal("1")),
    ("interview", Decimal("5"), Decimal("3"), 3, Decimal("1")),
]
# The large competition: a non-managerial post, the two tests only, both counting.
TESTS_ONLY_PLAN = [
    ("legislation_test", Decimal("55"), None, None, Decimal("1")),
    ("personal_qualities", Decimal("100"), None, None, Decimal("1")),
]

# The statuses in the order the procedure reaches them, each with its share of the
# competitions and how long ago its application window closed (days; negative: ahead).
STATUSES = [
    ("draft", 4, (-40, -25)),
    ("published", 25, (-25, -1)),
    ("applications_closed", 6, (1, 5)),
    ("testing", 8, (4, 10)),
    ("essay", 5, (15, 30)),
    ("written_locked", 3, (30, 40)),
    ("interview", 4, (35, 50)),
    ("ranking_locked", 3, (45, 60)),
    ("results_published", 12, (60, 200)),
    ("closed", 25, (120, 700)),
    ("cancelled", 5, (5, 400)),
]
ORDER = [s for s, _w, _d in STATUSES]
# How far each status has taken the stage plan: the index of the stage that is current
# (running or next) and whether it is running now.
CURRENT_STAGE = {
    "testing": (0, True),
    "essay": (2, True),
    "written_locked": (3, False),
    "interview": (3, True),
    "ranking_locked": (3, False),
    "results_published": (3, False),
    "closed": (3, False),
}
RANKED = ("ranking_locked", "results_published", "closed")


@dataclass(slots=True)
class StageRow:
    id: int
    kind: str
    position: int
    max_score: Decimal
    pass_score: Decimal | None
    shortlist: int | None
    weight: Decimal
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    locked_at: dt.datetime | None = None

    @property
    def commission_scored(self) -> bool:
        return self.kind in ("essay", "interview")


@dataclass(slots=True)
class Seat:
    id: int
    user_id: int
    role: str
    declared_at: dt.datetime | None = None


@dataclass(slots=True)
class Competition:
    id: int
    number: str
    body: Body
    status: str
    kind: str
    open_at: dt.datetime
    close_at: dt.datetime
    created_at: dt.datetime
    hr_id: int
    applications: int
    large: bool = False
    vacancy_count: int = 1
    vacancies: list[int] = field(default_factory=list)
    vacancy_rules: dict = field(default_factory=dict)  # id -> unsaved Vacancy for eligibility
    stages: list[StageRow] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    # (moment, status) of each move of the stage machine, oldest first.
    moves: list[tuple[dt.datetime, str, dict]] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.status in CURRENT_STAGE and CURRENT_STAGE[self.status][1]


def _statuses(plan: Plan, rng: random.Random) -> list[str]:
    """One of each status first, then drawn by share; shuffled. The large one is extra."""
    others = plan.competitions - 1
    chosen = ORDER[:others]
    names = [s for s, _w, _d in STATUSES]
    weights = [w for _s, w, _d in STATUSES]
    chosen += rng.choices(names, weights=weights, k=others - len(chosen))
    rng.shuffle(chosen)
    return chosen


def _sizes(plan: Plan, statuses: list[str], rng: random.Random) -> list[int]:
    """Applications per competition (drafts have none), adding up to the plan's total."""
    rest = plan.applications - plan.largest_competition
    weights = [0.0 if s == "draft" else rng.uniform(0.3, 1.7) for s in statuses]
    total = sum(weights)
    sizes = [int(rest * w / total) for w in weights]
    # Enough people for every step of the procedure to have someone in it.
    floor = min(6, max(1, rest // max(1, sum(1 for s in statuses if s != "draft"))))
    sizes = [0 if s == "draft" else max(floor, n) for s, n in zip(statuses, sizes, strict=True)]
    # Fix the rounding on the largest competitions, never below the floor.
    gap = rest - sum(sizes)
    by_size = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    i = 0
    while gap and by_size:
        index = by_size[i % len(by_size)]
        if statuses[index] != "draft" and (gap > 0 or sizes[index] > floor):
            step = 1 if gap > 0 else -1
            sizes[index] += step
            gap -= step
        i += 1
    cap = plan.candidates
    return [min(n, cap) for n in sizes]


def _window(status: str, rng: random.Random, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    low, high = next(d for s, _w, d in STATUSES if s == status)
    close = now - dt.timedelta(days=rng.uniform(low, high))
    return close - dt.timedelta(days=rng.choice((14, 21, 30))), close


def _stage_times(competition: Competition, now: dt.datetime) -> None:
    """Windows, publication and locks of each stage as far as the status has gone."""
    stages = competition.stages
    status = competition.status
    if competition.large:
        current, running = 1, False
    elif status in CURRENT_STAGE:
        current, running = CURRENT_STAGE[status]
    else:
        return
    start = competition.close_at + DAY
    span = (now - start) / (current + 1)
    for index, stage in enumerate(stages):
        if index > current:
            break
        stage.opens_at = start + span * index
        stage.closes_at = stage.opens_at + span * 0.6
        if index == current and running:
            stage.closes_at = now + dt.timedelta(days=3)
        if index == current and status == "written_locked":
            # The interview is planned, not begun: the written stages were just locked.
            stage.opens_at, stage.closes_at = now + dt.timedelta(days=5), now + dt.timedelta(days=6)
        finished = index < current or status in RANKED
        if finished:
            stage.locked_at = stage.closes_at + dt.timedelta(hours=6)
            if status != "ranking_locked" or index < current:
                stage.published_at = stage.locked_at
    if status in ("results_published", "closed"):
        for stage in stages:
            stage.published_at = stage.published_at or stages[-1].locked_at


def competitions_plan(
    *,
    plan: Plan,
    rng: random.Random,
    run: int,
    bodies: list[Body],
    tops: list[Body],
    staff: Staff,
    now: dt.datetime,
    first_id: int,
) -> list[Competition]:
    statuses = ["testing", *_statuses(plan, rng)]
    sizes = [plan.largest_competition, *_sizes(plan, statuses[1:], rng)]
    out = []
    for index, (status, size) in enumerate(zip(statuses, sizes, strict=True)):
        large = index == 0
        body = tops[0] if large else rng.choice(bodies)
        if large:
            close = now - dt.timedelta(days=20)
            window = (close - dt.timedelta(days=30), close)
        else:
            window = _window(status, rng, now)
        open_at, close_at = window
        out.append(
            Competition(
                id=first_id + index,
                number=f"KZ-{open_at.year}-S{run}-{index + 1:05d}",
                body=body,
                status=status,
                kind="general" if large or rng.random() < 0.85 else "internal_all",
                open_at=open_at,
                close_at=close_at,
                created_at=open_at - dt.timedelta(days=rng.randrange(2, 10)),
                hr_id=staff.hr[body.top_id],
                applications=size,
                large=large,
                vacancy_count=2 if not large and size > 40 and rng.random() < 0.1 else 1,
            )
        )
    return out


def _vacancy_row(competition: Competition, pk: int, rng: random.Random, *, large: bool):
    kk_post, ru_post, en_post, managerial = words.POSTS[2] if large else rng.choice(words.POSTS)
    kk_div, ru_div, en_div, field_code = rng.choice(words.DIVISIONS)
    duties = rng.sample(words.DUTIES, 3)
    fields = [] if rng.random() < 0.9 else sorted({field_code, "law", "public_admin", "economics"})
    languages = rng.choices(({"kk": 2}, {"kk": 2, "ru": 3}, {}), weights=(70, 20, 10))[0]
    salary = rng.randrange(300, 700) * 1000
    values = {
        "id": pk,
        "state_body": competition.body.id,
        "title_kk": f"{kk_div[:1].upper()}{kk_div[1:]} {kk_post}",
        "title_ru": f"{ru_post} {ru_div}",
        "title_en": f"{en_post}, {en_div}",
        "category": "A" if managerial and rng.random() < 0.3 else rng.choice("BC"),
        "grade": f"{rng.choice('BC')}-{rng.randrange(1, 6)}",
        "is_managerial": managerial,
        "duties_kk": " ".join(d[0] for d in duties),
        "duties_ru": " ".join(d[1] for d in duties),
        "duties_en": " ".join(d[2] for d in duties),
        "region": competition.body.region,
        "employment": "contract" if rng.random() < 0.15 else "permanent",
        "salary_min": salary,
        "salary_max": salary + rng.randrange(50, 200) * 1000,
        "min_education_level": 4 if managerial and rng.random() < 0.3 else 3,
        "education_fields": fields,
        "min_experience_years": Decimal(rng.choice((0, 1, 1, 2, 3))),
        "experience_fields": [],
        "private_sector_counts": rng.random() < 0.85,
        "required_languages": languages,
        "created_at": competition.created_at,
    }
    return values


def competitions_write(
    *,
    loader: Loader,
    audit: AuditLog,
    rng: random.Random,
    competitions: list[Competition],
    staff: Staff,
    now: dt.datetime,
) -> None:
    """Vacancies, competitions, their vacancies, stage plans and commissions (as HR set
    them up in the admin), with each stage's dates as far as the status has gone."""
    vacancy = model("recruitment.Vacancy")
    competition_model = model("recruitment.Competition")
    stage_model = model("recruitment.Stage")
    seat_model = model("recruitment.CommissionMember")
    next_vacancy = loader.ids(vacancy, sum(c.vacancy_count for c in competitions))
    vacancy_rows = []
    for competition in competitions:
        for _n in range(competition.vacancy_count):
            values = _vacancy_row(competition, next_vacancy, rng, large=competition.large)
            vacancy_rows.append(values)
            competition.vacancies.append(next_vacancy)
            rules = {k: v for k, v in values.items() if k != "state_body"}
            competition.vacancy_rules[next_vacancy] = vacancy(
                state_body_id=competition.body.id, **rules
            )
            next_vacancy += 1
    vacancy_fields = list(vacancy_rows[0])
    loader.copy(vacancy, vacancy_fields, ([row[f] for f in vacancy_fields] for row in vacancy_rows))

    for competition in competitions:
        plan = TESTS_ONLY_PLAN if competition.large else STANDARD_PLAN
        competition.stages = [
            StageRow(0, kind, position, max_score, pass_score, shortlist, weight)
            for position, (kind, max_score, pass_score, shortlist, weight) in enumerate(
                plan, start=1
            )
        ]
        _stage_times(competition, now)
        members = rng.sample(staff.commission[competition.body.top_id], 3)
        declared = ORDER.index(competition.status) >= ORDER.index("testing") and (
            competition.status != "cancelled"
        )
        competition.seats = [
            Seat(
                0,
                user_id,
                "chair" if n == 0 else "member",
                competition.close_at + dt.timedelta(hours=2 + n) if declared else None,
            )
            for n, user_id in enumerate(members)
        ]
    loader.copy(
        competition_model,
        [
            "id",
            "state_body",
            "number",
            "kind",
            "status",
            "applications_open_at",
            "applications_close_at",
            "quorum_numerator",
            "quorum_denominator",
            "appeal_window_days",
            "reserve_size",
            "reserve_validity_months",
            "created_at",
            "status_changed_at",
        ],
        (
            (
                c.id,
                c.body.id,
                c.number,
                c.kind,
                c.status,
                c.open_at,
                c.close_at,
                2,
                3,
                3,
                2,
                12,
                c.created_at,
                c.created_at,  # replaced below once the moves are known
            )
            for c in competitions
        ),
    )
    through = competition_model._meta.get_field("vacancies").remote_field.through
    links = [(c.id, v) for c in competitions for v in c.vacancies]
    first = loader.ids(through, len(links))
    loader.copy(
        through,
        ["id", "competition", "vacancy"],
        ((first + n, c, v) for n, (c, v) in enumerate(links)),
    )
    stages = [(c, s) for c in competitions for s in c.stages]
    first = loader.ids(stage_model, len(stages))
    for n, (_c, s) in enumerate(stages):
        s.id = first + n
    loader.copy(
        stage_model,
        [
            "id",
            "competition",
            "kind",
            "position",
            "opens_at",
            "closes_at",
            "pass_score",
            "max_score",
            "shortlist_size",
            "weight",
            "results_published_at",
            "locked_at",
        ],
        (
            (
                s.id,
                c.id,
                s.kind,
                s.position,
                s.opens_at,
                s.closes_at,
                s.pass_score,
                s.max_score,
                s.shortlist,
                s.weight,
                s.published_at,
                s.locked_at,
            )
            for c, s in stages
        ),
    )
    seats = [(c, s) for c in competitions for s in c.seats]
    first = loader.ids(seat_model, len(seats))
    for n, (_c, s) in enumerate(seats):
        s.id = first + n
    loader.copy(
        seat_model,
        ["id", "competition", "user", "role", "declared_at", "has_conflict", "declaration"],
        ((s.id, c.id, s.user_id, s.role, s.declared_at, False, "") for c, s in seats),
    )
    for c, s in seats:
        if s.declared_at is not None:
            audit.add(
                "commission.declared",
                at=s.declared_at,
                actor_id=s.user_id,
                target_type="recruitment.commissionmember",
                target_id=s.id,
                state_body_id=c.body.id,
                details={"competition": c.number, "has_conflict": False},
            )


def moves_write(*, loader: Loader, audit: AuditLog, competitions: list[Competition]) -> None:
    """Each competition's moves through the stage machine, as ``_transition`` audits them,
    and the moment of the last as its ``status_changed_at``."""
    for c in competitions:
        previous = "draft"
        for moment, status, details in c.moves:
            audit.add(
                "competition.status_changed",
                at=moment,
                actor_id=c.hr_id,
                target_type="recruitment.competition",
                target_id=c.id,
                state_body_id=c.body.id,
                details={"from": previous, "to": status, **details},
            )
            previous = status
    changed = [(c.id, c.moves[-1][0]) for c in competitions if c.moves]
    if changed:
        loader.cursor.execute(
            "UPDATE recruitment_competition AS c SET status_changed_at = v.at "
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE c.id = v.id",
            [[pk for pk, _at in changed], [at for _pk, at in changed]],
        )
