"""Demo recruitment data: vacancies and one competition at each status of the procedure.

Every competition is driven by the real services (publish, close, advance, mark, reveal,
lock, publish results, appeal, appoint, close, cancel), so the data is exactly what the
procedure produces. Where the procedure needs time to pass, a date is moved into the past
with a queryset ``update`` and a comment says which. Idempotent: competitions are found by
their announcement number and built only once.

    KZ-2026-MDAI-0001  accepting applications     KZ-2026-MDAI-0007  interview
    KZ-2026-MDAI-0002  testing (window open)      KZ-2026-MDAI-0008  ranking locked
    KZ-2026-MDAI-0003  essay                      KZ-2026-MDAI-0009  results published
    KZ-2026-MDAI-0004  draft                      KZ-2026-MDAI-0010  closed (appointed)
    KZ-2026-MDAI-0005  applications closed        KZ-2026-MDAI-0011  cancelled
    KZ-2026-MDAI-0006  written stages locked      KZ-2026-MINFIN-0001  another body's
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from eqyzmet.demo import demo_account
from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import demo_contracts, services
from recruitment.demo_fairness import fairness_demo_seed
from recruitment.iin import iin_with_check_digit
from recruitment.models import (
    Application,
    CandidateProfile,
    CommissionMember,
    Competition,
    Education,
    EducationLevel,
    Experience,
    Field,
    IdentityReveal,
    LanguageSkill,
    Sector,
    Stage,
    Vacancy,
)
from recruitment.models_adjustments import AdjustmentFormat, ExtraTime
from recruitment.public import candidate_application_id, stage_result_record
from recruitment.services.adjustments import adjustment_request
from testing_center import demo as testing_demo

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


def _iin_prefix(born: dt.date, sex: str) -> str:
    """The first seven digits of an IIN: YYMMDD and the century-and-sex digit (3 a man, 4 a
    woman born in the 1900s); the serial and check digit are added in ``_candidate``."""
    return f"{born:%y%m%d}{3 if sex == 'm' else 4}"


# More applicants, so rankings, shortlists and the reserve have people in them. Each has
# their own name, IIN (birth date and sex encoded, valid check digit) and phone number.
GENERATED_CANDIDATES = [
    # e-mail, name, birth date, sex, education, years public, years private
    (
        "gulnar",
        "Гүлнар Ерболқызы Тәжібаева",
        dt.date(1994, 7, 12),
        "f",
        EducationLevel.MASTER,
        4,
        0,
    ),
    (
        "bauyrzhan",
        "Бауыржан Серікұлы Исаев",
        dt.date(1990, 11, 3),
        "m",
        EducationLevel.BACHELOR,
        6,
        2,
    ),
    (
        "madina",
        "Мадина Нұрланқызы Оспанова",
        dt.date(1996, 2, 25),
        "f",
        EducationLevel.BACHELOR,
        3,
        0,
    ),
    ("nurzhan", "Нұржан Қанатұлы Сәрсенов", dt.date(1987, 5, 19), "m", EducationLevel.MASTER, 9, 3),
    (
        "saltanat",
        "Салтанат Бақытқызы Әлімжанова",
        dt.date(1993, 9, 8),
        "f",
        EducationLevel.MASTER,
        5,
        1,
    ),
    ("kanat", "Қанат Ержанұлы Байжанов", dt.date(1989, 12, 30), "m", EducationLevel.BACHELOR, 7, 0),
]
DEMO_CANDIDATES += [
    (f"{login}@demo.eqyzmet.kz", name, _iin_prefix(born, sex), level, public, private)
    for login, name, born, sex, level, public, private in GENERATED_CANDIDATES
]


PLAN = [
    (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
    (Stage.Kind.PERSONAL_QUALITIES, "100", None, None, "0"),
    (Stage.Kind.ESSAY, "5", "3", 5, "1"),
    (Stage.Kind.INTERVIEW, "5", "3", 3, "1"),
]


def _phone(iin: str) -> str:
    """A distinct, well-formed demo mobile number derived from the IIN."""
    return f"+7 701 {iin[4:7]} {iin[7:9]} {iin[9:11]}"


def _candidate(email, name, prefix, level, public_years, private_years) -> User:
    user = demo_account(email)
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    if CandidateProfile.objects.filter(user=user).exists():
        return user
    serial = 1
    iin = None
    while iin is None:
        iin = iin_with_check_digit(f"{prefix}{serial:04d}")
        serial += 1
    profile = services.profile_save(user=user, full_name=name, iin=iin, phone=_phone(iin))
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


VACANCY_TITLES = [
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
    (
        "Ақпараттық қауіпсіздік басқармасының бас сарапшысы",
        "Главный эксперт управления информационной безопасности",
        "Chief expert, Information Security Division",
        Field.IT,
    ),
    (
        "Мемлекеттік көрсетілетін қызметтер департаментінің сарапшысы",
        "Эксперт департамента государственных услуг",
        "Expert, Public Services Department",
        Field.PUBLIC_ADMIN,
    ),
    (
        "Халықаралық ынтымақтастық бөлімінің басшысы",
        "Руководитель отдела международного сотрудничества",
        "Head of the International Cooperation Unit",
        Field.LAW,
    ),
    (
        "Деректерді басқару басқармасының жетекші маманы",
        "Ведущий специалист управления данными",
        "Leading specialist, Data Management Division",
        Field.IT,
    ),
    (
        "Ішкі аудит қызметінің сарапшысы",
        "Эксперт службы внутреннего аудита",
        "Expert, Internal Audit Service",
        Field.ECONOMICS,
    ),
    (
        "Байланыс және ақпарат басқармасының бас сарапшысы",
        "Главный эксперт управления связи и информации",
        "Chief expert, Communications Division",
        Field.IT,
    ),
    (
        "Персоналды басқару қызметінің жетекші маманы",
        "Ведущий специалист службы управления персоналом",
        "Leading specialist, Human Resources Service",
        Field.PUBLIC_ADMIN,
    ),
    (
        "Стратегиялық жоспарлау бөлімінің бас сарапшысы",
        "Главный эксперт отдела стратегического планирования",
        "Chief expert, Strategic Planning Unit",
        Field.ECONOMICS,
    ),
]


# Whom a candidate asks about a vacancy: the HR unit of each demo body (fictitious).
HR_CONTACTS = {
    "mdai": ("Aigerim Sadykova", "hr.unit@mdai.demo.eqyzmet.kz", "+7 7172 74 01 15"),
    "mdai-egov": ("Nurlan Abenov", "hr.unit@egov.demo.eqyzmet.kz", "+7 7172 74 02 31"),
    "minfin": ("Saule Ermekova", "hr.unit@minfin.demo.eqyzmet.kz", "+7 7172 71 77 40"),
}
D = Vacancy.RequiredDocument
DEMO_DOCUMENTS = [D.APPLICATION_FORM, D.PERSONNEL_RECORD, D.ID_CARD, D.EDUCATION]


def _vacancy_details(body: StateBody, n: int) -> dict:
    """Posts, contact and documents of a demo vacancy: every one shows all three."""
    name, email, phone = HR_CONTACTS.get(body.code, HR_CONTACTS["mdai"])
    documents = [*DEMO_DOCUMENTS, D.EMPLOYMENT_RECORD, D.MEDICAL]
    if n % 2:
        documents.append(D.LANGUAGE)
    return {
        "posts": 1 + n % 3,
        "contact_name": name,
        "contact_email": email,
        "contact_phone": phone,
        "required_documents": [str(d) for d in documents],
    }


def _vacancy(body: StateBody, n: int, *, title: int | None = None, **extra) -> Vacancy:
    """The body's vacancy with one of the demo titles (the first three cycle with ``n``)."""
    kk, ru, en, field = VACANCY_TITLES[n % 3 if title is None else title]
    vacancy = Vacancy.objects.filter(state_body=body, title_en=en).first()
    if vacancy:
        if not vacancy.contact_email:
            # Seeded before vacancies had a contact: filled in once, as a new seed would.
            details = _vacancy_details(body, n)
            Vacancy.objects.filter(pk=vacancy.pk).update(**details)
            for key, value in details.items():
                setattr(vacancy, key, value)
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
        **_vacancy_details(body, n),
        **extra,
    )


