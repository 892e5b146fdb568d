"""Building blocks for testing-center tests: a small bank, blueprints, and a competition
stage with admitted anonymous applications, made directly with the ORM."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from itertools import count

from django.utils import timezone

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.models import Application, Competition, IdentityEscrow, Stage, Vacancy
from recruitment.public import owner_index
from testing_center.models import Blueprint, BlueprintSection, Question, Sitting, Topic
from tests.factories import UserFactory, make_state_body

_n = count(1)


def make_topic(code: str | None = None, *, practice: bool = False, owner=None) -> Topic:
    code = code or f"topic-{next(_n)}"
    return Topic.objects.create(
        code=code,
        name_kk=f"{code} kk",
        name_ru=f"{code} ru",
        name_en=f"{code} en",
        is_practice=practice,
        owner_body=owner,
    )


def make_question(topic: Topic, *, kind: str = "single", status: str = "active", **extra):
    n = next(_n)
    values = {
        "topic": topic,
        "external_id": f"q-{n}",
        "kind": kind,
        "text_ru": f"Вопрос {n}",
        "text_en": f"Question {n}",
        "options": [
            {"id": "a", "ru": f"Верно {n}", "en": f"Right {n}", "kk": ""},
            {"id": "b", "ru": "Неверно 1", "en": "Wrong 1", "kk": ""},
            {"id": "c", "ru": "Неверно 2", "en": "Wrong 2", "kk": ""},
            {"id": "d", "ru": "Неверно 3", "en": "Wrong 3", "kk": ""},
        ],
        "key": ["a"],
        "status": status,
    }
    if kind == "short_text":
        values.update(options=[], key=["ответ"])
    if kind == "essay":
        values.update(options=[], key=[])
    values.update(extra)
    return Question.objects.create(**values)


def make_blueprint(
    sections: list[tuple[Topic, int, int | None]],
    *,
    code: str | None = None,
    time_limit: int = 600,
    grace: int = 10,
    pass_min_correct: int | None = None,
    practice: bool = False,
    **extra,
) -> Blueprint:
    blueprint = Blueprint.objects.create(
        code=code or f"bp-{next(_n)}",
        name_kk="Тест",
        name_ru="Тест",
        name_en="Test",
        time_limit_seconds=time_limit,
        grace_seconds=grace,
        pass_min_correct=pass_min_correct,
        is_practice=practice,
        **extra,
    )
    for position, (topic, items, min_correct) in enumerate(sections, start=1):
        BlueprintSection.objects.create(
            blueprint=blueprint,
            position=position,
            topic=topic,
            item_count=items,
            points_per_item=Decimal(1),
            min_correct=min_correct,
        )
    return blueprint


def small_bank(*, sections: int = 2, per_topic: int = 4, practice: bool = False) -> list[Topic]:
    topics = []
    for _ in range(sections):
        topic = make_topic(practice=practice)
        for _ in range(per_topic):
            make_question(topic)
        topics.append(topic)
    return topics


@dataclass
class Contest:
    body: object
    hr: object
    competition: Competition
    stage: Stage
    sitting: Sitting
    blueprint: Blueprint


def make_contest(*, blueprint: Blueprint, body=None, opens=None, closes=None) -> Contest:
    body = body or make_state_body()
    hr = UserFactory()
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=body)
    now = timezone.now()
    competition = Competition.objects.create(
        state_body=body,
        number=f"KZ-TC-{next(_n):05d}",
        applications_open_at=now - dt.timedelta(days=10),
        applications_close_at=now - dt.timedelta(days=1),
    )
    stage = Stage.objects.create(
        competition=competition,
        kind=Stage.Kind.LEGISLATION_TEST,
        position=1,
        max_score=Decimal(55),
        weight=Decimal(0),
        opens_at=opens or now - dt.timedelta(hours=1),
        closes_at=closes or now + dt.timedelta(hours=3),
    )
    sitting = Sitting.objects.create(stage=stage, blueprint=blueprint)
    return Contest(body, hr, competition, stage, sitting, blueprint)


def make_vacancy(body) -> Vacancy:
    return Vacancy.objects.create(
        state_body=body,
        title_kk="Сарапшы",
        title_ru="Эксперт",
        title_en="Expert",
        category=Vacancy.Category.B,
        grade="B-4",
        duties_kk="-",
        duties_ru="-",
        duties_en="-",
        region="Astana",
        salary_min=1,
        salary_max=2,
    )


def make_application(contest: Contest, *, user=None, status: str = "admitted") -> Application:
    """An anonymous application of ``user`` (a new candidate if none) at the contest's stage."""
    n = next(_n)
    vacancy = contest.competition.vacancies.first()
    if vacancy is None:
        vacancy = make_vacancy(contest.body)
        contest.competition.vacancies.add(vacancy)
    application = Application.objects.create(
        competition=contest.competition,
        vacancy=vacancy,
        code=f"T{n % 10}-{secrets.token_hex(4).upper()}",
        status=status,
        qualifications={},
        submitted_at=timezone.now(),
        current_stage=contest.stage,
    )
    if user is not None:
        IdentityEscrow.objects.create(
            application_id=application.pk,
            competition_id=contest.competition.pk,
            owner_index=owner_index(user.pk),
            owner=str(user.pk),
            active=True,
        )
    return application


def make_candidate():
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    return user
