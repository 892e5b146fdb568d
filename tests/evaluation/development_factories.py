"""Builders for competence development tests: a position family, courses, a seeded year."""

from __future__ import annotations

import datetime as dt

from evaluation import services
from evaluation.models import Competency
from evaluation.models_development import (
    Course,
    ExpectedLevel,
    FamilyMembership,
    LevelDescriptor,
    MandatoryTraining,
    PositionFamily,
)
from tests.evaluation.factories import assessment_of, open_cycle, score


def family(*, levels: dict[str, int], code="digital") -> PositionFamily:
    fam = PositionFamily.objects.create(
        code=code,
        name_kk="Цифрлық қызметтер",
        name_ru="Цифровые услуги",
        name_en="Digital services",
    )
    for comp_code, level in levels.items():
        competency = Competency.objects.get(code=comp_code)
        ExpectedLevel.objects.create(family=fam, competency=competency, level=level)
        LevelDescriptor.objects.get_or_create(
            competency=competency,
            level=level,
            defaults={
                "text_kk": "Өз бетінше жұмыс істейді",
                "text_ru": "Работает самостоятельно",
                "text_en": f"Works independently ({comp_code})",
            },
        )
    return fam


def course(title="Public service standards", *, competency="professionalism", hours=16):
    row = Course.objects.create(title=title, provider="Academy", hours=hours, format="online")
    row.competencies.add(Competency.objects.get(code=competency))
    return row


def join(emp, fam):
    return FamilyMembership.objects.create(employee=emp, family=fam)


def mandatory(fam, *, title="Anti-corruption basics", days=-1) -> MandatoryTraining:
    return MandatoryTraining.objects.create(
        family=fam,
        course=course(title, hours=4),
        due_date=dt.date.today() + dt.timedelta(days=days),
    )


def scored_year(emp, evaluator, *, mark: int, year=2025):
    """One quarter of ``year`` rated ``mark`` everywhere, then the annual result."""
    cycle = open_cycle(emp.state_body, year=year, quarter=1)
    score(assessment_of(emp, cycle), evaluator, mark=mark)
    services.annual_results_compute(year=year)