MDAI_COMMISSION = (
    "commission@demo.eqyzmet.kz",
    "commission2@demo.eqyzmet.kz",
    "commission3@demo.eqyzmet.kz",
)
MINFIN_COMMISSION = ("commission.finance1@demo.eqyzmet.kz", "commission.finance2@demo.eqyzmet.kz")


def _competition(
    number, body, vacancy, *, opens, closes, commission=MDAI_COMMISSION
) -> tuple[Competition, bool]:
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
    for i, email in enumerate(commission):
        user = demo_account(email)
        staff_assign(user=user, role=Role.COMMISSION_MEMBER, state_body=body)
        CommissionMember.objects.create(
            competition=competition,
            user=user,
            role=CommissionMember.Role.CHAIR if i == 0 else CommissionMember.Role.MEMBER,
        )
    return competition, True


# --- Driving a competition through the procedure -------------------------------------------
# One applicant's way through the stage plan: the legislation test (correct answers of 55 and
# whether the section minimums were met), the personal-qualities score (of 100), and the
# marks of two commission members (commission2@ and commission3@) for the essay and the
# interview. ``None``: the applicant does not get that far (or is not marked yet).


class Script(NamedTuple):
    email: str
    test: tuple[int, bool]
    qualities: int | None = None
    essay: tuple[str, ...] | None = None
    interview: tuple[str, ...] | None = None


