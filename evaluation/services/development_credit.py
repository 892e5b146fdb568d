"""Incentives: development goals achieved since the last result count in the next one,
as the cycle's frozen rules say (``development_goal_points``, ``development_points_cap``)."""

from __future__ import annotations

from decimal import Decimal

from evaluation import scoring
from evaluation.models import Assessment
from evaluation.models_development import DevelopmentGoal


def development_credit(*, assessment: Assessment, rules: dict) -> Decimal:
    """Claim the employee's achieved goals not yet counted for ``assessment`` and return
    the points they add (each goal keeps its share, so the result shows where they came
    from). Called inside the transaction that issues the result."""
    goals = list(
        DevelopmentGoal.objects.select_for_update()
        .filter(
            plan__employee_id=assessment.employee_id,
            status=DevelopmentGoal.Status.DONE,
            counted_in__isnull=True,
        )
        .order_by("completed_at", "pk")
    )
    total = scoring.development_points(len(goals), rules)
    if not goals:
        return total
    per_goal = Decimal(str(rules.get("development_goal_points") or 0))
    left = total
    for goal in goals:
        goal.points = min(per_goal, left)
        left -= goal.points
        goal.counted_in = assessment
    DevelopmentGoal.objects.bulk_update(goals, ["points", "counted_in"])
    return total


def development_part(*, assessment: Assessment) -> tuple[Decimal, int]:
    """(points, goals) that development added to ``assessment``'s composite."""
    points = [g.points for g in DevelopmentGoal.objects.filter(counted_in=assessment)]
    return scoring.round2(sum(points, Decimal(0))), len(points)
