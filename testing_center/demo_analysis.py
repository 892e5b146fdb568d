"""Demo data for the item analysis: a closed sitting of the legislation test with enough
papers for the statistics to say something, half of them taken in Kazakh and half in
Russian, and one planted biased item.

The papers are a synthetic cohort (a seeded Rasch model: each paper has an ability, each
question a difficulty) with no application behind them, so no candidate's result depends
on them. Kazakh- and Russian-language candidates have the same abilities, but the planted
question is much harder in Kazakh (as a badly translated item would be): the sitting's
analysis flags it as language DIF class C. Idempotent.
"""

from __future__ import annotations

import hashlib
import math
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from testing_center.analysis import sitting_analyse
from testing_center.models import Attempt, AttemptItem, Blueprint, Question, Sitting

COHORT = 400
# The planted item: Kazakh-language candidates of equal total score get it wrong far more
# often than Russian-language ones.
PLANTED_DIF_ITEM = "ac-007"
PLANTED_SHIFT = 2.5  # logits added to its difficulty in Kazakh
# With 400 papers about one unbiased item in twenty reaches class B by chance; this seed
# is one whose chance differences leave every other item in class A, so the demo shows the
# planted item alone (tests/testing_center/analysis/test_dif_sitting.py checks it).
SEED = 2052


def _difficulty(external_id: str) -> float:
    """A stable difficulty in about [−1.5, 1.5] logits per question."""
    digest = hashlib.sha256(external_id.encode()).digest()
    return (digest[0] / 255.0) * 3.0 - 1.5


def _answer(question: Question, correct: bool):
    key = list(question.key)
    if question.kind == Question.Kind.SHORT_TEXT:
        return key[0] if correct else "—"
    others = [o["id"] for o in question.options if o["id"] not in key]
    if question.kind == Question.Kind.MULTIPLE:
        return sorted(key) if correct else others[:1]
    return key[0] if correct else others[0]


@transaction.atomic
def analysed_sitting_seed(*, stage_id: int, papers: int = COHORT, seed: int = SEED) -> bool:
    """Attach the legislation test to a finished stage with a cohort of scored papers and
    analyse it. Returns True when created now (False: the stage has a sitting already)."""
    if Sitting.objects.filter(stage_id=stage_id).exists():
        return False
    blueprint = Blueprint.objects.get(code="kz-legislation")
    # A finished (locked) stage: the history is written directly, as it was at the time.
    sitting = Sitting.objects.create(stage_id=stage_id, blueprint=blueprint)
    sections = list(blueprint.sections.order_by("position"))
    pools = {
        s.position: list(
            Question.objects.filter(topic_id=s.topic_id, status=Question.Status.ACTIVE).order_by(
                "external_id"
            )
        )
        for s in sections
    }
    rng = random.Random(seed)  # noqa: S311 — reproducible demo data, not a secret
    now = timezone.now()
    started = now - timezone.timedelta(days=118)
    attempts, drawn = [], []
    for n in range(papers):
        language = "kk" if n % 2 == 0 else "ru"
        ability = rng.gauss(0.0, 1.0)
        paper, position = [], 0
        for section in sections:
            for question in rng.sample(pools[section.position], section.item_count):
                position += 1
                difficulty = _difficulty(question.external_id)
                if question.external_id == PLANTED_DIF_ITEM and language == "kk":
                    difficulty += PLANTED_SHIFT
                correct = rng.random() < 1 / (1 + math.exp(difficulty - ability))
                paper.append((section, position, question, correct))
        correct_count = sum(1 for *_rest, ok in paper if ok)
        per_section = [
            {
                "position": s.position,
                "items": s.item_count,
                "correct": sum(1 for sec, _p, _q, ok in paper if ok and sec is s),
                "min_correct": s.min_correct,
            }
            for s in sections
        ]
        for row in per_section:
            row["score"] = str(Decimal(row["correct"]))
            row["ok"] = row["min_correct"] is None or row["correct"] >= row["min_correct"]
        attempts.append(
            Attempt(
                sitting=sitting,
                blueprint=blueprint,
                number=1,
                seed=f"{seed}-{n}",
                language=language,
                status=Attempt.Status.SCORED,
                started_at=started,
                deadline=started + timezone.timedelta(seconds=blueprint.time_limit_seconds),
                submitted_at=started + timezone.timedelta(minutes=50),
                submitted_by=Attempt.SubmittedBy.CANDIDATE,
                scored_at=started + timezone.timedelta(minutes=50),
                score=Decimal(correct_count),
                correct_count=correct_count,
                passed=correct_count >= (blueprint.pass_min_correct or 0)
                and all(r["ok"] for r in per_section),
                sections=per_section,
            )
        )
        drawn.append(paper)
    Attempt.objects.bulk_create(attempts)
    items = [
        AttemptItem(
            attempt=attempt,
            position=position,
            section_position=section.position,
            question=question,
            option_order=[o["id"] for o in question.options],
            answer=_answer(question, correct),
            version=1,
            saved_at=attempt.submitted_at,
            points=Decimal(1),
            awarded=Decimal(1) if correct else Decimal(0),
            is_correct=correct,
        )
        for attempt, paper in zip(attempts, drawn, strict=True)
        for section, position, question, correct in paper
    ]
    AttemptItem.objects.bulk_create(items, batch_size=2000)
    sitting_analyse(sitting_id=sitting.pk)
    return True
