"""Shortcuts shared by the testing-center tests."""

from __future__ import annotations

import itertools

from testing_center import services
from testing_center.models import AttemptItem

_clock = itertools.count(1_700_000_000_000)


def answer_sections(attempt, correct_per_section: dict[int, int]) -> None:
    """Answer every item: the first ``n`` of each section right ("a"), the rest wrong."""
    seen: dict[int, int] = {}
    for item in AttemptItem.objects.filter(attempt=attempt).order_by("position"):
        n = seen.get(item.section_position, 0)
        seen[item.section_position] = n + 1
        right = n < correct_per_section.get(item.section_position, 0)
        services.attempt_autosave(
            attempt=attempt,
            position=item.position,
            answer="a" if right else "b",
            changed_at_ms=next(_clock),
        )


def stamp() -> int:
    return next(_clock)
