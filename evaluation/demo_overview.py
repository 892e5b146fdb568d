"""Demo data for the authorised body's development overview: two Ministry of Finance bodies
with enough people (7 and 6) that their totals show beside the E-Government Department,
whose five people leave most figures withheld ("fewer than 5 employees").

The people are synthetic staff accounts under ``@cohort.eqyzmet.kz`` without a password
(nobody signs in as them), evaluated for the demo's first year against the "finance"
position family, so each gets open development goals, and each with one confirmed course.
Idempotent: a body's quarterly cycle of that year is the marker.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from evaluation import services
from evaluation.models import Assessment, Competency, Cycle, Employee
from evaluation.models_development import Course, FamilyMembership, PositionFamily

DOMAIN = "cohort.eqyzmet.kz"
# state body code, people
COHORT = [("minfin", 7), ("minfin-kgd", 6)]
COURSES = ["Service standards and regulations", "Project management in government"]
UNIT = "mdai-egov"  # the demo's evaluated unit: its first quarter gives the year


def _account(email: str) -> User:
    return User.objects.filter(email=email).first() or User.objects.create_user(email)


def _certificate() -> SimpleUploadedFile:
    return SimpleUploadedFile("certificate.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


def _body_evaluated(*, body: StateBody, people: int, year: int, family) -> list:
    head = _account(f"head.{body.code}@{DOMAIN}")
    staff_assign(user=head, role=Role.MANAGER, state_body=body)
    staff = []
    for n in range(1, people + 1):
        user = _account(f"{body.code}.officer{n:02d}@{DOMAIN}")
        staff.append(
            Employee.objects.filter(user=user).first()
            or services.employee_register(
                user=user,
                position="Chief expert, budget planning",
                state_body=body,
                supervisor=head,
                unit_head=head,
            )
        )
    FamilyMembership.objects.bulk_create(
        [FamilyMembership(employee=e, family=family) for e in staff], ignore_conflicts=True
    )
    cycle = services.cycle_create(state_body=body, year=year, quarter=1)
    services.cycle_open(cycle=cycle)
    competencies = list(Competency.objects.filter(state_body=None, is_active=True))
    for n, employee in enumerate(staff):
        assessment = Assessment.objects.get(cycle=cycle, employee=employee)
        kpi = services.kpi_add(
            assessment=assessment,
            actor=head,
            name="Budget requests reviewed on time",
            unit="%",
            direction="higher",
            target=Decimal("95"),
            weight=1,
        )
        services.kpi_report(kpi=kpi, actor=employee.user, actual=Decimal(85 + n))
        # 3 or 4 everywhere: below the family's 5 in professionalism and integrity.
        services.assessment_score(
            assessment=assessment,
            actor=head,
            ratings={c.pk: 3 + n % 2 for c in competencies},
        )
    return [(employee, head) for employee in staff]


def seed(stdout) -> None:
    family = PositionFamily.objects.filter(code="finance").first()
    year = (
        Cycle.objects.filter(state_body__code=UNIT, kind=Cycle.Kind.QUARTER)
        .order_by("period_start")
        .values_list("year", flat=True)
        .first()
    )
    courses = list(Course.objects.filter(title__in=COURSES).order_by("title"))
    if family is None or year is None or not courses:
        stdout.write("Development overview: nothing to build on; skipped.")
        return
    evaluated = []
    for code, people in COHORT:
        body = StateBody.objects.filter(code=code).first()
        if body is None or Cycle.objects.filter(state_body=body, year=year).exists():
            continue
        evaluated += _body_evaluated(body=body, people=people, year=year, family=family)
    if not evaluated:
        stdout.write("Development overview: cohort already present.")
        return
    services.annual_results_compute(year=year)  # drafts their development plans
    today = timezone.localdate()
    for n, (employee, head) in enumerate(evaluated):
        completion = services.completion_record(
            employee=employee,
            actor=employee.user,
            course=courses[n % len(courses)],
            completed_on=today - dt.timedelta(days=20 + n),
            evidence=_certificate(),
        )
        services.completion_decide(completion=completion, actor=head, confirm=True)
    stdout.write(
        f"Development overview: {len(evaluated)} synthetic staff of the Ministry of Finance "
        f"with {year} plans (authorised@demo.eqyzmet.kz at /en/evaluation/development/"
        f"overview/?year={year})."
    )