DEMO_EMAIL = "candidate@demo.eqyzmet.kz"
MARKERS = ("commission2@demo.eqyzmet.kz", "commission3@demo.eqyzmet.kz")
INTERVIEW_REVEAL_REASON = (
    "The commission interviews the shortlisted candidates in person (procedure, interview stage)."
)
WINNER_REVEAL_REASON = "Document check of the winner before the appointment order."


def _applied(number, body, vacancy, emails, *, hr, days_ago: int):
    """A published competition whose applicants have applied and whose application window
    has closed. Returns (competition, {e-mail: application}), or (None, {}) if it exists."""
    now = timezone.now()
    competition, created = _competition(
        number,
        body,
        vacancy,
        opens=now - dt.timedelta(days=days_ago),
        closes=now + dt.timedelta(minutes=1),
    )
    if not created:
        return None, {}
    services.competition_publish(competition=competition, actor=hr)
    applications = {
        email: services.application_submit(
            user=User.objects.get(email=email),
            competition=competition,
            vacancy=vacancy,
            consent=True,
        )
        for email in emails
    }
    # Time passes: the application deadline is reached (moved from a minute ahead to now) and
    # the stages' windows open now.
    now = timezone.now()
    Competition.objects.filter(pk=competition.pk).update(applications_close_at=now)
    competition.stages.update(opens_at=now - dt.timedelta(minutes=1))
    competition.refresh_from_db()
    services.competition_close_applications(competition=competition, actor=hr)
    return competition, applications


def _seats(competition: Competition, *, visitor_declares: bool) -> dict[str, CommissionMember]:
    """The commission declares no conflict of interest; commission@ (the visitor's account)
    is left to declare for themselves where the tour needs it."""
    seats = {}
    for seat in competition.commission.select_related("user"):
        seats[seat.user.email] = seat
        if seat.declared_at is None and (
            visitor_declares or seat.user.email != "commission@demo.eqyzmet.kz"
        ):
            services.commission_declare(member=seat, has_conflict=False)
    return seats


