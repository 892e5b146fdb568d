"""Scored papers of the test stages, item by item: the answer rows.

A paper is drawn as the testing center draws it (each section's items at random from its
topic, options shuffled where the blueprint says so), answered by a seeded candidate whose
chance on an item follows their ability and the item's difficulty, and scored as
``attempt_score`` scores it. Papers are made twice from the same seed: once to know the
result (kept) and once while the rows are written (``items_write``), so a million rows
never sit in memory.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from eqyzmet.scale.bank import LIKERT_IDS, OPTION_IDS, Bank, Test
from eqyzmet.scale.loader import AuditLog, Loader, model

ONE = Decimal("1.00")


@dataclass(frozen=True, slots=True)
class Item:
    position: int
    section: int
    question: int
    options: tuple[str, ...]
    answer: str | None
    awarded: Decimal
    correct: bool | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What ``attempt_score`` derives from a paper."""

    score: Decimal
    correct: int
    passed: bool
    sections: list[dict]  # as Attempt.sections stores them


@dataclass(slots=True)
class Paper:
    attempt_id: int
    sitting_id: int
    application_id: int
    seed: int
    ability: float
    test: Test
    language: str
    started_at: dt.datetime
    submitted_at: dt.datetime
    outcome: Outcome | None = None


def _chance(ability: float, easiness: float) -> float:
    logit = math.log(easiness / (1 - easiness)) + 1.2 * ability
    return 1 / (1 + math.exp(-logit))


def draw(paper: Paper, bank: Bank) -> list[Item]:
    """The paper's items, the same every time for the same seed."""
    rng = random.Random(paper.seed)  # noqa: S311 - simulated answers, not a secret
    test = paper.test
    items: list[Item] = []
    position = 0
    for section in test.sections:
        questions = rng.sample(section.questions, section.items)
        if test.scale:
            rng.shuffle(questions)
        for question in questions:
            position += 1
            if test.scale:
                lean = max(0, min(4, round(2.4 + 0.9 * paper.ability + rng.gauss(0, 1))))
                answer = LIKERT_IDS[lean]
                items.append(
                    Item(
                        position,
                        section.position,
                        question,
                        LIKERT_IDS,
                        answer,
                        Decimal(lean),
                        None,
                    )
                )
                continue
            options = list(OPTION_IDS)
            rng.shuffle(options)
            key = bank.keys[question]
            roll = rng.random()
            if roll < 0.015:
                answer = None
            elif roll < 0.015 + 0.985 * _chance(paper.ability, bank.difficulty[question]):
                answer = key
            else:
                answer = rng.choice([o for o in OPTION_IDS if o != key])
            correct = answer == key
            items.append(
                Item(
                    position,
                    section.position,
                    question,
                    tuple(options),
                    answer,
                    ONE if correct else Decimal(0),
                    correct,
                )
            )
    return items


def outcome(items: list[Item], test: Test) -> Outcome:
    rows = []
    for section in test.sections:
        mine = [i for i in items if i.section == section.position]
        correct = sum(1 for i in mine if i.correct)
        score = sum((i.awarded for i in mine), Decimal(0))
        rows.append(
            {
                "position": section.position,
                "topic": section.code,
                "name_kk": section.names[0],
                "name_ru": section.names[1],
                "name_en": section.names[2],
                "items": len(mine),
                "correct": correct,
                "score": str(score),
                "min_correct": section.min_correct,
                "ok": section.min_correct is None or correct >= section.min_correct,
            }
        )
    correct = sum(r["correct"] for r in rows)
    score = sum((Decimal(r["score"]) for r in rows), Decimal(0))
    passed = all(r["ok"] for r in rows) and (
        test.pass_min_correct is None or correct >= test.pass_min_correct
    )
    return Outcome(score=score, correct=correct, passed=passed, sections=rows)


