"""Builders for evaluation tests: people, employees, cycles and scored assessments."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from eqyzmet.roles import Role  # also re-exported for the tests
from eqyzmet.services import staff_assign
from evaluation import services
from evaluation.models import Assessment, Competency, Cycle
from tests.factories import UserFactory


def person(role=None, body=None):
    user = UserFactory()
    if role is not None:
        staff_assign(user=user, role=role, state_body=body)
    return user


def employee(body, *, supervisor=None, unit_head=None, position="Chief expert"):
    return services.employee_register(
        user=UserFactory(),
        position=position,
        state_body=body,
        supervisor=supervisor,
        unit_head=unit_head,
    )


def open_cycle(body, *, year=2025, quarter=1) -> Cycle:
    cycle = services.cycle_create(state_body=body, year=year, quarter=quarter)
    services.cycle_open(cycle=cycle)
    cycle.refresh_from_db()
    return cycle


def assessment_of(emp, cycle) -> Assessment:
    return Assessment.objects.get(employee=emp, cycle=cycle)


def marks(value: int) -> dict[int, int]:
    return {c.pk: value for c in Competency.objects.all()}


def score(assessment, evaluator, *, mark=4, kpis=((Decimal("100"), Decimal("100"), 1),)):
    """Add KPIs (target, actual, weight[, direction]) and rate every competency ``mark``."""
    for n, (target, actual, weight, *direction) in enumerate(kpis):
        kpi = services.kpi_add(
            assessment=assessment,
            actor=evaluator,
            name=f"KPI {n}",
            target=target,
            weight=weight,
            direction=direction[0] if direction else "higher",
        )
        services.kpi_report(kpi=kpi, actor=evaluator, actual=actual)
    return services.assessment_score(assessment=assessment, actor=evaluator, ratings=marks(mark))


def pdf(name="evidence.pdf", size=None) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n%%EOF\n" if size is None else b"%PDF-" + b"0" * (size - 5)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def desk_officer(body):
    """A service-desk officer of ``body``: issues citizens' rating links, is not evaluated."""
    from eqyzmet.models import User

    user = person(Role.SERVICE_DESK, body)
    return User.objects.get(pk=user.pk)  # a fresh object: no cached permissions