def _mark(seats, applications, marks: dict[str, tuple[str, ...]]) -> None:
    for email, scores in marks.items():
        for member_email, score in zip(MARKERS, scores, strict=False):
            services.commission_mark(
                member=seats[member_email],
                application=applications[email],
                score=Decimal(score),
                comment="",
            )


def _written_stages(competition, applications, scripts, *, hr, visitor_declares=True):
    """Both tests and the essay, ending with the written stages locked and the interview
    shortlist fixed."""
    stages = {s.kind: s for s in competition.stages.all()}
    seats = _seats(competition, visitor_declares=visitor_declares)
    services.competition_advance(competition=competition, actor=hr)  # the test opens
    for s in scripts:
        score, passed = s.test
        stage_result_record(
            application_id=applications[s.email].pk,
            stage_id=stages[Stage.Kind.LEGISLATION_TEST].pk,
            score=Decimal(score),
            passed=passed,
            actor=hr,
        )
    # Everyone admitted has finished: the test ends (results published to the candidates)
    # and the personal-qualities assessment opens for those who passed.
    services.competition_advance(competition=competition, actor=hr)
    for s in scripts:
        if s.qualities is not None:
            stage_result_record(
                application_id=applications[s.email].pk,
                stage_id=stages[Stage.Kind.PERSONAL_QUALITIES].pk,
                score=Decimal(s.qualities),
                passed=True,
                actor=hr,
            )
    services.competition_advance(competition=competition, actor=hr)  # the essay opens
    _mark(seats, applications, {s.email: s.essay for s in scripts if s.essay})
    # The essay ends; the written stages are locked with the interview shortlist.
    services.competition_advance(competition=competition, actor=hr)
    return seats


def _interview_opened(competition, *, hr) -> list[Application]:
    """HR reveals the shortlist to the commission (each reveal audited, with its reason, and
    reported to ethics) and opens the interview."""
    shortlist = list(
        competition.applications.filter(
            status=Application.Status.ADMITTED, current_stage__kind=Stage.Kind.INTERVIEW
        ).order_by("code")
    )
    for application in shortlist:
        services.application_reveal(
            application=application,
            actor=hr,
            purpose=IdentityReveal.Purpose.INTERVIEW,
            reason=INTERVIEW_REVEAL_REASON,
        )
    services.competition_advance(competition=competition, actor=hr)
    return shortlist


def _ranked(number, body, vacancy, scripts, *, hr, days_ago):
    """A competition run to the locked ranking; (None, {}) if it already exists."""
    competition, applications = _applied(
        number, body, vacancy, [s.email for s in scripts], hr=hr, days_ago=days_ago
    )
    if competition is None:
        return None, {}
    seats = _written_stages(competition, applications, scripts, hr=hr)
    _interview_opened(competition, hr=hr)
    _mark(seats, applications, {s.email: s.interview for s in scripts if s.interview})
    services.competition_lock_ranking(competition=competition, actor=hr)
    return competition, applications


def _winner(competition: Competition) -> Application:
    return competition.applications.get(status=Application.Status.WINNER)


def _appeal_window_passes(competition: Competition) -> None:
    """Time passes: every stage's results were published longer ago than the appeal window
    (``results_published_at`` moved back by the window and a day), so appointing is allowed."""
    competition.stages.update(
        results_published_at=timezone.now() - dt.timedelta(days=competition.appeal_window_days + 1)
    )


