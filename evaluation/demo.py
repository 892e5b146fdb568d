"""Demo evaluation data: the E-Government Department with four quarters of history.

Idempotent: the department's first demo cycle is the marker. Prints a citizen-rating code
that has not been used yet. Citizens' links come from the unit's service desk
(desk@demo.eqyzmet.kz), never from the person rated.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from eqyzmet.demo import demo_account
from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from evaluation import demo_development, demo_overview, scoring, services
from evaluation.models import (
    Assessment,
    CitizenRatingLink,
    Competency,
    Cycle,
    Employee,
    FeedbackInvitation,
    ServiceDelivery,
)

UNIT = "mdai-egov"
# Published on purpose: it opens one demo rating form in `make run` databases only.
DEMO_RATING_CODE = "EQYZ-MET5-STAR"
DESK_EMAIL = "desk@demo.eqyzmet.kz"

COMPETENCIES = [
    ("professionalism", "Кәсібилік", "Профессионализм", "Professionalism"),
    ("citizen_focus", "Азаматқа бағдарлану", "Ориентация на граждан", "Citizen focus"),
    ("initiative", "Бастамашылық", "Инициативность", "Initiative"),
    ("integrity", "Адалдық", "Добропорядочность", "Integrity"),
]

STAFF = [
    ("employee@demo.eqyzmet.kz", "Chief expert, e-services unit"),
    ("aigerim.specialist@demo.eqyzmet.kz", "Leading specialist, e-services unit"),
    ("daniyar.specialist@demo.eqyzmet.kz", "Chief expert, data management unit"),
    ("saule.specialist@demo.eqyzmet.kz", "Expert, front office"),
    ("nurlan.specialist@demo.eqyzmet.kz", "Leading specialist, front office"),
]

KPIS = [
    # name, unit, direction, target, (low, high) of the actual
    ("Public services delivered on time", "%", "higher", Decimal("95"), (80, 100)),
    ("Average processing time", "days", "lower", Decimal("5"), (3, 8)),
    ("Procedures moved online", "pcs", "higher", Decimal("4"), (2, 6)),
]

SERVICES = [
    "Certificate of address registration",
    "Digital signature (EDS) issue",
    "Registration of a newborn",
    "Certificate of no criminal record",
]


def _last_quarters(count: int) -> list[tuple[int, int]]:
    today = timezone.localdate()
    year, quarter = today.year, scoring.quarter_of(today)
    out = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        out.append((year, quarter))
    return list(reversed(out))


def _mid_period(cycle: Cycle, rng: random.Random) -> dt.datetime:
    day = cycle.period_start + dt.timedelta(days=rng.randint(5, 80))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11, rng.randint(0, 59))))


def _desk_officer(unit: StateBody) -> User:
    """The unit's service desk: issues citizens' rating links; not evaluated itself."""
    desk = demo_account(DESK_EMAIL)
    staff_assign(user=desk, role=Role.SERVICE_DESK, state_body=unit)
    return User.objects.get(pk=desk.pk)  # fresh: no cached permissions


def _rating_link_line(stdout, employee: Employee, desk: User) -> None:
    link_hash = services.token_hash(DEMO_RATING_CODE)
    link = CitizenRatingLink.objects.filter(token_hash=link_hash).first()
    if link is None:
        now = timezone.now()
        delivery = ServiceDelivery.objects.create(
            employee=employee,
            state_body_id=employee.state_body_id,
            service=SERVICES[0],
            issued_by=desk,
        )
        CitizenRatingLink.objects.create(
            delivery=delivery,
            employee=employee,
            state_body_id=employee.state_body_id,
            service=SERVICES[0],
            token_hash=link_hash,
            issued_at=now,
            expires_at=now + dt.timedelta(days=3650),
        )
        code = DEMO_RATING_CODE
    elif link.rated_at is None:
        code = DEMO_RATING_CODE
    else:
        code = services.citizen_link_issue(employee=employee, actor=desk, service=SERVICES[1]).code
    token = services.token_normalise(code)
    # The token goes after "#": browsers never send it, so it is in no server log.
    stdout.write(f"Citizen rating: code {code} at /kk/evaluation/rate/#{token}")


def seed(stdout) -> None:
    unit = StateBody.objects.filter(code=UNIT).first()
    manager = User.objects.filter(email="manager@demo.eqyzmet.kz").first()
    hr = User.objects.filter(email="hr@demo.eqyzmet.kz").first()
    if unit is None or manager is None:
        stdout.write("Evaluation: demo bodies or accounts missing; skipped.")
        return
    for position, (code, kk, ru, en) in enumerate(COMPETENCIES):
        Competency.objects.get_or_create(
            state_body=None,
            code=code,
            defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "position": position},
        )
    employees = []
    for email, position in STAFF:
        user = demo_account(email)
        employee = Employee.objects.filter(user=user).first() or services.employee_register(
            user=user, position=position, state_body=unit, supervisor=manager, unit_head=manager
        )
        employees.append(employee)
    desk = _desk_officer(unit)

    quarters = _last_quarters(4)
    if Cycle.objects.filter(state_body=unit, kind=Cycle.Kind.QUARTER).exists():
        stdout.write("Evaluation: demo history already present.")
        _rating_link_line(stdout, employees[0], desk)
        demo_development.seed(stdout)
        demo_overview.seed(stdout)
        return

    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    for index, (year, quarter) in enumerate(quarters):
        latest = index == len(quarters) - 1
        cycle = services.cycle_create(state_body=unit, year=year, quarter=quarter, actor=hr)
        services.cycle_open(cycle=cycle, actor=hr)
        cycle.refresh_from_db()
        for n, employee in enumerate(employees):
            assessment = Assessment.objects.get(cycle=cycle, employee=employee)
            talent = 0.15 * (n - 2) + 0.05 * index
            for name, unit_name, direction, target, (low, high) in KPIS:
                kpi = services.kpi_add(
                    assessment=assessment,
                    actor=manager,
                    name=name,
                    unit=unit_name,
                    direction=direction,
                    target=target,
                    weight=2 if direction == "lower" else 1,
                )
                spread = (high - low) * (0.5 + talent * (-1 if direction == "lower" else 1))
                actual = Decimal(str(round(low + max(0, min(high - low, spread)), 1)))
                services.kpi_report(kpi=kpi, actor=employee.user, actual=actual)
            colleagues = [e.user for e in employees if e.pk != employee.pk]
            services.feedback_invite(
                assessment=assessment, actor=manager, respondents=colleagues, relation="peer"
            )
            answering = colleagues if n != 3 else colleagues[:2]  # one stays below 3 answers
            for colleague in answering:
                base = 3 + (n + index) % 3
                services.feedback_submit(
                    invitation=FeedbackInvitation.objects.get(
                        assessment=assessment, respondent=colleague
                    ),
                    actor=colleague,
                    collaboration=min(5, base + rng.randint(0, 1)),
                    reliability=base,
                    respect=min(5, base + rng.randint(0, 1)),
                )
            for _ in range(rng.randint(3, 6)):
                issued = services.citizen_link_issue(
                    employee=employee, actor=desk, service=rng.choice(SERVICES)
                )
                services.citizen_rating_submit(
                    token=issued.token,
                    score=max(1, min(5, 4 + rng.randint(-1, 1) + (1 if n in (1, 4) else 0))),
                    comment=rng.choice(["", "", "Quick and polite.", "Explained everything."]),
                )
                when = _mid_period(cycle, rng)
                # Demo history only: the rating is dated inside the quarter it belongs to.
                CitizenRatingLink.objects.filter(pk=issued.link.pk).update(
                    issued_at=when - dt.timedelta(hours=1), rated_at=when
                )
                ServiceDelivery.objects.filter(pk=issued.link.delivery_id).update(
                    delivered_on=when.date(), created_at=when - dt.timedelta(hours=1)
                )
            if latest and employee.user.email == "employee@demo.eqyzmet.kz":
                continue  # left for the manager to score in the demo
            mark_base = 3 + (n + index) % 3
            ratings = {
                c.pk: max(1, min(5, mark_base + rng.randint(-1, 1)))
                for c in Competency.objects.filter(is_active=True)
            }
            result = services.assessment_score(
                assessment=assessment,
                actor=manager,
                ratings=ratings,
                comment="Solid quarter." if mark_base >= 4 else "Room to improve on timeliness.",
            )
            if latest:
                continue  # results of the last quarter wait for the employees' answers
            if index == 1 and n == 2:
                services.assessment_contest(
                    assessment=result,
                    actor=employee.user,
                    reason="The processing-time figure includes days the system was down.",
                )
                services.assessment_review_decide(
                    assessment=result,
                    actor=hr,
                    outcome="revised",
                    note="Downtime days excluded after checking the incident log.",
                    revised_composite=min(Decimal(100), (result.composite or 0) + 5),
                )
            else:
                services.assessment_acknowledge(assessment=result, actor=employee.user)
        if not latest:
            services.cycle_close(cycle=cycle, actor=hr)
    stdout.write(
        f"Evaluation: {len(employees)} employees of {UNIT} with {len(quarters)} quarters "
        "of results (manager@demo.eqyzmet.kz scores the latest one for employee@)."
    )
    _rating_link_line(stdout, employees[0], desk)
    demo_development.seed(stdout)
    demo_overview.seed(stdout)
