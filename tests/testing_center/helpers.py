"""Shortcuts shared by the testing-center tests."""

from __future__ import annotations

import itertools

from testing_center.delivery import attempt_autosave
from testing_center.models import AttemptItem, option_labels

_clock = itertools.count(1_700_000_000_000)


def answer_sections(attempt, correct_per_section: dict[int, int]) -> None:
    """Answer every item: the first ``n`` of each section right (option "a"), the rest
    wrong, posted as the candidate does: by the labels the paper shows."""
    seen: dict[int, int] = {}
    for item in AttemptItem.objects.filter(attempt=attempt).order_by("position"):
        n = seen.get(item.section_position, 0)
        seen[item.section_position] = n + 1
        right = n < correct_per_section.get(item.section_position, 0)
        attempt_autosave(
            attempt=attempt,
            position=item.position,
            answer=label(attempt, item, "a" if right else "b"),
            changed_at_ms=next(_clock),
        )


def label(attempt, item, option_id):
    """The label under which ``attempt``'s paper shows option ``option_id`` of ``item``
    (an ``AttemptItem`` or its position); a list of ids gives a list of labels."""
    if isinstance(item, int):
        item = AttemptItem.objects.get(attempt=attempt, position=item)
    labels = option_labels(
        seed=attempt.seed, position=item.position, option_order=item.option_order
    )
    if isinstance(option_id, list):
        return [labels[o] for o in option_id]
    return labels[option_id]


def stamp() -> int:
    return next(_clock)
