"""Demo data for careers: a teacher's class code with ten students' anonymous explorer
results and practice papers, so the class report shows its aggregates. Idempotent."""

from __future__ import annotations

from careers import classes
from careers.explorer import explorer_result_record
from careers.explorer_items import ITEMS
from careers.models import ClassGroup, ExplorerResult
from eqyzmet.demo import demo_account

TEACHER = "teacher@demo.eqyzmet.kz"
DEMO_CLASS_CODE = "7KQM3TXA"
DEMO_CLASS_NAME = "11 «Ә» сыныбы, №5 мектеп-лицей"
# Each student: the answer to interest items by type (R, I, A, S, E, C) and to value items.
STUDENTS = [
    ({"R": 2, "I": 5, "A": 2, "S": 2, "E": 3, "C": 4}, 4),
    ({"R": 3, "I": 4, "A": 2, "S": 3, "E": 2, "C": 5}, 3),
    ({"R": 1, "I": 3, "A": 4, "S": 5, "E": 3, "C": 2}, 5),
    ({"R": 2, "I": 3, "A": 3, "S": 5, "E": 4, "C": 2}, 4),
    ({"R": 2, "I": 2, "A": 3, "S": 4, "E": 5, "C": 3}, 3),
    ({"R": 4, "I": 4, "A": 2, "S": 2, "E": 3, "C": 3}, 4),
    ({"R": 3, "I": 3, "A": 5, "S": 3, "E": 4, "C": 1}, 2),
    ({"R": 2, "I": 4, "A": 2, "S": 3, "E": 3, "C": 5}, 5),
    ({"R": 1, "I": 2, "A": 3, "S": 4, "E": 5, "C": 3}, 4),
    ({"R": 5, "I": 4, "A": 1, "S": 2, "E": 3, "C": 3}, 3),
]
PRACTICE_SHARES = [0.35, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.85, 0.95]


def _answers(by_type: dict[str, int], values: int, n: int) -> dict[str, int]:
    answers = {}
    for i, item in enumerate(ITEMS):
        base = by_type[item.dimension] if item.kind == "interest" else values
        # A little spread between items of one scale, so scores are not all multiples of 25.
        answers[item.key] = min(5, max(1, base + ((i + n) % 3 == 0) - ((i + n) % 5 == 0)))
    return answers


def seed(stdout) -> None:
    from testing_center.demo import practice_sittings_seed

    teacher = demo_account(TEACHER)
    group = ClassGroup.objects.filter(code=DEMO_CLASS_CODE).first()
    if group is None:
        group = ClassGroup.objects.create(
            code=DEMO_CLASS_CODE, name=DEMO_CLASS_NAME, adviser=teacher
        )
    if not ExplorerResult.objects.filter(class_group=group).exists():
        for n, (by_type, values) in enumerate(STUDENTS):
            explorer_result_record(
                answers=_answers(by_type, values, n), language="kk", class_group=group
            )
    practice_sittings_seed(tag=classes.practice_tag(group), correct_shares=PRACTICE_SHARES)
    stdout.write(
        f"  {TEACHER:32} teacher: class code {classes.code_display(DEMO_CLASS_CODE)}"
        f" with {len(STUDENTS)} students"
    )
