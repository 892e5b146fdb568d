"""Demo contract employees: one MDAI project with two contract employees, built through the
services. manager@ is the project's responsible official; asel.contract@ has three confirmed
quarters (the e-services indicator missed twice, so the contract is flagged) and a contract
that ends within 30 days; marat.contract@ has a quarter waiting for the official's
confirmation. Idempotent: the project's name is the key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from eqyzmet.demo import DEMO_PASSWORD
from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.contracts import results, services
from recruitment.models_contracts import Project, ProjectType

PROJECT_NAME = "Digital licensing for business (national project)"
INDICATORS = [
    {"name": "E-services moved to the licensing portal", "target": "6", "weight": 50},
    {"name": "Average days to issue a licence", "target": "5", "weight": 30, "direction": "lower"},
    {
        "name": "Quality of the documentation (responsible official's rating, 1-5)",
        "target": "4",
        "weight": 20,
        "kind": "qualitative",
    },
]


def _person(email: str) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, DEMO_PASSWORD
    )
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    return user


def _quarters(start: dt.date, today: dt.date) -> list[tuple[int, int]]:
    """Quarters that overlap the term from ``start`` and ended before ``today``."""
    quarters = []
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while results.quarter_bounds(year, quarter)[1] < today:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return quarters


def seed(stdout) -> None:
    if Project.objects.filter(name=PROJECT_NAME).exists():
        return
    services.pay_rules_setup()
    today = timezone.localdate()
    hr = User.objects.get(email="hr@demo.eqyzmet.kz")
    official = User.objects.get(email="manager@demo.eqyzmet.kz")
    asel_start = today - dt.timedelta(days=335)
    project = services.project_create(
        state_body=StateBody.objects.get(code="mdai"),
        name=PROJECT_NAME,
        project_type=ProjectType.NATIONAL,
        responsible_official=official,
        starts_on=asel_start - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=700),
        actor=hr,
    )
    asel = services.contract_create(
        project=project,
        employee=_person("asel.contract@demo.eqyzmet.kz"),
        tasks="Move the licensing services of the ministry to the portal and document them.",
        recommendation="Ran the e-licensing pilot in Astana; recommended for the rollout.",
        starts_on=asel_start,
        ends_on=services.one_year_end(asel_start),
        base_pay=Decimal("520000"),
        results_pay_max=Decimal("390000"),
        indicators=INDICATORS,
        actor=hr,
    )
    # Three confirmed quarters: the e-services indicator missed in the first and third.
    actuals = [("4", "5", "4"), ("7", "4", "5"), ("5", "5", "4")]
    ids = list(asel.indicators.order_by("pk").values_list("pk", flat=True))
    for (year, quarter), row in zip(_quarters(asel_start, today)[-3:], actuals, strict=False):
        report = results.report_submit(
            contract=asel,
            year=year,
            quarter=quarter,
            actuals=dict(zip(ids, row, strict=True)),
            actor=asel.employee,
            today=today,
        )
        results.report_confirm(report=report, actor=official)

    marat_start = today - dt.timedelta(days=100)
    marat = services.contract_create(
        project=project,
        employee=_person("marat.contract@demo.eqyzmet.kz"),
        tasks="Build the licensing data exchange with the State Revenue Committee.",
        recommendation="Integration engineer of the e-Government gateway; recommended.",
        starts_on=marat_start,
        ends_on=services.one_year_end(marat_start) - dt.timedelta(days=60),
        base_pay=Decimal("480000"),
        results_pay_max=Decimal("300000"),
        indicators=INDICATORS,
        actor=hr,
    )
    year, quarter = (_quarters(marat_start, today) or [(today.year, (today.month - 1) // 3 + 1)])[
        -1
    ]
    ids = list(marat.indicators.order_by("pk").values_list("pk", flat=True))
    results.report_submit(
        contract=marat,
        year=year,
        quarter=quarter,
        actuals=dict(zip(ids, ("6", "4", "4"), strict=True)),
        comment="The exchange with the revenue committee went live in the last week.",
        actor=marat.employee,
        today=today,
    )
    stdout.write(
        f'Contract employees: project "{PROJECT_NAME}" with 2 contracts '
        f"(official: {official.email})."
    )