def sittings_write(*, loader: Loader, audit: AuditLog, sittings: list[tuple]) -> None:
    """``sittings``: (id, stage id, blueprint, created at, competition body id, stage kind,
    hr id, blueprint code)."""
    sitting = model("testing_center.Sitting")
    loader.copy(
        sitting,
        ["id", "stage", "blueprint", "created_at", "analysed_at", "integrity_checked_at"],
        ((pk, stage, blueprint, at, None, None) for pk, stage, blueprint, at, *_r in sittings),
    )
    for pk, _stage, _blueprint, at, body_id, kind, hr_id, code in sittings:
        audit.add(
            "sitting.attached",
            at=at,
            actor_id=hr_id,
            target_type="testing_center.sitting",
            target_id=pk,
            state_body_id=body_id,
            details={"stage": kind, "blueprint": code},
        )


def attempts_write(
    *,
    loader: Loader,
    audit: AuditLog,
    papers: list[Paper],
    bank: Bank,
    codes: dict[int, str],
    bodies: dict[int, int],
    kinds: dict[int, str],
) -> int:
    """The attempts and their items; returns the number of answer rows. ``codes``: the
    application codes; ``bodies`` and ``kinds``: each sitting's state body and stage kind."""
    attempt = model("testing_center.Attempt")
    loader.copy(
        attempt,
        [
            "id",
            "sitting",
            "blueprint",
            "application",
            "practice_token",
            "number",
            "seed",
            "language",
            "status",
            "started_at",
            "deadline",
            "grace_seconds",
            "submitted_at",
            "submitted_by",
            "scored_at",
            "score",
            "correct_count",
            "passed",
            "sections",
            "events_over_cap",
        ],
        (
            (
                p.attempt_id,
                p.sitting_id,
                p.test.blueprint_id,
                p.application_id,
                "",
                1,
                secrets.token_hex(8),
                p.language,
                "scored",
                p.started_at,
                p.started_at + dt.timedelta(seconds=p.test.time_limit),
                p.test.grace,
                p.submitted_at,
                "timer"
                if p.submitted_at >= p.started_at + dt.timedelta(seconds=p.test.time_limit)
                else "candidate",
                p.submitted_at + dt.timedelta(seconds=2),
                p.outcome.score,
                p.outcome.correct,
                p.outcome.passed,
                p.outcome.sections,
                {},
            )
            for p in papers
        ),
    )
    for p in papers:
        body, kind = bodies[p.sitting_id], kinds[p.sitting_id]
        common = {"target_type": "testing_center.attempt", "target_id": p.attempt_id}
        audit.add(
            "attempt.started",
            at=p.started_at,
            state_body_id=body,
            details={"code": codes[p.application_id], "stage": kind, "number": 1},
            **common,
        )
        audit.add(
            "attempt.submitted",
            at=p.submitted_at,
            state_body_id=body,
            details={"by": "candidate", "stage": kind},
            **common,
        )
        audit.add(
            "attempt.scored",
            at=p.submitted_at + dt.timedelta(seconds=2),
            state_body_id=body,
            details={"stage": kind, "score": str(p.outcome.score), "passed": p.outcome.passed},
            **common,
        )
    return items_write(loader=loader, papers=papers, bank=bank)


def items_write(*, loader: Loader, papers: list[Paper], bank: Bank) -> int:
    item_model = model("testing_center.AttemptItem")
    total = sum(sum(s.items for s in p.test.sections) for p in papers)
    first = loader.ids(item_model, max(total, 1))

    def rows():
        pk = first
        for p in papers:
            span = (p.submitted_at - p.started_at).total_seconds()
            items = draw(p, bank)
            for item in items:
                saved = p.started_at + dt.timedelta(seconds=span * item.position / (len(items) + 1))
                answered = item.answer is not None
                yield (
                    pk,
                    p.attempt_id,
                    item.position,
                    item.section,
                    item.question,
                    1,
                    list(item.options),
                    item.answer,
                    1 if answered else 0,
                    int(saved.timestamp() * 1000) if answered else 0,
                    saved if answered else None,
                    Decimal("4") if p.test.scale else ONE,
                    item.awarded,
                    item.correct if not p.test.scale else None,
                )
                pk += 1

    return loader.copy(
        item_model,
        [
            "id",
            "attempt",
            "position",
            "section_position",
            "question",
            "question_version",
            "option_order",
            "answer",
            "version",
            "changed_at_ms",
            "saved_at",
            "points",
            "awarded",
            "is_correct",
        ],
        rows(),
    )