def _seed_procedure(hr: User, mdai: StateBody) -> None:
    """KZ-2026-MDAI-0004 … 0011: one competition at each remaining status."""
    # 4. Draft: planned, not yet published; HR may still edit it.
    now = timezone.now()
    _competition(
        "KZ-2026-MDAI-0004",
        mdai,
        _vacancy(mdai, 4, title=3),
        opens=now + dt.timedelta(days=2),
        closes=now + dt.timedelta(days=23),
    )

    # 5. Applications closed: four applied (one does not meet the requirements); the first
    # stage has not been opened yet, and its window opens in a week. dana@ has asked for
    # reasonable adjustments, for adjustments@ to decide.
    closed, applied = _applied(
        "KZ-2026-MDAI-0005",
        mdai,
        _vacancy(mdai, 5, title=4),
        [
            "dana@demo.eqyzmet.kz",
            "erlan@demo.eqyzmet.kz",
            "aliya@demo.eqyzmet.kz",
            "gulnar@demo.eqyzmet.kz",
        ],
        hr=hr,
        days_ago=25,
    )
    if closed is not None:
        closed.stages.update(opens_at=now + dt.timedelta(days=7))
        adjustment_request(
            user=User.objects.get(email="dana@demo.eqyzmet.kz"),
            application=applied["dana@demo.eqyzmet.kz"],
            extra_time=ExtraTime.PERCENT_25,
            formats=[AdjustmentFormat.LARGE_PRINT],
            reason=(
                "Low vision after an eye operation in 2025: I read slowly and need "
                "large print; the ophthalmologist's letter is attached to my file."
            ),
        )

    # 6. Written stages locked: three codes shortlisted for the interview, not yet revealed
    # to the commission; one failed the test, one the essay.
    scripts = [
        Script("arman@demo.eqyzmet.kz", (45, True), 74, ("4", "4")),
        Script("dana@demo.eqyzmet.kz", (36, True), 81, ("3.5", "4")),
        Script("erlan@demo.eqyzmet.kz", (41, True), 69, ("4.5", "4")),
        Script("bauyrzhan@demo.eqyzmet.kz", (33, True), 77, ("2.5", "3")),
        Script("madina@demo.eqyzmet.kz", (29, False)),
    ]
    competition, applications = _applied(
        "KZ-2026-MDAI-0006",
        mdai,
        _vacancy(mdai, 6, title=5),
        [s.email for s in scripts],
        hr=hr,
        days_ago=40,
    )
    if competition is not None:
        _written_stages(competition, applications, scripts, hr=hr)

    # 7. Interview: the shortlist is revealed to the commission; commission2@ has marked all
    # three, commission3@ one — commission@ (the visitor) declares and completes the quorum.
    # The demo candidate failed the test; its result is published and may be appealed.
    scripts = [
        Script(DEMO_EMAIL, (27, False)),
        Script("timur@demo.eqyzmet.kz", (42, True), 70, ("4", "4.5"), ("3.5",)),
        Script("erlan@demo.eqyzmet.kz", (39, True), 75, ("3.5", "3.5"), ("4.5",)),
        Script("nurzhan@demo.eqyzmet.kz", (35, True), 68, ("3", "3.5")),
        Script("saltanat@demo.eqyzmet.kz", (40, True), 83, ("4.5", "4.5"), ("4", "4.5")),
    ]
    competition, applications = _applied(
        "KZ-2026-MDAI-0007",
        mdai,
        _vacancy(mdai, 7, title=6),
        [s.email for s in scripts],
        hr=hr,
        days_ago=45,
    )
    if competition is not None:
        seats = _written_stages(competition, applications, scripts, hr=hr, visitor_declares=False)
        _interview_opened(competition, hr=hr)
        _mark(seats, applications, {s.email: s.interview for s in scripts if s.interview})

    # 8. Ranking locked: two codes tie on 8.5 and the interview breaks the tie; results not
    # yet published.
    _ranked(
        "KZ-2026-MDAI-0008",
        mdai,
        _vacancy(mdai, 8, title=7),
        [
            Script("arman@demo.eqyzmet.kz", (47, True), 76, ("4.5", "4"), ("4", "4.5")),
            Script("dana@demo.eqyzmet.kz", (38, True), 82, ("4", "4"), ("4.5", "4.5")),
            Script("kanat@demo.eqyzmet.kz", (44, True), 71, ("3.5", "4"), ("3", "3.5")),
            Script("gulnar@demo.eqyzmet.kz", (36, True), 65, ("3", "3.5")),
        ],
        hr=hr,
        days_ago=60,
    )

    # 9. Results published: the demo candidate failed the interview with 2.50, appealed, and
    # the upheld appeal (4.50) re-ranked them second, into the reserve; the winner has been
    # revealed; the reserve candidate's appeal waits for HR's decision.
    competition, applications = _ranked(
        "KZ-2026-MDAI-0009",
        mdai,
        _vacancy(mdai, 9, title=8),
        [
            Script("arman@demo.eqyzmet.kz", (44, True), 80, ("4.5", "4.5"), ("4.5", "4.5")),
            Script("timur@demo.eqyzmet.kz", (40, True), 72, ("3.5", "3.5"), ("3.5", "4")),
            Script(DEMO_EMAIL, (38, True), 75, ("4", "4"), ("2.5", "2.5")),
            Script("madina@demo.eqyzmet.kz", (35, True), 66, ("3", "3")),
            Script("nurzhan@demo.eqyzmet.kz", (27, False)),
        ],
        hr=hr,
        days_ago=75,
    )
    if competition is not None:
        services.competition_publish_results(competition=competition, actor=hr)
        interview = competition.stages.get(kind=Stage.Kind.INTERVIEW)
        appeal = services.appeal_submit(
            user=User.objects.get(email=DEMO_EMAIL),
            application=applications[DEMO_EMAIL],
            stage=interview,
            text="The commission did not ask me the questions on the second topic of the "
            "interview plan, so my answers there could not be marked.",
        )
        services.appeal_decide(
            appeal=appeal,
            actor=hr,
            upheld=True,
            answer="Upheld: the recording confirms the second topic was skipped; the "
            "commission re-marked the interview at 4.50.",
            corrected_score=Decimal("4.5"),
        )
        services.application_reveal(
            application=_winner(competition),
            actor=hr,
            purpose=IdentityReveal.Purpose.WINNER,
            reason=WINNER_REVEAL_REASON,
        )
        services.appeal_submit(
            user=User.objects.get(email="timur@demo.eqyzmet.kz"),
            application=applications["timur@demo.eqyzmet.kz"],
            stage=interview,
            text="One commission member marked my interview before I had answered the last "
            "question; I ask for the marks to be reviewed.",
        )
        _appeal_window_passes(competition)

    # 10. Closed: the winner was revealed and, after the appeal window, appointed.
    competition, applications = _ranked(
        "KZ-2026-MDAI-0010",
        mdai,
        _vacancy(mdai, 10, title=9),
        [
            Script("erlan@demo.eqyzmet.kz", (43, True), 70, ("4", "4.5"), ("4", "4")),
            Script("saltanat@demo.eqyzmet.kz", (41, True), 79, ("4.5", "5"), ("4.5", "4.5")),
            Script("bauyrzhan@demo.eqyzmet.kz", (37, True), 74, ("3.5", "3.5"), ("3.5", "3")),
            Script("kanat@demo.eqyzmet.kz", (39, True), 68, ("3", "3")),
        ],
        hr=hr,
        days_ago=120,
    )
    if competition is not None:
        services.competition_publish_results(competition=competition, actor=hr)
        winner = _winner(competition)
        services.application_reveal(
            application=winner,
            actor=hr,
            purpose=IdentityReveal.Purpose.WINNER,
            reason=WINNER_REVEAL_REASON,
        )
        _appeal_window_passes(competition)
        # Its legislation test, analysed: a cohort of papers in Kazakh and Russian with one
        # planted item biased against Kazakh-language candidates (item analysis, DIF class C).
        testing_demo.analysed_sitting_seed(
            stage_id=competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST).pk
        )
        services.application_appoint(application=winner, actor=hr)
        services.competition_close(competition=competition, actor=hr)

    # 11. Cancelled while accepting applications (the post was abolished).
    now = timezone.now()
    competition, created = _competition(
        "KZ-2026-MDAI-0011",
        mdai,
        _vacancy(mdai, 11, title=10),
        opens=now - dt.timedelta(days=10),
        closes=now + dt.timedelta(days=11),
    )
    if created:
        services.competition_publish(competition=competition, actor=hr)
        for email in ("dana@demo.eqyzmet.kz", "kanat@demo.eqyzmet.kz"):
            services.application_submit(
                user=User.objects.get(email=email),
                competition=competition,
                vacancy=competition.vacancies.get(),
                consent=True,
            )
        services.competition_cancel(
            competition=competition,
            actor=hr,
            reason="The post was abolished when the ministry's structure was reorganised.",
        )


