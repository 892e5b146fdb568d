"""The formulas, as pure functions over plain data (a cycle's rules snapshot is a dict).

KPI achievement (per indicator, target > 0, actual >= 0):

    higher is better:  a = actual / target
    lower is better:   a = target / actual          (actual = 0 counts as the cap)
    capped:            a' = min(max(a, 0), cap)     cap = kpi_cap_percent / 100 (default 1.2)

KPI score = min(100, 100 * sum(w_i * a'_i) / sum(w_i)): exceeding one target can make up
for falling short on another, up to the cap per indicator, but the KPI score never passes
100.

Competency score = 100 * mean(all ratings of both evaluators) / 5.
360 score = 100 * half_mark(mean(all marks)) / 5, only with at least
``feedback_min_respondents`` answers (never fewer than 3); otherwise the component has no
value. ``half_mark`` rounds half up to the nearest 0.5: what is shown (and counted) moves
in steps of half a mark, more than one colleague's answer moves a mean of three or more.
Citizens' score = 100 * mean(ratings in the period) / 5.

Composite = sum(W_c * S_c) / sum(W_c) over the components that have a value (weights in
percent from the rules; a component without data is left out and the others are rescaled).

Band: composite >= exceeds_min -> exceeds; >= meets_min -> meets; >= partly_min -> partly
meets; otherwise does not meet. Bonus tier: >= tier1_min -> tier 1, >= tier2_min -> tier 2,
>= tier3_min -> tier 3, otherwise none. A score exactly on a boundary gets the higher band.

Development: each development goal achieved (and confirmed by the manager) since the last
result adds ``development_goal_points`` to the next composite, at most
``development_points_cap`` per result, never past 100; band and bonus tier follow the total.
Rules from before these two entries count 0 points.

Annual score = mean of the composites of the quarters that have a result (a missing quarter
is left out, not counted as zero); no quarter -> no annual score.

All arithmetic is Decimal, rounded half up to two places at the end of each step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
CENT = Decimal("0.01")

RULE_FIELDS = (
    "kpi_weight",
    "competency_weight",
    "feedback_weight",
    "citizen_weight",
    "kpi_cap_percent",
    "feedback_min_respondents",
    "exceeds_min",
    "meets_min",
    "partly_min",
    "tier1_min",
    "tier1_percent",
    "tier2_min",
    "tier2_percent",
    "tier3_min",
    "tier3_percent",
    "quarter_due_day",
    "annual_due_day",
    "contest_days",
    "reminder_days",
    "retention_years",
    "development_goal_points",
    "development_points_cap",
)

DEFAULT_RULES: dict = {
    "kpi_weight": 50,
    "competency_weight": 30,
    "feedback_weight": 10,
    "citizen_weight": 10,
    "kpi_cap_percent": 120,
    "feedback_min_respondents": 3,
    "exceeds_min": "90",
    "meets_min": "70",
    "partly_min": "50",
    "tier1_min": "95",
    "tier1_percent": 30,
    "tier2_min": "85",
    "tier2_percent": 20,
    "tier3_min": "70",
    "tier3_percent": 10,
    "quarter_due_day": 20,
    "annual_due_day": 30,
    "contest_days": 10,
    "reminder_days": 5,
    "retention_years": 3,
    "development_goal_points": "2",
    "development_points_cap": "6",
}

COMPONENTS = ("kpi", "competency", "feedback", "citizen")


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rules_problems(rules: dict) -> list[str]:
    """What is wrong with a rules table, in words an HR officer understands."""
    rules = {**DEFAULT_RULES, **rules}
    problems = []
    weights = [int(rules.get(f"{c}_weight") or 0) for c in COMPONENTS]
    if sum(weights) != 100:
        problems.append(_("The four component weights must add up to 100."))
    if not (
        Decimal(str(rules["exceeds_min"]))
        > Decimal(str(rules["meets_min"]))
        > Decimal(str(rules["partly_min"]))
        >= 0
    ):
        problems.append(_("Band thresholds must fall: exceeds > meets > partly meets >= 0."))
    if not (
        Decimal(str(rules["tier1_min"]))
        > Decimal(str(rules["tier2_min"]))
        > Decimal(str(rules["tier3_min"]))
        >= 0
    ):
        problems.append(_("Bonus tier thresholds must fall: tier 1 > tier 2 > tier 3 >= 0."))
    if int(rules.get("feedback_min_respondents") or 0) < 3:
        problems.append(_("360 feedback needs at least 3 respondents to be shown."))
    return problems


# --- KPIs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiFigures:
    target: Decimal
    actual: Decimal | None
    weight: int
    lower_is_better: bool = False


def kpi_achievement(
    *, target: Decimal, actual: Decimal, lower_is_better: bool, cap_percent: int
) -> Decimal:
    """Achievement as a fraction (1.00 = target met), capped; see the module docstring."""
    target, actual = Decimal(target), Decimal(actual)
    cap = Decimal(cap_percent) / HUNDRED
    if target <= 0:
        raise ValueError("a KPI target must be positive")
    if actual < 0:
        raise ValueError("a KPI actual cannot be negative")
    # Lower is better: beating the target by a factor counts like exceeding it by that factor.
    ratio = (cap if actual == 0 else target / actual) if lower_is_better else actual / target
    return min(max(ratio, Decimal(0)), cap).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def kpi_score(kpis: Iterable[KpiFigures], *, cap_percent: int) -> Decimal | None:
    """Weighted KPI score 0..100; KPIs without an actual or with weight 0 are left out."""
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for kpi in kpis:
        if kpi.actual is None or kpi.weight <= 0:
            continue
        achievement = kpi_achievement(
            target=kpi.target,
            actual=kpi.actual,
            lower_is_better=kpi.lower_is_better,
            cap_percent=cap_percent,
        )
        weighted += achievement * kpi.weight
        total_weight += kpi.weight
    if not total_weight:
        return None
    return round2(min(HUNDRED, HUNDRED * weighted / total_weight))


# --- Ratings ----------------------------------------------------------------------------


def five_point_score(marks: Iterable[int]) -> Decimal | None:
    marks = [int(m) for m in marks]
    if not marks:
        return None
    return round2(HUNDRED * Decimal(sum(marks)) / (5 * len(marks)))


def half_mark(value: Decimal) -> Decimal:
    """``value`` rounded half up to the nearest 0.5, with one decimal (4.25 -> 4.5)."""
    return ((Decimal(value) * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2).quantize(
        Decimal("0.1")
    )


def feedback_score(responses: Iterable[tuple[int, ...]], *, min_respondents: int) -> Decimal | None:
    """360 score from anonymous answers, or None below the respondent threshold."""
    responses = list(responses)
    if len(responses) < max(3, int(min_respondents)):
        return None
    marks = [int(mark) for answer in responses for mark in answer]
    return round2(HUNDRED * half_mark(Decimal(sum(marks)) / len(marks)) / 5)


# --- Composite, band, tier --------------------------------------------------------------


def composite_score(scores: dict[str, Decimal | None], rules: dict) -> Decimal | None:
    total_weight = Decimal(0)
    weighted = Decimal(0)
    for component in COMPONENTS:
        score = scores.get(component)
        weight = Decimal(int(rules.get(f"{component}_weight") or 0))
        if score is None or weight <= 0:
            continue
        weighted += Decimal(score) * weight
        total_weight += weight
    if not total_weight:
        return None
    return round2(weighted / total_weight)


def band_for(score: Decimal, rules: dict) -> str:
    score = Decimal(score)
    if score >= Decimal(str(rules["exceeds_min"])):
        return "exceeds"
    if score >= Decimal(str(rules["meets_min"])):
        return "meets"
    if score >= Decimal(str(rules["partly_min"])):
        return "partly"
    return "does_not_meet"


def tier_for(score: Decimal, rules: dict) -> tuple[int | None, int]:
    """(tier number or None, bonus percent)."""
    score = Decimal(score)
    for tier in (1, 2, 3):
        if score >= Decimal(str(rules[f"tier{tier}_min"])):
            return tier, int(rules[f"tier{tier}_percent"])
    return None, 0


def development_points(achieved_goals: int, rules: dict) -> Decimal:
    """Points the development goals achieved since the last result add to the composite:
    ``development_goal_points`` each, at most ``development_points_cap`` in one result."""
    per_goal = Decimal(str(rules.get("development_goal_points") or 0))
    cap = Decimal(str(rules.get("development_points_cap") or 0))
    return round2(min(cap, per_goal * max(0, int(achieved_goals))))


def with_development(composite: Decimal | None, points: Decimal) -> Decimal | None:
    """The composite with the development points added, never past 100."""
    if composite is None:
        return None
    return round2(min(HUNDRED, Decimal(composite) + Decimal(points)))


def annual_score(quarterly: Iterable[Decimal | None]) -> Decimal | None:
    present = [Decimal(q) for q in quarterly if q is not None]
    if not present:
        return None
    return round2(sum(present) / len(present))


# --- Calendar ---------------------------------------------------------------------------


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1..4")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def quarter_due_date(year: int, quarter: int, *, due_day: int = 20) -> dt.date:
    """The due_day-th of the month after the quarter (Q4 -> January of the next year)."""
    _start, end = quarter_bounds(year, quarter)
    following = end + dt.timedelta(days=1)
    return following.replace(day=due_day)


def annual_due_date(year: int, *, due_day: int = 30) -> dt.date:
    return dt.date(year + 1, 1, due_day)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1
