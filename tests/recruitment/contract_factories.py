"""Building blocks for contract-employee tests: a project with its responsible official and a
contract concluded through the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.contracts import services
from recruitment.models_contracts import ProjectType
from tests.factories import UserFactory, make_state_body

INDICATORS = [
    {"name": "Services moved online", "target": "10", "weight": 60},
    {"name": "Citizen complaints", "target": "4", "weight": 40, "direction": "lower"},
]


def make_project(*, body=None, official=None, starts_on=None, ends_on=None, hr=None):
    body = body or make_state_body()
    official = official or UserFactory()
    staff_assign(user=official, role=Role.MANAGER, state_body=body)
    starts_on = starts_on or dt.date(2026, 1, 1)
    return services.project_create(
        state_body=body,
        name="Digital services for citizens",
        project_type=ProjectType.NATIONAL,
        responsible_official=official,
        starts_on=starts_on,
        ends_on=ends_on or dt.date(2028, 12, 31),
        actor=hr,
    )


def make_contract(*, project, employee=None, starts_on=None, ends_on=None, indicators=None, **kw):
    # Version 1 of the pay rules, as migrated: a transactional test earlier in the same
    # worker empties every table, the migration's row included.
    services.pay_rules_setup()
    starts_on = starts_on or dt.date(2026, 1, 1)
    return services.contract_create(
        project=project,
        employee=employee or UserFactory(),
        tasks="Move ten services online each quarter.",
        recommendation="Led the pilot of the e-licensing service; recommended by the official.",
        starts_on=starts_on,
        ends_on=ends_on or services.one_year_end(starts_on),
        base_pay=Decimal("450000"),
        results_pay_max=Decimal("300000"),
        indicators=indicators or INDICATORS,
        actor=kw.get("actor"),
    )
