"""Building blocks for internship tests: an internship of a body, an applicant with a
profile, a status document and an application."""

from __future__ import annotations

import datetime as dt
from itertools import count

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from careers.internships import services
from careers.models_internships import Internship, Standing

_n = count(1)

MOTIVATION = (
    "I want to learn how public services are designed and help make them simpler for "
    "citizens; my studies in data analysis would be useful to the team."
)


def make_internship(*, body, **overrides) -> Internship:
    n = next(_n)
    now = timezone.now()
    today = timezone.localdate()
    values = {
        "state_body": body,
        "title_kk": f"Тағылымдама {n}",
        "title_ru": f"Стажировка {n}",
        "title_en": f"Internship {n}",
        "description_kk": "Сипаттама",
        "description_ru": "Описание",
        "description_en": "Description",
        "region": "Astana",
        "starts_on": today + dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=90),
        "places": 2,
        "open_to_students": True,
        "min_year_of_study": 3,
        "open_to_graduates": True,
        "graduated_within_years": 2,
        "fields": ["it", "law"],
        "applications_open_at": now - dt.timedelta(days=1),
        "applications_close_at": now + dt.timedelta(days=10),
        "is_published": True,
    }
    values.update(overrides)
    return Internship.objects.create(**values)


def status_pdf(text: str = "student certificate") -> SimpleUploadedFile:
    return SimpleUploadedFile("my card.pdf", f"%PDF-1.4\n% {text}\n".encode())


def student(year: int = 3, field: str = "it", level: int = 3) -> services.Declared:
    return services.Declared(
        standing=Standing.STUDENT, level=level, field=field, year_of_study=year
    )


def apply(user, internship, *, declared=None, motivation=MOTIVATION, document=None):
    return services.internship_apply(
        user=user,
        internship=internship,
        declared=declared or student(),
        motivation=motivation,
        document=document if document is not None else status_pdf(),
    )


def close_window(internship) -> None:
    Internship.objects.filter(pk=internship.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=5),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    internship.refresh_from_db()
