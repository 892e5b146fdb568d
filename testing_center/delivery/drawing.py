"""Drawing a paper: which questions, in which order, with which option order."""

from __future__ import annotations

import random

from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from testing_center.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    Question,
)


def paper_draw(*, blueprint: Blueprint, seed: str, pool: dict[int, list[dict]]) -> list[dict]:
    """The paper for ``seed``: which questions, in which order, with which option order.

    ``pool[topic_id]`` lists the active questions of a topic. Pure and reproducible: the
    same seed and pool give the same paper; another seed gives another.
    """
    rng = random.Random(f"{seed}")  # noqa: S311 - a fair shuffle, not a secret
    items = []
    position = 0
    for section in blueprint.sections.all():
        candidates = sorted(pool.get(section.topic_id, []), key=lambda q: q["id"])
        if len(candidates) < section.item_count:
            raise ApplicationError(
                _("The bank has too few active questions for section %(n)s of this test.")
                % {"n": section.position},
                code="bank_too_small",
            )
        for question in rng.sample(candidates, section.item_count):
            option_ids = [o["id"] for o in question["options"]]
            if blueprint.shuffle_options and question["kind"] in ("single", "multiple"):
                option_ids = rng.sample(option_ids, len(option_ids))
            position += 1
            items.append(
                {
                    "position": position,
                    "section_position": section.position,
                    "question_id": question["id"],
                    "question_version": question["version"],
                    "option_order": option_ids,
                    "points": section.points_per_item
                    if section.points_per_item is not None
                    else question["points"],
                }
            )
    return items


def _pool(blueprint: Blueprint) -> dict[int, list[dict]]:
    topic_ids = [s.topic_id for s in blueprint.sections.all()]
    pool: dict[int, list[dict]] = {}
    for q in Question.objects.filter(topic_id__in=topic_ids, status=Question.Status.ACTIVE).values(
        "id", "topic_id", "kind", "options", "points", "version"
    ):
        pool.setdefault(q["topic_id"], []).append(q)
    return pool


def _create_paper(attempt: Attempt) -> None:
    drawn = paper_draw(
        blueprint=attempt.blueprint, seed=attempt.seed, pool=_pool(attempt.blueprint)
    )
    AttemptItem.objects.bulk_create(
        AttemptItem(
            attempt=attempt,
            position=d["position"],
            section_position=d["section_position"],
            question_id=d["question_id"],
            question_version=d["question_version"],
            option_order=d["option_order"],
            points=d["points"],
        )
        for d in drawn
    )
