"""Demo contract employees: one MDAI project with two contract employees, built through the
services. manager@ is the project's responsible official; asel.contract@ has three confirmed
quarters (the e-services indicator missed twice, so the contract is flagged) and a contract
that ends within 30 days; marat.contract@ has a quarter waiting for the official's
confirmation. Idempotent: the project's name is the key.

A contract post selection for the same project (KZ-2026-MDAI-C001): four demo candidates
sat its legislation test and essay, the ranking is locked and the anonymised shortlist waits
for manager@'s recommendation. Idempotent: the announcement number is the key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from eqyzmet.demo import demo_account
from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services as competition_services
from recruitment.contracts import results, services
from recruitment.models import CommissionMember, Competition, EducationLevel, Stage, Vacancy
from recruitment.models_contracts import Project, ProjectType
from recruitment.public import stage_result_record

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
    user = demo_account(email)
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
    if not Project.objects.filter(name=PROJECT_NAME).exists():
        _seed_contracts(stdout)
    _seed_selection(Project.objects.get(name=PROJECT_NAME), stdout)


def _seed_contracts(stdout) -> None:
    services.pay_rules_setup()
    today = timezone.localdate()
    hr = User.objects.get(email="hr@demo.eqyzmet.kz")
    official = User.objects.get(email="manager@demo.eqyzmet.kz")
    asel_start = today - dt.timedelta(days=335)
    project = services.project_create(
        state_body=StateBody.objects.get(code="mdai"),
        name=PROJECT_NAME,
        name_kk="Бизнеске арналған цифрлық лицензиялау (ұлттық жоба)",
        name_ru="Цифровое лицензирование для бизнеса (национальный проект)",
        name_en=PROJECT_NAME,
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


SELECTION_NUMBER = "KZ-2026-MDAI-C001"
OPEN_SELECTION_NUMBER = "KZ-2026-MDAI-C002"
# Applicants from the demo's candidates: e-mail, legislation test (of 55), essay marks.
SELECTION_SCRIPTS = [
    ("nurzhan@demo.eqyzmet.kz", 47, ("5", "4")),
    ("gulnar@demo.eqyzmet.kz", 44, ("5", "5")),
    ("saltanat@demo.eqyzmet.kz", 41, ("4", "4")),
    ("bauyrzhan@demo.eqyzmet.kz", 38, ("3", "4")),
]
SELECTION_MARKERS = ("commission2@demo.eqyzmet.kz", "commission3@demo.eqyzmet.kz")
SELECTION_POSTS = {
    SELECTION_NUMBER: {
        "title_kk": "Лицензиялау деректерін алмасу жөніндегі келісімшарттық маман",
        "title_ru": "Специалист по контракту: обмен данными лицензирования",
        "title_en": "Contract specialist, licensing data exchange",
        "duties_kk": "Лицензиялау порталы мен Мемлекеттік кірістер комитеті арасындағы "
        "деректер алмасуын құру; электрондық қызметтерді порталға көшіру; құжаттама дайындау.",
        "duties_ru": "Построение обмена данными портала лицензирования с Комитетом "
        "государственных доходов; перевод услуг на портал; подготовка документации.",
        "duties_en": "Building the licensing portal's data exchange with the State Revenue "
        "Committee; moving services to the portal; writing the documentation.",
    },
    OPEN_SELECTION_NUMBER: {
        "title_kk": "Лицензиялау статистикасы жөніндегі келісімшарттық талдаушы",
        "title_ru": "Аналитик по контракту: статистика лицензирования",
        "title_en": "Contract analyst, licensing statistics",
        "duties_kk": "Лицензия беру мерзімдерін өлшеу; тоқсан сайынғы есептер мен "
        "көрсеткіштер тақтасын дайындау.",
        "duties_ru": "Измерение сроков выдачи лицензий; подготовка ежеквартальных отчётов и "
        "панели показателей.",
        "duties_en": "Measuring how long licences take; preparing the quarterly reports and "
        "the indicators dashboard.",
    },
}
SELECTION_INDICATORS = {
    "contract_indicators_kk": "Порталға көшірілген электрондық қызметтер, тоқсанына 6\n"
    "Лицензия берудің орташа мерзімі, 5 күннен аспайды",
    "contract_indicators_ru": "Электронные услуги, переведённые на портал: 6 за квартал\n"
    "Средний срок выдачи лицензии: не более 5 дней",
    "contract_indicators_en": "E-services moved to the licensing portal: 6 a quarter\n"
    "Average days to issue a licence: at most 5",
}


# What a contract post asks for: the same papers as a competition's demo vacancies.
CONTRACT_POST_DOCUMENTS = [
    Vacancy.RequiredDocument.APPLICATION_FORM,
    Vacancy.RequiredDocument.PERSONNEL_RECORD,
    Vacancy.RequiredDocument.ID_CARD,
    Vacancy.RequiredDocument.EDUCATION,
    Vacancy.RequiredDocument.EMPLOYMENT_RECORD,
    Vacancy.RequiredDocument.MEDICAL,
]


def _selection_vacancy(body: StateBody, number: str) -> Vacancy:
    texts = SELECTION_POSTS[number]
    vacancy = Vacancy.objects.filter(state_body=body, title_en=texts["title_en"]).first()
    if vacancy is not None:
        return vacancy
    # The body's HR contact, as its other demo vacancies give it.
    contact = (
        Vacancy.objects.filter(state_body=body)
        .exclude(contact_email="")
        .values("contact_name", "contact_email", "contact_phone")
        .first()
    ) or {}
    return Vacancy.objects.create(
        state_body=body,
        category=Vacancy.Category.B,
        grade="B-4",
        region=body.region or "Astana",
        employment=Vacancy.Employment.CONTRACT,
        salary_min=480000,
        salary_max=780000,
        min_education_level=EducationLevel.BACHELOR,
        min_experience_years=Decimal("2"),
        private_sector_counts=True,
        posts=1,
        required_documents=[str(d) for d in CONTRACT_POST_DOCUMENTS],
        **texts,
        **contact,
    )


def _selection(project: Project, number: str, *, hr: User, opens, closes):
    """A published contract post selection: a legislation test and an essay, marked by
    commission2@ and commission3@. ``None`` if it exists already."""
    if Competition.objects.filter(number=number).exists():
        return None
    competition = Competition.objects.create(
        state_body=project.state_body,
        number=number,
        kind=Competition.Kind.CONTRACT,
        applications_open_at=opens,
        applications_close_at=closes,
        contract_project=project,
        contract_term_months=12,
        **SELECTION_INDICATORS,
    )
    competition.vacancies.add(_selection_vacancy(project.state_body, number))
    plan = [(Stage.Kind.LEGISLATION_TEST, "55", None, "1"), (Stage.Kind.ESSAY, "5", "3", "5")]
    for position, (kind, max_score, pass_score, weight) in enumerate(plan, start=1):
        Stage.objects.create(
            competition=competition,
            kind=kind,
            position=position,
            max_score=Decimal(max_score),
            pass_score=Decimal(pass_score) if pass_score else None,
            weight=Decimal(weight),
            opens_at=closes,
            closes_at=closes + dt.timedelta(days=30),
        )
    for i, email in enumerate(SELECTION_MARKERS):
        member = demo_account(email)
        staff_assign(user=member, role=Role.COMMISSION_MEMBER, state_body=project.state_body)
        CommissionMember.objects.create(
            competition=competition,
            user=member,
            role=CommissionMember.Role.CHAIR if i == 0 else CommissionMember.Role.MEMBER,
        )
    competition_services.competition_publish(competition=competition, actor=hr)
    return competition


def _seed_selection(project: Project, stdout) -> None:
    """Two contract posts of the project: one open for applications, and one whose
    selection ran through the real procedure to the locked ranking."""
    hr = User.objects.get(email="hr@demo.eqyzmet.kz")
    now = timezone.now()
    _selection(
        project,
        OPEN_SELECTION_NUMBER,
        hr=hr,
        opens=now - dt.timedelta(days=2),
        closes=now + dt.timedelta(days=21),
    )
    competition = _selection(
        project,
        SELECTION_NUMBER,
        hr=hr,
        opens=now - dt.timedelta(days=25),
        closes=now + dt.timedelta(minutes=1),
    )
    if competition is None:
        return
    stages = {stage.kind: stage for stage in competition.stages.all()}
    seats = list(competition.commission.order_by("pk"))
    vacancy = competition.vacancies.get()
    applications = {
        email: competition_services.application_submit(
            user=User.objects.get(email=email),
            competition=competition,
            vacancy=vacancy,
            consent=True,
        )
        for email, _test, _essay in SELECTION_SCRIPTS
    }
    # Time passes: the deadline is reached and the stages' windows open.
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(applications_close_at=now)
    competition.stages.update(opens_at=now - dt.timedelta(minutes=1))
    competition.refresh_from_db()
    competition_services.competition_close_applications(competition=competition, actor=hr)
    competition_services.competition_advance(competition=competition, actor=hr)
    for email, test, _essay in SELECTION_SCRIPTS:
        stage_result_record(
            application_id=applications[email].pk,
            stage_id=stages[Stage.Kind.LEGISLATION_TEST].pk,
            score=Decimal(test),
            passed=True,
            actor=hr,
        )
    competition_services.competition_advance(competition=competition, actor=hr)  # the essay
    for seat in seats:
        competition_services.commission_declare(member=seat, has_conflict=False)
    for email, _test, essay in SELECTION_SCRIPTS:
        for seat, score in zip(seats, essay, strict=True):
            competition_services.commission_mark(
                member=seat, application=applications[email], score=Decimal(score), comment=""
            )
    # The essay ends; the ranking is locked and the shortlist opens to the official.
    competition_services.competition_advance(competition=competition, actor=hr)
    stdout.write(
        f"Contract posts: {OPEN_SELECTION_NUMBER} open; {SELECTION_NUMBER} ranked, its "
        f"shortlist waits for {project.responsible_official.email}'s recommendation."
    )
