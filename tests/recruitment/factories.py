"""Building blocks for recruitment tests: a body with its staff, a competition with
Kazakhstan's stage plan, and candidates with distinctive personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import count

from django.utils import timezone

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services
from recruitment.iin import iin_with_check_digit
from recruitment.models import (
    CommissionMember,
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

_n = count(1)


@dataclass
class Staff:
    body: object
    hr: object
    members: list
    observer: object
    ethics: object


def make_staff(*, body=None, members: int = 3) -> Staff:
    body = body or make_state_body()
    hr = UserFactory()
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=body)
    commission = []
    for _ in range(members):
        member = UserFactory()
        staff_assign(user=member, role=Role.COMMISSION_MEMBER, state_body=body)
        commission.append(member)
    observer = UserFactory()
    staff_assign(user=observer, role=Role.OBSERVER, state_body=body)
    ethics = UserFactory()
    staff_assign(user=ethics, role=Role.ETHICS_COMMISSIONER, state_body=body)
    return Staff(body=body, hr=hr, members=commission, observer=observer, ethics=ethics)


def make_vacancy(*, body, **overrides) -> Vacancy:
    n = next(_n)
    values = {
        "state_body": body,
        "title_kk": f"Бас сарапшы {n}",
        "title_ru": f"Главный эксперт {n}",
        "title_en": f"Chief expert {n}",
        "category": Vacancy.Category.B,
        "grade": "B-4",
        "duties_kk": "Мемлекеттік саясатты іске асыру.",
        "duties_ru": "Реализация государственной политики.",
        "duties_en": "Implementing state policy.",
        "region": "Astana",
        "salary_min": 350000,
        "salary_max": 450000,
        "min_education_level": EducationLevel.BACHELOR,
        "min_experience_years": Decimal("2"),
        "private_sector_counts": True,
    }
    values.update(overrides)
    return Vacancy.objects.create(**values)


STAGE_PLAN = [
    # kind, max, pass, shortlist, weight
    (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
    (Stage.Kind.PERSONAL_QUALITIES, "100", None, None, "0"),
    (Stage.Kind.ESSAY, "5", "3", 5, "1"),
    (Stage.Kind.INTERVIEW, "5", "3", 3, "1"),
]


def make_competition(*, staff: Staff, vacancy=None, plan=STAGE_PLAN, **overrides) -> Competition:
    now = timezone.now()
    values = {
        "state_body": staff.body,
        "number": f"KZ-2026-{next(_n):05d}",
        "kind": Competition.Kind.GENERAL,
        "applications_open_at": now - dt.timedelta(hours=1),
        "applications_close_at": now + dt.timedelta(days=7),
    }
    values.update(overrides)
    competition = Competition.objects.create(**values)
    competition.vacancies.add(vacancy or make_vacancy(body=staff.body))
    for position, (kind, max_score, pass_score, shortlist, weight) in enumerate(plan, start=1):
        Stage.objects.create(
            competition=competition,
            kind=kind,
            position=position,
            max_score=Decimal(max_score),
            pass_score=Decimal(pass_score) if pass_score else None,
            shortlist_size=shortlist,
            weight=Decimal(weight),
        )
    for i, member in enumerate(staff.members):
        CommissionMember.objects.create(
            competition=competition,
            user=member,
            role=CommissionMember.Role.CHAIR if i == 0 else CommissionMember.Role.MEMBER,
        )
    return competition


@dataclass
class Candidate:
    user: object
    profile: object
    full_name: str
    iin: str
    email: str
    phone: str
    markers: list[str] = field(default_factory=list)


def make_candidate(*, private_years: int = 0, public_years: int = 3, level=EducationLevel.BACHELOR):
    """A candidate whose every personal string is unique and easy to search for."""
    n = next(_n)
    surname = f"Leaktestov{n:03d}"
    full_name = f"Zhanarbek {surname} Ulykbekuly"
    iin = iin_with_check_digit(f"9001013{n:04d}")
    while iin is None:
        n = next(_n)
        iin = iin_with_check_digit(f"9001013{n:04d}")
    email = f"leak.{surname.lower()}@leak-mail.kz"
    phone = f"+7 701 {n:03d} 77 {n % 100:02d}"
    user = UserFactory(email=email)
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    profile = services.profile_save(user=user, full_name=full_name, iin=iin, phone=phone)
    Education.objects.create(
        profile=profile,
        level=level,
        field=Field.LAW,
        institution=f"University of {surname}",
        graduation_year=2012,
    )
    today = dt.date.today()
    if public_years:
        Experience.objects.create(
            profile=profile,
            sector=Sector.PUBLIC,
            field=Field.LAW,
            employer=f"Office of {surname}",
            started_on=today - dt.timedelta(days=int(365.25 * public_years) + 1),
        )
    if private_years:
        Experience.objects.create(
            profile=profile,
            sector=Sector.PRIVATE,
            field=Field.IT,
            employer=f"{surname} LLP",
            started_on=dt.date(2010, 1, 1),
            ended_on=dt.date(2010, 1, 1) + dt.timedelta(days=int(365.25 * private_years) + 1),
        )
    return Candidate(
        user=user,
        profile=profile,
        full_name=full_name,
        iin=iin,
        email=email,
        phone=phone,
        markers=[surname, iin, email, phone, phone.replace(" ", "")],
    )


TEST_THEN_ESSAY = [
    (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
    (Stage.Kind.ESSAY, "5", "3", None, "1"),
]


def competition_at_written_test(*, staff: Staff, applicants: int):
    """A published competition of a legislation test then an essay: ``applicants`` codes
    applied, applications closed, the test stage open. Returns (competition, applications,
    test stage)."""
    competition = make_competition(staff=staff, plan=TEST_THEN_ESSAY)
    services.competition_publish(competition=competition, actor=staff.hr)
    applications = [
        services.application_submit(
            user=make_candidate().user,
            competition=competition,
            vacancy=competition.vacancies.get(),
            consent=True,
        )
        for _ in range(applicants)
    ]
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    return competition, applications, competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
