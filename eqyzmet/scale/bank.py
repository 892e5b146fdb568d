"""The question bank and the two test blueprints the seeded competitions use.

The legislation test as the rules set it (55 items: Constitution 15, Law on Civil Service
15, Law on Combating Corruption 15, Code of Ethics 10; pass with 30 correct and 5 in every
section) drawn from 60 questions per topic, and a 25-item five-point personal-qualities
questionnaire (0 to 4 points an item, 100 at most). Each question has a difficulty the
seeded candidates answer against, so item analysis finds easy, hard and weak items.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from eqyzmet.scale.loader import AuditLog, Loader, model
from eqyzmet.scale.plan import LEGISLATION_ITEMS, QUALITIES_ITEMS

QUESTIONS_PER_TOPIC = 60
OPTION_IDS = ("a", "b", "c", "d")
LIKERT_IDS = ("a", "b", "c", "d", "e")
LIKERT_TEXT = [
    ("Мүлдем келіспеймін", "Совершенно не согласен", "Strongly disagree"),
    ("Келіспеймін", "Не согласен", "Disagree"),
    ("Бейтараппын", "Затрудняюсь ответить", "Neither agree nor disagree"),
    ("Келісемін", "Согласен", "Agree"),
    ("Толық келісемін", "Полностью согласен", "Strongly agree"),
]
LEGISLATION_TOPICS = [
    # code, kk, ru, en, items drawn
    ("constitution", "Конституция", "Конституция", "Constitution", 15),
    ("civil-service", "Мемлекеттік қызмет туралы заң", "Закон о государственной службе",
     "Law on Civil Service", 15),
    ("anti-corruption", "Сыбайлас жемқорлыққа қарсы іс-қимыл туралы заң",
     "Закон о противодействии коррупции", "Law on Combating Corruption", 15),
    ("ethics-code", "Әдеп кодексі", "Этический кодекс", "Code of Ethics", 10),
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Section:
    position: int
    code: str
    names: tuple[str, str, str]
    items: int
    min_correct: int | None
    questions: tuple[int, ...]


@dataclass(slots=True)
class Test:
    blueprint_id: int
    code: str
    scale: bool
    time_limit: int
    grace: int
    pass_min_correct: int | None
    sections: list[Section]


@dataclass(slots=True)
class Bank:
    legislation: Test
    qualities: Test
    # Single-choice key and difficulty (chance a middling candidate answers right).
    keys: dict[int, str] = field(default_factory=dict)
    difficulty: dict[int, float] = field(default_factory=dict)


def bank_create(
    *, loader: Loader, audit: AuditLog, rng: random.Random, run: int, now: dt.datetime
) -> Bank:
    topic = model("testing_center.Topic")
    question = model("testing_center.Question")
    topics = [(f"s{run}-{c}", kk, ru, en, n) for c, kk, ru, en, n in LEGISLATION_TOPICS]
    qualities_code = f"s{run}-personal-qualities"
    topics.append(
        (qualities_code, "Тұлғалық қасиеттер", "Личные качества", "Personal qualities", 25)
    )
    first_topic = loader.ids(topic, len(topics))
    loader.copy(
        topic,
        ["id", "code", "name_kk", "name_ru", "name_en", "is_practice", "owner_body"],
        [
            (first_topic + n, c, kk, ru, en, False, None)
            for n, (c, kk, ru, en, _i) in enumerate(topics)
        ],
    )
    per_topic = [QUESTIONS_PER_TOPIC] * len(LEGISLATION_TOPICS) + [QUALITIES_ITEMS]
    first_question = loader.ids(question, sum(per_topic))
    rows, revisions = [], []
    keys: dict[int, str] = {}
    difficulty: dict[int, float] = {}
    ids_by_topic: list[tuple[int, ...]] = []
    next_id = first_question
    for index, ((code, kk, ru, en, _items), count) in enumerate(
        zip(topics, per_topic, strict=True)
    ):
        likert = code == qualities_code
        ids = tuple(range(next_id, next_id + count))
        ids_by_topic.append(ids)
        for n, pk in enumerate(ids, start=1):
            if likert:
                options = [
                    {"id": o, "kk": t[0], "ru": t[1], "en": t[2]}
                    for o, t in zip(LIKERT_IDS, LIKERT_TEXT, strict=True)
                ]
                key = {o: points for points, o in enumerate(LIKERT_IDS)}
                kind, points = "likert", Decimal("4")
                text = (
                    f"Мен {n}-тұжырыммен келісемін.",
                    f"Я согласен с утверждением {n}.",
                    f"I agree with statement {n}.",
                )
            else:
                options = [
                    {
                        "id": o,
                        "kk": f"{kk}: жауап {o}",
                        "ru": f"{ru}: ответ {o}",
                        "en": f"{en}: answer {o}",
                    }
                    for o in OPTION_IDS
                ]
                correct = rng.choice(OPTION_IDS)
                keys[pk] = correct
                # Most items fair, some hard, a few so easy or odd that analysis flags them.
                difficulty[pk] = rng.choice((0.35, 0.5, 0.6, 0.7, 0.7, 0.8, 0.95))
                key = [correct]
                kind, points = "single", Decimal("1")
                text = (
                    f"{kk}: {n}-сұрақ. Дұрыс жауапты таңдаңыз.",
                    f"{ru}: вопрос {n}. Выберите правильный ответ.",
                    f"{en}: question {n}. Choose the right answer.",
                )
            external_id = f"{code}-{n:03d}"
            content = {
                "kind": kind,
                "text_kk": text[0],
                "text_ru": text[1],
                "text_en": text[2],
                "options": options,
                "key": key,
                "points": str(points.quantize(Decimal("0.01"))),
                "reference_answer": "",
                "rubric": [],
                "explanation_kk": "",
                "explanation_ru": "",
                "explanation_en": "",
                "source": "" if likert else f"{ru}, ст. {n}",
                "status": "active",
                "topic": first_topic + index,
            }
            rows.append(
                (
                    pk,
                    first_topic + index,
                    external_id,
                    kind,
                    *text,
                    options,
                    key,
                    points,
                    "",
                    [],
                    "",
                    "",
                    "",
                    content["source"],
                    "active",
                    1,
                    now,
                    now,
                )
            )
            revisions.append((pk, 1, content, None, now, "Imported"))
        next_id += count
    loader.copy(
        question,
        [
            "id",
            "topic",
            "external_id",
            "kind",
            "text_kk",
            "text_ru",
            "text_en",
            "options",
            "key",
            "points",
            "reference_answer",
            "rubric",
            "explanation_kk",
            "explanation_ru",
            "explanation_en",
            "source",
            "status",
            "version",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    revision = model("testing_center.QuestionRevision")
    first_revision = loader.ids(revision, len(revisions))
    loader.copy(
        revision,
        ["id", "question", "version", "snapshot", "edited_by", "edited_at", "note"],
        ((first_revision + n, *row) for n, row in enumerate(revisions)),
    )
    legislation_sections = [
        Section(
            position=n,
            code=topics[n - 1][0],
            names=topics[n - 1][1:4],
            items=topics[n - 1][4],
            min_correct=5,
            questions=ids_by_topic[n - 1],
        )
        for n in range(1, len(LEGISLATION_TOPICS) + 1)
    ]
    assert sum(s.items for s in legislation_sections) == LEGISLATION_ITEMS  # noqa: S101
    qualities_sections = [
        Section(
            position=1,
            code=qualities_code,
            names=topics[-1][1:4],
            items=QUALITIES_ITEMS,
            min_correct=None,
            questions=ids_by_topic[-1],
        )
    ]
    blueprint = model("testing_center.Blueprint")
    first_blueprint = loader.ids(blueprint, 2)
    legislation = Test(
        first_blueprint, f"s{run}-legislation", False, 55 * 60, 15, 30, legislation_sections
    )
    qualities = Test(
        first_blueprint + 1, f"s{run}-qualities", True, 40 * 60, 15, None, qualities_sections
    )
    loader.copy(
        blueprint,
        [
            "id",
            "code",
            "name_kk",
            "name_ru",
            "name_en",
            "kind",
            "is_practice",
            "time_limit_seconds",
            "grace_seconds",
            "max_attempts",
            "shuffle_options",
            "pass_min_correct",
            "pass_min_score",
            "essay_max_words",
            "show_item_results",
            "instructions_kk",
            "instructions_ru",
            "instructions_en",
        ],
        [
            (
                legislation.blueprint_id,
                legislation.code,
                "Заңнаманы білуге тестілеу",
                "Тестирование на знание законодательства",
                "Legislation test",
                "closed",
                False,
                legislation.time_limit,
                legislation.grace,
                1,
                True,
                30,
                None,
                None,
                True,
                "",
                "",
                "",
            ),
            (
                qualities.blueprint_id,
                qualities.code,
                "Тұлғалық қасиеттерді бағалау",
                "Оценка личных качеств",
                "Personal-qualities test",
                "scale",
                False,
                qualities.time_limit,
                qualities.grace,
                1,
                False,
                None,
                None,
                None,
                False,
                "",
                "",
                "",
            ),
        ],
    )
    section = model("testing_center.BlueprintSection")
    all_sections = [(legislation, s) for s in legislation_sections] + [
        (qualities, s) for s in qualities_sections
    ]
    first_section = loader.ids(section, len(all_sections))
    loader.copy(
        section,
        ["id", "blueprint", "position", "topic", "item_count", "points_per_item", "min_correct"],
        [
            (
                first_section + n,
                test.blueprint_id,
                s.position,
                first_topic + topics.index(next(t for t in topics if t[0] == s.code)),
                s.items,
                None,
                s.min_correct,
            )
            for n, (test, s) in enumerate(all_sections)
        ],
    )
    audit.add(
        "bank.imported",
        at=now,
        target_type="testing_center.question",
        details={
            "file": f"scale-bank-s{run}.csv",
            "created": next_id - first_question,
            "updated": 0,
            "topics": len(topics),
        },
    )
    for test in (legislation, qualities):
        audit.add(
            "blueprint.created",
            at=now,
            target_type="testing_center.blueprint",
            target_id=test.blueprint_id,
            details={"code": test.code, "sections": len(test.sections)},
        )
    return Bank(legislation=legislation, qualities=qualities, keys=keys, difficulty=difficulty)
