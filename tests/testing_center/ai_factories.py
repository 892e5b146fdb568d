"""An essay stage with a commission, candidates who wrote essays online, and a synthetic
set of human-scored answers whose score is the number of key ideas an answer holds."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.models import Application, CommissionMember, Competition, Stage
from testing_center.delivery import attempt_save_many, attempt_start, attempt_submit
from testing_center.models import Attempt, Blueprint, Question
from testing_center.scoring.papers import attempt_score
from tests.factories import UserFactory
from tests.testing_center.factories import (
    Contest,
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    make_question,
    make_topic,
)

KEY_IDEAS = [
    "открытость данных о работе органов",
    "соблюдение сроков оказания услуг",
    "обратная связь с гражданами",
    "этика и честность служащих",
    "антикоррупционные меры и прозрачность",
]
FILLER = [
    "мне кажется это важная тема",
    "в нашем городе многое меняется",
    "государственная служба нужна обществу",
    "люди часто ждут перемен",
    "каждый должен делать свою работу",
    "вопрос непростой и требует размышлений",
]


def synthetic_answer(score: int, rng: random.Random) -> str:
    ideas = rng.sample(KEY_IDEAS, score)
    filler = rng.sample(FILLER, 3)
    parts = ideas + filler
    rng.shuffle(parts)
    return ". ".join(p.capitalize() for p in parts) + "."


def scored_answers_csv(question: Question, *, per_score: int = 12, seed: int = 0) -> bytes:
    """``per_score`` answers for each score 0..5, in the shared graded-answer CSV format."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_id", "answer_id", "answer", "score"])
    n = 0
    for score in range(6):
        for _ in range(per_score):
            n += 1
            writer.writerow([question.external_id, f"a{n}", synthetic_answer(score, rng), score])
    return out.getvalue().encode()


@dataclass
class EssayContest(Contest):
    question: Question
    members: list


def make_essay_contest(*, members: int = 3, quorum: tuple[int, int] = (2, 3)) -> EssayContest:
    topic = make_topic()
    question = make_question(
        topic,
        kind="essay",
        points=Decimal(5),
        reference_answer=" ".join(KEY_IDEAS),
        rubric=[
            {"criterion": "ideas", "ru": "Идеи", "en": "Ideas", "max": 4},
            {"criterion": "language", "ru": "Язык", "en": "Language", "max": 1},
        ],
    )
    blueprint = make_blueprint([(topic, 1, None)], kind=Blueprint.Kind.ESSAY, time_limit=2700)
    contest = make_contest(blueprint=blueprint)
    Stage.objects.filter(pk=contest.stage.pk).update(
        kind=Stage.Kind.ESSAY, max_score=Decimal(5), pass_score=Decimal(3), weight=Decimal(1)
    )
    contest.stage.refresh_from_db()
    Competition.objects.filter(pk=contest.competition.pk).update(
        status=Competition.Status.ESSAY, quorum_numerator=quorum[0], quorum_denominator=quorum[1]
    )
    contest.competition.refresh_from_db()
    seats = []
    for i in range(members):
        user = UserFactory()
        staff_assign(user=user, role=Role.COMMISSION_MEMBER, state_body=contest.body)
        seats.append(
            CommissionMember.objects.create(
                competition=contest.competition,
                user=user,
                role=CommissionMember.Role.CHAIR if i == 0 else CommissionMember.Role.MEMBER,
                declared_at=timezone.now(),
            )
        )
    return EssayContest(
        contest.body,
        contest.hr,
        contest.competition,
        contest.stage,
        contest.sitting,
        contest.blueprint,
        question,
        seats,
    )


def write_essay(
    contest: EssayContest, text: str, *, score: bool = True
) -> tuple[Application, Attempt]:
    """A candidate sits the essay online and hands it in; unless ``score`` is False (a
    worker will), the paper is scored at once and waits for preparation."""
    user = make_candidate()
    application = make_application(contest, user=user)
    attempt = attempt_start(user=user, sitting=contest.sitting, language="ru")
    item = attempt.items.get()
    attempt_save_many(attempt=attempt, answers={item.position: text})
    attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
    if score:
        attempt_score(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return application, attempt
