"""The adverse-impact arithmetic against hand-computed examples (recruitment.fairness)."""

from __future__ import annotations

import pytest

from recruitment.fairness import (
    MIN_CELL,
    fisher_exact_two_sided,
    group_rates,
    suppressed_groups,
)

# --- Fisher's exact test -------------------------------------------------------------------


def test_fisher_matches_the_tea_tasting_lady():
    # Fisher's own example: 8 cups, 4 with milk first, she names 4, 3 of them right.
    #            guessed milk   guessed tea
    # milk first      3              1
    # tea first       1              3
    # Same margins, x = "milk first" cups named right: P(x) = C(4,x) C(4,4-x) / C(8,4):
    #   x=0: 1/70, x=1: 16/70, x=2: 36/70, x=3: 16/70, x=4: 1/70.
    # Two-sided: P(x) <= P(3) = 16/70 for x in {0, 1, 3, 4}: (1+16+16+1)/70 = 34/70 = 0.4857.
    assert fisher_exact_two_sided(3, 1, 1, 3) == pytest.approx(34 / 70)


def test_fisher_matches_the_textbook_dieting_table():
    # The classic example (also R's and Wikipedia's): 1 of 10 men and 11 of 14 women diet.
    #         dieting  not
    # men        1      9
    # women     11      3
    # Reference two-sided p = 0.002759 (R: fisher.test(matrix(c(1, 11, 9, 3), 2))).
    assert fisher_exact_two_sided(1, 9, 11, 3) == pytest.approx(0.0027594561852)


def test_fisher_of_identical_rows_is_one_and_of_an_empty_table_is_one():
    assert fisher_exact_two_sided(5, 5, 5, 5) == pytest.approx(1.0)
    assert fisher_exact_two_sided(0, 0, 0, 0) == 1.0


# --- Four-fifths ratio ---------------------------------------------------------------------


def test_four_fifths_ratio_against_the_highest_rate_group():
    # Women: 27 of 60 passed = 0.45; men: 48 of 60 = 0.80 (the highest rate).
    # Ratio of women = 0.45 / 0.80 = 0.5625 < 0.8. Fisher on [[27, 33], [48, 12]] gives
    # p ≈ 0.00013 (< 0.05), so the group is flagged; men are the reference (ratio 1).
    women, men = group_rates({"female": (60, 27), "male": (60, 48)})
    assert women.rate == pytest.approx(0.45)
    assert women.ratio == pytest.approx(0.5625)
    assert women.p_value == pytest.approx(fisher_exact_two_sided(27, 33, 48, 12))
    assert women.p_value < 0.001
    assert women.adverse
    assert men.reference and men.ratio == pytest.approx(1.0) and men.p_value is None
    assert not men.adverse
    assert women.percent == 45.0


def test_a_low_ratio_that_could_be_chance_is_not_adverse():
    # 6 of 12 (0.5) against 9 of 12 (0.75): ratio 0.667 < 0.8, but Fisher on
    # [[6, 6], [9, 3]] gives p = 0.4003 — twelve people each cannot show it is not chance.
    low, _high = group_rates({"a": (12, 6), "b": (12, 9)})
    assert low.ratio == pytest.approx(2 / 3)
    assert low.p_value == pytest.approx(0.400323, abs=1e-6)
    assert not low.adverse


def test_a_significant_gap_above_four_fifths_is_not_adverse():
    # 850 of 1000 (0.85) against 950 of 1000 (0.95): ratio 0.895 ≥ 0.8 though p is tiny.
    low, _high = group_rates({"a": (1000, 850), "b": (1000, 950)})
    assert low.ratio == pytest.approx(0.85 / 0.95)
    assert low.p_value < 1e-10
    assert not low.adverse


# --- Suppression ---------------------------------------------------------------------------


def test_small_cells_are_suppressed_with_their_complement():
    # Stage total 40 is public. Disability: yes 4, no 30, not given 6 → two cells under
    # 10, nothing more to hide (4 + 6 = 10 cannot be split from the total).
    assert suppressed_groups({"yes": 4, "no": 30, "__not_given": 6}) == {"yes", "__not_given"}
    # Yes 4, no 30, not given 16: only "yes" is small, so 40 − 30 − 16 would give it away;
    # the smallest other cell ("not given", 16) is hidden as well.
    assert suppressed_groups({"yes": 4, "no": 30, "__not_given": 16}) == {"yes", "__not_given"}
    # Nothing small, nothing hidden.
    assert suppressed_groups({"yes": 10, "no": 30, "__not_given": 12}) == set()
    # An empty group describes nobody: shown as 0, and it cannot be the complement (hiding
    # a 0 would not stop 40 − 0 − 36 = 4 from giving "yes" away), so "no" is hidden.
    assert suppressed_groups({"yes": 4, "no": 36, "__not_given": 0}) == {"yes", "no"}
    # Gender 60 and 60, nobody left blank: nothing to hide.
    assert suppressed_groups({"female": 60, "male": 60, "__not_given": 0}) == set()
    assert MIN_CELL == 10


def test_a_suppressed_group_shows_no_figures_and_is_never_the_reference():
    # "b" has the highest rate (8 of 9) but only 9 people: hidden, so the reference is "a".
    rows = group_rates({"a": (20, 10), "b": (9, 8)}, hidden={"b"})
    a, b = rows
    assert b.suppressed and (b.total, b.passed, b.rate, b.ratio, b.p_value) == (None,) * 5
    assert a.reference and a.ratio == pytest.approx(1.0)
