"""Demo recruitment data: vacancies, an open competition with applications in progress, a
competition in its testing stage (the demo candidate is admitted), and one with published
results, and one at the essay stage. Idempotent: competitions are found by their announcement
number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from eqyzmet.demo import DEMO_PASSWORD
from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services
from recruitment.iin import iin_with_check_digit
from recruitment.models import (
    CandidateProfile,
    CommissionMember,
    Competition,
    Education,
    EducationLevel,
    Experience,
    Field,
    LanguageSkill,
    Sector,
    Stage,
    Vacancy,
)

DEMO_CANDIDATES = [
    # e-mail, name, IIN prefix (11 digits), education, years public, years private
    (
        "candidate@demo.eqyzmet.kz",
        "Айдана Серікқызы Бекова",
        "9503154",
        EducationLevel.MASTER,
        3,
        2,
    ),
    (
        "arman@demo.eqyzmet.kz",
        "Арман Болатұлы Жақсыбеков",
        "9108203",
        EducationLevel.BACHELOR,
        5,
        0,
    ),
    ("dana@demo.eqyzmet.kz", "Дана Маратқызы Нұрланова", "9711024", EducationLevel.BACHELOR, 0, 4),
    ("timur@demo.eqyzmet.kz", "Тимур Асқарұлы Омаров", "8805123", EducationLevel.MASTER, 8, 1),
    ("aliya@demo.eqyzmet.kz", "Әлия Қайратқызы Сейітова", "9902284", EducationLevel.BACHELOR, 1, 1),
    ("erlan@demo.eqyzmet.kz", "Ерлан Нұрболұлы Ахметов", "9312013", EducationLevel.DOCTORATE, 6, 0),
]

PLAN = [
    (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
    (Stage.Kind.PERSONAL_QUALITIES, "100", None, None, "0"),
    (Stage.Kind.ESSAY, "5", "3", 5, "1"),
    (Stage.Kind.INTERVIEW, "5", "3", 3, "1"),
]


def _candidate(email, name, prefix, level, public_years, private_years) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, DEMO_PASSWORD
    )
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    if CandidateProfile.objects.filter(user=user).exists():
        return user
    serial = 1
    iin = None
    while iin is None:
        iin = iin_with_check_digit(f"{prefix}{serial:04d}")
        serial += 1
    profile = services.profile_save(user=user, full_name=name, iin=iin, phone="+7 701 000 00 00")
    Education.objects.create(
        profile=profile, level=level, field=Field.LAW, institution="ҚазҰУ", graduation_year=2016
    )
    today = timezone.localdate()
    if public_years:
        Experience.objects.create(
            profile=profile,
            sector=Sector.PUBLIC,
            field=Field.PUBLIC_ADMIN,
            employer="Әкімдік",
            started_on=today - dt.timedelta(days=int(365.25 * public_years)),
        )
    if private_years:
        Experience.objects.create(
            profile=profile,
            sector=Sector.PRIVATE,
            field=Field.IT,
            employer="ЖШС",
            started_on=dt.date(2012, 9, 1),
            ended_on=dt.date(2012, 9, 1) + dt.timedelta(days=int(365.25 * private_years)),
        )
    LanguageSkill.objects.create(profile=profile, language="kk", level=4)
    LanguageSkill.objects.create(profile=profile, language="ru", level=3)
    return user


def _vacancy(body: StateBody, n: int, **extra) -> Vacancy:
    titles = [
        (
            "Цифрландыру басқармасының бас сарапшысы",
            "Главный эксперт управления цифровизации",
            "Chief expert, Digitalisation Division",
            Field.IT,
        ),
        (
            "Құқықтық қамтамасыз ету басқармасының басшысы",
            "Руководитель управления правового обеспечения",
            "Head of the Legal Division",
            Field.LAW,
        ),
        (
            "Бюджеттік жоспарлау бөлімінің сарапшысы",
            "Эксперт отдела бюджетного планирования",
            "Expert, Budget Planning Unit",
            Field.ECONOMICS,
        ),
    ]
    kk, ru, en, field = titles[n % len(titles)]
    vacancy = Vacancy.objects.filter(state_body=body, title_en=en).first()
    if vacancy:
        return vacancy
    return Vacancy.objects.create(
        state_body=body,
        title_kk=kk,
        title_ru=ru,
        title_en=en,
        category=Vacancy.Category.B,
        grade="B-4" if n != 1 else "B-2",
        is_managerial=n == 1,
        duties_kk="Мемлекеттік саясатты әзірлеуге және іске асыруға қатысу; нормативтік құқықтық "
        "актілердің жобаларын дайындау; азаматтардың өтініштерін қарау.",
        duties_ru="Участие в разработке и реализации государственной политики; подготовка проектов "
        "нормативных правовых актов; рассмотрение обращений граждан.",
        duties_en="Taking part in developing and implementing state policy; drafting regulations; "
        "handling citizens' requests.",
        region=body.region or "Astana",
        employment=Vacancy.Employment.PERMANENT if n != 2 else Vacancy.Employment.CONTRACT,
        salary_min=380000 + 40000 * n,
        salary_max=480000 + 60000 * n,
        min_education_level=EducationLevel.BACHELOR,
        education_fields=sorted({Field.LAW, Field.PUBLIC_ADMIN, field}),
        min_experience_years=Decimal("2"),
        private_sector_counts=True,
        required_languages={"kk": 2},
        **extra,
    )


def _competition(number, body, vacancy, *, opens, closes) -> tuple[Competition, bool]:
    existing = Competition.objects.filter(number=number).first()
    if existing:
        return existing, False
    competition = Competition.objects.create(
        state_body=body,
        number=number,
        kind=Competition.Kind.GENERAL,
        applications_open_at=opens,
        applications_close_at=closes,
    )
    competition.vacancies.add(vacancy)
    for position, (kind, max_score, pass_score, shortlist, weight) in enumerate(PLAN, start=1):
        Stage.objects.create(
            competition=competition,
            kind=kind,
            position=position,
            max_score=Decimal(max_score),
            pass_score=Decimal(pass_score) if pass_score else None,
            shortlist_size=shortlist,
            weight=Decimal(weight),
            opens_at=closes,
            closes_at=closes + dt.timedelta(days=30),
        )
    members = [User.objects.get(email="commission@demo.eqyzmet.kz")]
    for i in (1, 2):
        email = f"commission{i + 1}@demo.eqyzmet.kz"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD
        )
        staff_assign(user=user, role=Role.COMMISSION_MEMBER, state_body=body)
        members.append(user)
    for i, user in enumerate(members):
        CommissionMember.objects.create(
            competition=competition,
            user=user,
            role=CommissionMember.Role.CHAIR if i == 0 else CommissionMember.Role.MEMBER,
        )
    return competition, True


def seed(stdout) -> None:
    hr = User.objects.get(email="hr@demo.eqyzmet.kz")
    mdai = StateBody.objects.get(code="mdai")
    egov = StateBody.objects.get(code="mdai-egov")
    minfin = StateBody.objects.get(code="minfin")
    candidates = [_candidate(*row) for row in DEMO_CANDIDATES]
    now = timezone.now()

    # 1. Open for applications: five demo candidates have applied; the demo candidate has not.
    open_competition, created = _competition(
        "KZ-2026-MDAI-0001",
        mdai,
        _vacancy(egov, 0),
        opens=now - dt.timedelta(days=3),
        closes=now + dt.timedelta(days=14),
    )
    if created:
        services.competition_publish(competition=open_competition, actor=hr)
        for user in candidates[1:]:
            services.application_submit(
                user=user,
                competition=open_competition,
                vacancy=open_competition.vacancies.get(),
                consent=True,
            )

    # 2. In the testing stage: the demo candidate is admitted to the legislation test.
    testing, created = _competition(
        "KZ-2026-MDAI-0002",
        mdai,
        _vacancy(mdai, 1),
        opens=now - dt.timedelta(days=20),
        closes=now + dt.timedelta(minutes=1),
    )
    if created:
        services.competition_publish(competition=testing, actor=hr)
        for user in candidates[:4]:
            services.application_submit(
                user=user, competition=testing, vacancy=testing.vacancies.get(), consent=True
            )
        Competition.objects.filter(pk=testing.pk).update(applications_close_at=now)
        testing.refresh_from_db()
        testing.stages.update(opens_at=now - dt.timedelta(minutes=1))
        services.competition_close_applications(competition=testing, actor=hr)
        services.competition_advance(competition=testing, actor=hr)

    # 4. At the essay stage: three demo candidates passed both tests; the testing center's
    # demo writes their essays and the commission marks them.
    essay, created = _competition(
        "KZ-2026-MDAI-0003",
        mdai,
        _vacancy(mdai, 3),
        opens=now - dt.timedelta(days=30),
        closes=now + dt.timedelta(minutes=1),
    )
    if created:
        from recruitment.public import stage_result_record

        services.competition_publish(competition=essay, actor=hr)
        applications = [
            services.application_submit(
                user=user, competition=essay, vacancy=essay.vacancies.get(), consent=True
            )
            for user in candidates[1:4]
        ]
        Competition.objects.filter(pk=essay.pk).update(applications_close_at=now)
        essay.refresh_from_db()
        essay.stages.update(opens_at=now - dt.timedelta(minutes=1))
        services.competition_close_applications(competition=essay, actor=hr)
        for kind, scores in (
            (Stage.Kind.LEGISLATION_TEST, (41, 37, 33)),
            (Stage.Kind.PERSONAL_QUALITIES, (78, 71, 64)),
        ):
            services.competition_advance(competition=essay, actor=hr)
            stage = essay.stages.get(kind=kind)
            for application, score in zip(applications, scores, strict=True):
                stage_result_record(
                    application_id=application.pk,
                    stage_id=stage.pk,
                    score=Decimal(score),
                    passed=True,
                    actor=hr,
                )
        services.competition_advance(competition=essay, actor=hr)

    # 3. Another body's open competition (HR of the Ministry of Finance sees only this one).
    finance, created = _competition(
        "KZ-2026-MINFIN-0001",
        minfin,
        _vacancy(minfin, 2),
        opens=now - dt.timedelta(days=1),
        closes=now + dt.timedelta(days=10),
    )
    if created:
        members = list(finance.commission.all())
        for member in members:
            member.delete()
        for i in (1, 2):
            email = f"commission.finance{i}@demo.eqyzmet.kz"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, DEMO_PASSWORD
            )
            staff_assign(user=user, role=Role.COMMISSION_MEMBER, state_body=minfin)
            CommissionMember.objects.create(competition=finance, user=user)
        services.competition_publish(
            competition=finance, actor=User.objects.get(email="hr.finance@demo.eqyzmet.kz")
        )
    stdout.write(
        f"Recruitment: {Competition.objects.count()} competitions, "
        f"{Vacancy.objects.count()} vacancies; demo candidate admitted to the test of "
        f"{testing.number}."
    )
