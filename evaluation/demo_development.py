"""Demo competence development for the E-Government Department: position families with
their expected levels, a training catalogue, mandatory training (one overdue), and the
development plans the annual result of the first demo year drafts, at different stages.

Idempotent: the "digital" position family is the marker. Runs after ``evaluation.demo``.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eqyzmet.models import StateBody, User
from evaluation import services
from evaluation.models import Competency, Cycle, Employee
from evaluation.models_development import (
    Course,
    DevelopmentPlan,
    ExpectedLevel,
    FamilyMembership,
    LevelDescriptor,
    MandatoryTraining,
    PositionFamily,
)

FAMILIES = [
    # code, kk, ru, en, expected level per competency code
    (
        "digital",
        "Цифрлық қызметтер",
        "Цифровые услуги",
        "Digital services",
        {"professionalism": 5, "citizen_focus": 5, "initiative": 4, "integrity": 5},
    ),
    (
        "finance",
        "Қаржы және аудит",
        "Финансы и аудит",
        "Finance and audit",
        {"professionalism": 5, "citizen_focus": 3, "initiative": 3, "integrity": 5},
    ),
]

LEVELS = [
    (1, "Негіздерін біледі", "Знает основы", "Knows the basics"),
    (
        2,
        "Жетекшінің көмегімен қолданады",
        "Применяет с помощью руководителя",
        "Applies it with guidance",
    ),
    (
        3,
        "Күнделікті жұмыста өз бетінше қолданады",
        "Самостоятельно применяет в повседневной работе",
        "Applies it independently in everyday work",
    ),
    (
        4,
        "Күрделі жағдайларда қолданады және әріптестеріне көмектеседі",
        "Применяет в сложных ситуациях и помогает коллегам",
        "Applies it in complex situations and helps colleagues",
    ),
    (
        5,
        "Бөлімшеде үлгі болады және тәжірибені дамытады",
        "Служит примером в подразделении и развивает практику",
        "Sets the example in the unit and develops the practice",
    ),
]

COURSES = [
    # title, provider, hours, format, competencies
    (
        "Designing citizen-centred e-services",
        "Academy of Public Administration",
        24,
        "blended",
        ["citizen_focus"],
    ),
    (
        "Service standards and regulations",
        "Academy of Public Administration",
        16,
        "online",
        ["professionalism"],
    ),
    (
        "Project management in government",
        "Astana Civil Service Hub",
        32,
        "classroom",
        ["initiative", "professionalism"],
    ),
    (
        "Data for decision making",
        "Astana Civil Service Hub",
        20,
        "online",
        ["professionalism", "initiative"],
    ),
    (
        "Anti-corruption standards",
        "Anti-Corruption Agency training centre",
        6,
        "online",
        ["integrity"],
    ),
    ("Ethics of the civil servant", "Academy of Public Administration", 4, "online", ["integrity"]),
]

MANDATORY = [("Anti-corruption standards", -20), ("Ethics of the civil servant", 10)]
UNIT = "mdai-egov"


def _certificate() -> SimpleUploadedFile:
    return SimpleUploadedFile("certificate.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")


def _catalogue() -> PositionFamily:
    competencies = {c.code: c for c in Competency.objects.filter(state_body=None)}
    for competency in competencies.values():
        for level, kk, ru, en in LEVELS:
            LevelDescriptor.objects.get_or_create(
                competency=competency,
                level=level,
                defaults={"text_kk": kk, "text_ru": ru, "text_en": en},
            )
    families = {}
    for code, kk, ru, en, levels in FAMILIES:
        family = PositionFamily.objects.create(code=code, name_kk=kk, name_ru=ru, name_en=en)
        ExpectedLevel.objects.bulk_create(
            [
                ExpectedLevel(family=family, competency=competencies[c], level=lvl)
                for c, lvl in levels.items()
                if c in competencies
            ]
        )
        families[code] = family
    courses = {}
    for title, provider, hours, fmt, tagged in COURSES:
        course = Course.objects.create(title=title, provider=provider, hours=hours, format=fmt)
        course.competencies.set([competencies[c] for c in tagged if c in competencies])
        courses[title] = course
    today = timezone.localdate()
    for family in families.values():
        for title, days in MANDATORY:
            MandatoryTraining.objects.create(
                family=family, course=courses[title], due_date=today + dt.timedelta(days=days)
            )
    return families["digital"]


def seed(stdout) -> None:
    unit = StateBody.objects.filter(code=UNIT).first()
    manager = User.objects.filter(email="manager@demo.eqyzmet.kz").first()
    if unit is None or manager is None or PositionFamily.objects.filter(code="digital").exists():
        stdout.write("Development: already present or nothing to build on; skipped.")
        return
    digital = _catalogue()
    staff = list(Employee.objects.filter(state_body=unit).select_related("user"))
    FamilyMembership.objects.bulk_create(
        [FamilyMembership(employee=e, family=digital) for e in staff]
    )
    first = Cycle.objects.filter(state_body=unit, kind=Cycle.Kind.QUARTER).order_by("period_start")
    year = first.values_list("year", flat=True).first()
    if year is not None:
        services.annual_results_compute(year=year)  # drafts the plans from the gaps
    plans = {
        p.employee.user.email: p for p in DevelopmentPlan.objects.select_related("employee__user")
    }
    ethics = Course.objects.get(title="Ethics of the civil servant")
    anti = Course.objects.get(title="Anti-corruption standards")
    for email, plan in sorted(plans.items()):
        employee = plan.employee
        if email == "employee@demo.eqyzmet.kz":
            continue  # left as a draft for the guided tour: the employee and manager agree it
        services.plan_agree(plan=plan, actor=employee.user)
        if email.startswith("aigerim"):
            continue  # the employee has agreed; the manager has not yet
        services.plan_agree(plan=plan, actor=manager)
        goal = plan.goals.first()
        if goal is not None and email.startswith("daniyar"):
            services.goal_confirm(goal=goal, actor=manager)
    today = timezone.localdate()
    for n, employee in enumerate(staff):
        if employee.user.email == "employee@demo.eqyzmet.kz":
            continue  # the anti-corruption course stays overdue on the manager's page
        completion = services.completion_record(
            employee=employee,
            actor=employee.user,
            course=anti,
            completed_on=today - dt.timedelta(days=30 + n),
            evidence=_certificate(),
        )
        if n % 2 == 0:
            services.completion_decide(completion=completion, actor=manager, confirm=True)
        if n % 3 == 0:
            services.completion_record(
                employee=employee,
                actor=employee.user,
                course=ethics,
                completed_on=today - dt.timedelta(days=n),
                evidence=_certificate(),
            )
    stdout.write(
        f"Development: {len(plans)} development plans in {UNIT} (employee@ agrees theirs at "
        "/en/evaluation/development/, manager@ at /en/evaluation/unit/development/)."
    )
