"""Demo internships (issue 17): one open for applications at the Ministry of Finance, and one
at the Ministry of Digital Development whose window has closed with two anonymous
applications waiting for the HR officer's selection. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.utils import timezone

from careers.internships import services
from careers.models_internships import Internship, Standing
from eqyzmet.models import StateBody, User

DIGITAL = {
    "title_kk": "«Цифрлық үкімет» жазғы тағылымдамасы",
    "title_ru": "Летняя стажировка «Цифровое правительство»",
    "title_en": "Digital government summer internship",
    "description_kk": "Мемлекеттік қызметтерді цифрландыру жобаларына қатысу: пайдаланушылардың "
    "өтініштерін талдау, қызмет көрсету процестерінің сипаттамасын дайындау, тестілеу.",
    "description_ru": "Участие в проектах цифровизации государственных услуг: анализ обращений "
    "пользователей, подготовка описаний процессов оказания услуг, тестирование.",
    "description_en": "Take part in digitising public services: analyse users' requests, "
    "describe how services are delivered, and help test them.",
    "region": "Astana",
    "places": 3,
    "min_year_of_study": 2,
    "graduated_within_years": 2,
    "fields": ["it", "public_admin", "engineering"],
}
FINANCE = {
    "title_kk": "Бюджеттік жоспарлау бойынша тағылымдама",
    "title_ru": "Стажировка по бюджетному планированию",
    "title_en": "Budget planning internship",
    "description_kk": "Бюджеттік бағдарламаларды талдау, есептерді дайындауға көмектесу, "
    "мемлекеттік қаржы туралы ашық деректермен жұмыс.",
    "description_ru": "Анализ бюджетных программ, помощь в подготовке отчётов, работа с "
    "открытыми данными о государственных финансах.",
    "description_en": "Analyse budget programmes, help prepare reports and work with open data "
    "on public finance.",
    "region": "Astana",
    "places": 2,
    "min_year_of_study": 3,
    "graduated_within_years": 1,
    "fields": ["economics", "law"],
}
APPLICANTS = [
    (
        "aliya@demo.eqyzmet.kz",
        Standing.STUDENT,
        4,
        "it",
        2,
        "Мені мемлекеттік қызметтерді азаматтарға ыңғайлы ету қызықтырады. Университетте "
        "деректерді талдау курсын оқыдым және өтініштерді өңдеудің қарапайым құралын жасадым.",
    ),
    (
        "dana@demo.eqyzmet.kz",
        Standing.STUDENT,
        3,
        "public_admin",
        4,
        "Меня зовут Дана Нурланова, я учусь на четвёртом курсе. Хочу понять, как устроены "
        "государственные услуги изнутри, и помочь сделать их проще для людей старшего возраста.",
    ),
]


def _internship(body: StateBody, spec: dict, *, opens, closes, starts) -> tuple[Internship, bool]:
    existing = Internship.objects.filter(state_body=body, title_en=spec["title_en"]).first()
    if existing is not None:
        return existing, False
    return (
        Internship.objects.create(
            state_body=body,
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=60),
            applications_open_at=opens,
            applications_close_at=closes,
            is_published=True,
            **spec,
        ),
        True,
    )


def seed(stdout) -> None:
    now = timezone.now()
    today = timezone.localdate()
    _internship(
        StateBody.objects.get(code="minfin"),
        FINANCE,
        opens=now - dt.timedelta(days=2),
        closes=now + dt.timedelta(days=30),
        starts=today + dt.timedelta(days=45),
    )
    digital, created = _internship(
        StateBody.objects.get(code="mdai"),
        DIGITAL,
        opens=now - dt.timedelta(days=20),
        closes=now + dt.timedelta(days=1),
        starts=today + dt.timedelta(days=14),
    )
    if created:
        for email, standing, level, field, year, motivation in APPLICANTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                continue
            services.internship_apply(
                user=user,
                internship=digital,
                declared=services.Declared(
                    standing=standing, level=level, field=field, year_of_study=year
                ),
                motivation=motivation,
                document=ContentFile(b"%PDF-1.4\n% demo student certificate\n", name="status.pdf"),
            )
        # The window has closed: the HR officer of the ministry can select by code now.
        Internship.objects.filter(pk=digital.pk).update(
            applications_close_at=now - dt.timedelta(hours=1)
        )
    stdout.write(
        f"Internships: {Internship.objects.count()} "
        f"({digital.applications.count()} applications to '{digital.title_en}')."
    )
