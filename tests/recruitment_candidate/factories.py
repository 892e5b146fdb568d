"""Factories for the candidate's pages: vacancies, competitions (status set directly, as a
page test needs it), stages, and candidates who registered on the public site."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

import factory
from django.utils import timezone

from eqyzmet.accounts.selectors import AWAITING_CONFIRMATION_GROUP
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services
from recruitment.iin import iin_with_check_digit
from recruitment.models import (
    Competition,
    Education,
    EducationLevel,
    Experience,
    Field,
    Sector,
    Stage,
    Vacancy,
)
from tests.factories import UserFactory, make_state_body

_serial = count(1)


class VacancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vacancy

    state_body = factory.LazyFunction(make_state_body)
    title_kk = factory.Sequence(lambda n: f"Бас маман {n}")
    title_ru = factory.Sequence(lambda n: f"Главный специалист {n}")
    title_en = factory.Sequence(lambda n: f"Chief specialist {n}")
    category = Vacancy.Category.B
    grade = "B-4"
    duties_kk = "Мемлекеттік саясатты іске асыру."
    duties_ru = "Реализация государственной политики."
    duties_en = "Implementing state policy."
    region = "Astana"
    salary_min = 350000
    salary_max = 450000
    min_education_level = EducationLevel.BACHELOR
    min_experience_years = Decimal("2")
    private_sector_counts = True


class CompetitionFactory(factory.django.DjangoModelFactory):
    """A competition accepting applications now, unless told otherwise."""

    class Meta:
        model = Competition
        skip_postgeneration_save = True

    state_body = factory.LazyFunction(make_state_body)
    number = factory.Sequence(lambda n: f"KZ-C-{n:05d}")
    kind = Competition.Kind.GENERAL
    status = Competition.Status.PUBLISHED
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))

    @factory.post_generation
    def vacancies(self, create, extracted, **kwargs):
        if create:
            self.vacancies.add(*(extracted or [VacancyFactory(state_body=self.state_body)]))


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    competition = factory.SubFactory(CompetitionFactory)
    kind = Stage.Kind.LEGISLATION_TEST
    position = 1
    max_score = Decimal("55")


def open_vacancy(**vacancy_fields) -> tuple[Competition, Vacancy]:
    """One vacancy in one competition that accepts applications now, with a test stage."""
    body = vacancy_fields.pop("state_body", None) or make_state_body()
    vacancy = VacancyFactory(state_body=body, **vacancy_fields)
    competition = CompetitionFactory(state_body=body, vacancies=[vacancy])
    StageFactory(competition=competition)
    return competition, vacancy


def valid_iin() -> str:
    while True:
        iin = iin_with_check_digit(f"9203154{next(_serial):04d}")
        if iin is not None:
            return iin


def make_candidate_user(*, confirmed: bool = True):
    """A person with the candidate role, as registration leaves them (without a profile)."""
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    if not confirmed:
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get_or_create(name=AWAITING_CONFIRMATION_GROUP)[0])
    return user


def make_candidate_with_profile(
    *,
    confirmed: bool = True,
    public_years: int = 3,
    private_years: int = 0,
    level: int = EducationLevel.BACHELOR,
):
    user = make_candidate_user(confirmed=confirmed)
    profile = services.profile_save(user=user, full_name="Aigerim Testova", iin=valid_iin())
    Education.objects.create(
        profile=profile, level=level, field=Field.LAW, institution="KazNU", graduation_year=2015
    )
    today = timezone.localdate()
    if public_years:
        Experience.objects.create(
            profile=profile,
            sector=Sector.PUBLIC,
            field=Field.LAW,
            employer="Akimat",
            started_on=today - dt.timedelta(days=int(365.25 * public_years) + 2),
        )
    if private_years:
        Experience.objects.create(
            profile=profile,
            sector=Sector.PRIVATE,
            field=Field.IT,
            employer="Kaspi LLP",
            started_on=today - dt.timedelta(days=int(365.25 * private_years) + 2),
        )
    return user
