"""Every formula of evaluation.scoring, with the edges exactly on the boundaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from evaluation import scoring
from evaluation.scoring import DEFAULT_RULES, KpiFigures


def ach(target, actual, lower=False, cap=120):
    return scoring.kpi_achievement(
        target=D(target), actual=D(actual), lower_is_better=lower, cap_percent=cap
    )


def test_higher_is_better_achievement_is_actual_over_target():
    assert ach(200, 150) == D("0.75")
    assert ach(200, 200) == D("1")


def test_achievement_is_capped_at_the_rules_cap():
    assert ach(100, 119) == D("1.19")
    assert ach(100, 120) == D("1.2")
    assert ach(100, 500) == D("1.2")
    assert ach(100, 500, cap=150) == D("1.5")


def test_lower_is_better_achievement_is_target_over_actual():
    # Target: process a request in 5 days; it took 10 -> half achieved, 4 -> 125% capped.
    assert ach(5, 10, lower=True) == D("0.5")
    assert ach(5, 5, lower=True) == D("1")
    assert ach(5, 4, lower=True) == D("1.2")
    assert ach(5, 4, lower=True, cap=130) == D("1.25")


def test_lower_is_better_with_zero_actual_gets_the_cap():
    assert ach(3, 0, lower=True) == D("1.2")


def test_zero_actual_on_higher_is_better_scores_zero():
    assert ach(10, 0) == D("0")


def test_a_non_positive_target_or_negative_actual_is_refused():
    with pytest.raises(ValueError):
        ach(0, 5)
    with pytest.raises(ValueError):
        ach(10, -1)


def test_kpi_score_is_the_weighted_average_capped_at_100():
    kpis = [
        KpiFigures(target=D(100), actual=D(50), weight=1),  # 0.5
        KpiFigures(target=D(100), actual=D(100), weight=3),  # 1.0
    ]
    assert scoring.kpi_score(kpis, cap_percent=120) == D("87.50")
    # Over-achievement makes up for a shortfall, but only up to the cap per indicator...
    kpis = [
        KpiFigures(target=D(100), actual=D(80), weight=1),  # 0.8
        KpiFigures(target=D(100), actual=D(300), weight=1),  # 3.0 -> 1.2
    ]
    assert scoring.kpi_score(kpis, cap_percent=120) == D("100.00")
    kpis = [
        KpiFigures(target=D(100), actual=D(60), weight=1),  # 0.6
        KpiFigures(target=D(100), actual=D(300), weight=1),  # 1.2
    ]
    assert scoring.kpi_score(kpis, cap_percent=120) == D("90.00")
    # ... and the score itself never passes 100.
    kpis = [KpiFigures(target=D(10), actual=D(1000), weight=1)]
    assert scoring.kpi_score(kpis, cap_percent=120) == D("100.00")


def test_kpi_score_mixes_lower_is_better_indicators():
    kpis = [
        KpiFigures(target=D(5), actual=D(10), weight=1, lower_is_better=True),  # 0.5
        KpiFigures(target=D(40), actual=D(40), weight=1),  # 1.0
    ]
    assert scoring.kpi_score(kpis, cap_percent=120) == D("75.00")


def test_kpis_without_actual_are_left_out_and_none_means_no_score():
    kpis = [
        KpiFigures(target=D(100), actual=None, weight=5),
        KpiFigures(target=D(100), actual=D(70), weight=1),
    ]
    assert scoring.kpi_score(kpis, cap_percent=120) == D("70.00")
    assert scoring.kpi_score([KpiFigures(D(1), None, 1)], cap_percent=120) is None


def test_five_point_score_is_mean_over_five():
    assert scoring.five_point_score([5, 4, 3]) == D("80.00")
    assert scoring.five_point_score([1]) == D("20.00")
    assert scoring.five_point_score([]) is None


def test_feedback_needs_three_respondents():
    two = [(5, 5, 5), (4, 4, 4)]
    assert scoring.feedback_score(two, min_respondents=3) is None
    assert scoring.feedback_score([*two, (3, 3, 3)], min_respondents=3) == D("80.00")
    # A rules table can ask for more, never for fewer than three.
    assert scoring.feedback_score(two, min_respondents=1) is None
    assert scoring.feedback_score([*two, (3, 3, 3)], min_respondents=4) is None


def test_composite_uses_the_weights():
    scores = {"kpi": D(80), "competency": D(60), "feedback": D(100), "citizen": D(40)}
    # 0.5*80 + 0.3*60 + 0.1*100 + 0.1*40 = 40 + 18 + 10 + 4
    assert scoring.composite_score(scores, DEFAULT_RULES) == D("72.00")
    rules = {
        **DEFAULT_RULES,
        "kpi_weight": 70,
        "competency_weight": 30,
        "feedback_weight": 0,
        "citizen_weight": 0,
    }
    assert scoring.composite_score(scores, rules) == D("74.00")


def test_composite_rescales_weights_when_a_component_has_no_data():
    scores = {"kpi": D(80), "competency": D(60), "feedback": None, "citizen": None}
    # (50*80 + 30*60) / 80 = 72.5
    assert scoring.composite_score(scores, DEFAULT_RULES) == D("72.50")
    assert scoring.composite_score(dict.fromkeys(scoring.COMPONENTS), DEFAULT_RULES) is None


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("100", "exceeds"),
        ("90.00", "exceeds"),
        ("89.99", "meets"),
        ("70.00", "meets"),
        ("69.99", "partly"),
        ("50.00", "partly"),
        ("49.99", "does_not_meet"),
        ("0", "does_not_meet"),
    ],
)
def test_band_edges_are_exactly_at_the_boundaries(score, band):
    assert scoring.band_for(D(score), DEFAULT_RULES) == band


@pytest.mark.parametrize(
    ("score", "tier", "percent"),
    [
        ("95.00", 1, 30),
        ("94.99", 2, 20),
        ("85.00", 2, 20),
        ("84.99", 3, 10),
        ("70.00", 3, 10),
        ("69.99", None, 0),
    ],
)
def test_bonus_tier_edges_are_exactly_at_the_boundaries(score, tier, percent):
    assert scoring.tier_for(D(score), DEFAULT_RULES) == (tier, percent)


def test_annual_score_averages_present_quarters_and_skips_a_missing_one():
    assert scoring.annual_score([D(80), D(90), D(70), D(60)]) == D("75.00")
    assert scoring.annual_score([D(80), None, D(70), D(91)]) == D("80.33")
    assert scoring.annual_score([D(80)]) == D("80.00")
    assert scoring.annual_score([None, None]) is None
    assert scoring.annual_score([]) is None


@pytest.mark.parametrize(
    ("year", "quarter", "due"),
    [
        (2025, 1, dt.date(2025, 4, 20)),
        (2025, 2, dt.date(2025, 7, 20)),
        (2025, 3, dt.date(2025, 10, 20)),
        (2025, 4, dt.date(2026, 1, 20)),
    ],
)
def test_quarter_is_due_on_the_20th_of_the_following_month(year, quarter, due):
    assert scoring.quarter_due_date(year, quarter) == due


def test_quarter_bounds_and_annual_deadline():
    assert scoring.quarter_bounds(2024, 1) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert scoring.quarter_bounds(2024, 4) == (dt.date(2024, 10, 1), dt.date(2024, 12, 31))
    assert scoring.annual_due_date(2025) == dt.date(2026, 1, 30)
    with pytest.raises(ValueError):
        scoring.quarter_bounds(2024, 5)


def test_rules_problems_name_bad_weights_and_thresholds():
    assert scoring.rules_problems(DEFAULT_RULES) == []
    bad = {**DEFAULT_RULES, "kpi_weight": 60, "meets_min": "95", "feedback_min_respondents": 2}
    problems = [str(p) for p in scoring.rules_problems(bad)]
    assert len(problems) == 3