def _first_mark(competition: Competition, email: str, score: Decimal) -> None:
    """commission2@ declares and marks one essay (commission@ is left for the visitor)."""
    seat = CommissionMember.objects.get(
        competition=competition, user__email="commission2@demo.eqyzmet.kz"
    )
    if seat.declared_at is None:
        services.commission_declare(member=seat, has_conflict=False)
    application_id = candidate_application_id(
        user=User.objects.get(email=email), competition_id=competition.pk
    )
    services.commission_mark(
        member=seat, application=Application.objects.get(pk=application_id), score=score
    )


def _seed_tests(testing: Competition, essay: Competition, stdout) -> None:
    """The testing center's papers for the two competitions at a test stage (its demo loaded
    the bank and blueprints first): the recruitment orchestrates, the engine gets stage ids."""
    tests = {
        "kz-legislation": Stage.Kind.LEGISLATION_TEST,
        "kz-personal-qualities": Stage.Kind.PERSONAL_QUALITIES,
        "kz-essay": Stage.Kind.ESSAY,
    }
    stage_ids = dict(testing.stages.filter(kind__in=tests.values()).values_list("kind", "pk"))
    testing_demo.competition_tests_seed(
        stages={code: stage_ids[kind] for code, kind in tests.items() if kind in stage_ids}
    )
    essay_stage = essay.stages.get(kind=Stage.Kind.ESSAY)
    if testing_demo.essay_sitting_seed(stage_id=essay_stage.pk):
        # Another member's first mark is far from the AI's: double marking as well.
        _first_mark(essay, "arman@demo.eqyzmet.kz", Decimal(5))
    stdout.write(f"Testing center: essays of {essay.number} ready for the commission.")


def seed(stdout) -> None:
    hr = User.objects.get(email="hr@demo.eqyzmet.kz")
    mdai = StateBody.objects.get(code="mdai")
    egov = StateBody.objects.get(code="mdai-egov")
    minfin = StateBody.objects.get(code="minfin")
    candidates = [_candidate(*row) for row in DEMO_CANDIDATES]
    now = timezone.now()

    # 1. Open for applications: every demo candidate but the demo candidate has applied.
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
        commission=MINFIN_COMMISSION,
    )
    if created:
        services.competition_publish(
            competition=finance, actor=User.objects.get(email="hr.finance@demo.eqyzmet.kz")
        )
    _seed_procedure(hr, mdai)
    _seed_tests(testing, essay, stdout)
    demo_contracts.seed(stdout)
    # A locked competition whose legislation test shows adverse impact (issue 18).
    fairness_demo_seed(
        competition_factory=lambda number, opens, closes: _competition(
            number, mdai, _vacancy(mdai, 0), opens=opens, closes=closes
        )
    )
    stdout.write(
        f"Recruitment: {Competition.objects.count()} competitions, "
        f"{Vacancy.objects.count()} vacancies; demo candidate admitted to the test of "
        f"{testing.number}."
    )
