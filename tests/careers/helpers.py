"""Answers for the explorer in tests."""

from __future__ import annotations

from careers.explorer_items import INTEREST_ITEMS, ITEMS, VALUE_ITEMS


def answers_for(interests: dict[str, list[int]], values: dict[str, list[int]]) -> dict[str, int]:
    """Answers item by item: ``interests["R"]`` lists the answers to R1…R5 in order,
    ``values["stability"]`` those to the value's two items."""
    answers: dict[str, int] = {}
    seen: dict[str, int] = {}
    for item in INTEREST_ITEMS:
        i = seen.get(item.dimension, 0)
        answers[item.key] = interests[item.dimension][i]
        seen[item.dimension] = i + 1
    for item in VALUE_ITEMS:
        i = seen.get(item.dimension, 0)
        answers[item.key] = values[item.dimension][i]
        seen[item.dimension] = i + 1
    return answers


def uniform(value: int) -> dict[str, int]:
    return {item.key: value for item in ITEMS}


EXAMPLE = answers_for(
    {
        "R": [5, 4, 3, 2, 1],
        "I": [5, 5, 5, 5, 4],
        "A": [1, 1, 1, 1, 1],
        "S": [2, 2, 2, 2, 3],
        "E": [3, 4, 3, 4, 3],
        "C": [5, 5, 4, 4, 4],
    },
    {
        "stability": [5, 4],
        "helping": [1, 2],
        "influence": [3, 3],
        "expertise": [4, 4],
        "variety": [2, 3],
        "autonomy": [5, 5],
    },
)
EXAMPLE_INTERESTS = {"R": 50, "I": 95, "A": 0, "S": 30, "E": 60, "C": 85}
EXAMPLE_VALUES = {
    "stability": 88,  # 7 / 8 = 87.5, rounded half up
    "helping": 13,  # 12.5
    "influence": 50,
    "expertise": 75,
    "variety": 38,  # 37.5
    "autonomy": 100,
}
