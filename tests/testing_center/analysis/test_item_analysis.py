"""Item analysis against a hand-computed example (Moodle's quiz statistics formulas)."""

from __future__ import annotations

import pytest

from testing_center.analysis.statistics import (
    Thresholds,
    flag_reasons,
    item_statistics,
    quiz_statistics,
)


def test_statistics_match_the_hand_computed_example():
    """Four candidates, three one-mark items (a perfect Guttman pattern):

    ======  ==  ==  ==  =====
    person  i1  i2  i3  total
    ======  ==  ==  ==  =====
    P1       1   1   1    3
    P2       1   1   0    2
    P3       1   0   0    1
    P4       0   0   0    0
    ======  ==  ==  ==  =====

    Item 1: x = (1,1,1,0), mean .75 → facility 75 %.
      var(x) = (3·.25² + .75²)/3 = .75/3 = .25 → SD = .5 → 50 %.
      rest = total − x = (2,1,0,0), mean .75; var(rest) = (1.25²+.25²+.75²+.75²)/3 = 2.75/3.
      cov(x, rest) = (.25·1.25 + .25·.25 + .25·(−.75) + (−.75)(−.75))/3 = .75/3 = .25.
      discrimination = 100·.25/√(.25·2.75/3) = 52.2233 %.
      covmax: sorted x (0,1,1,1) with sorted rest (0,0,1,2): (.5625 − .1875 + .0625 + .3125)/3
      = .25 → discriminative efficiency 100 %.
    Item 2: x = (1,1,0,0): facility 50 %, var 1/3 → SD 57.735 %; rest (2,1,1,0), var 2/3,
      cov 1/3 → discrimination = (1/3)/√(2/9) = 1/√2 = 70.7107 %; covmax 1/3 → DE 100 %.
    Item 3: x = (1,0,0,0): facility 25 %, SD 50 %; rest (2,2,1,0), var 2.75/3, cov .25
      → discrimination 52.2233 %, DE 100 %.
    Test: totals (3,2,1,0): mean 1.5, median 1.5, var 5/3 → SD 1.290994.
      Σ var(items) = .25 + 1/3 + .25 = 5/6.
      CIC = 100 · 3/2 · (1 − (5/6)/(5/3)) = 75 %; error ratio = 100·√(1 − .75) = 50 %;
      standard error = .50 · 1.290994 = .645497.
    """
    matrix = {"i1": [1, 1, 1, 0], "i2": [1, 1, 0, 0], "i3": [1, 0, 0, 0]}
    stats = quiz_statistics(matrix, {"i1": 1, "i2": 1, "i3": 1})
    assert stats.attempts == 4
    assert stats.mean == pytest.approx(1.5)
    assert stats.median == pytest.approx(1.5)
    assert stats.sd == pytest.approx(1.290994, abs=1e-6)
    assert stats.cic == pytest.approx(75.0)
    assert stats.error_ratio == pytest.approx(50.0)
    assert stats.standard_error == pytest.approx(0.645497, abs=1e-6)
    i1, i2, i3 = stats.items["i1"], stats.items["i2"], stats.items["i3"]
    assert (i1.facility, i2.facility, i3.facility) == pytest.approx((75.0, 50.0, 25.0))
    assert (i1.sd, i2.sd, i3.sd) == pytest.approx((50.0, 57.735027, 50.0), abs=1e-5)
    assert i1.discrimination_index == pytest.approx(52.2233, abs=1e-4)
    assert i2.discrimination_index == pytest.approx(70.7107, abs=1e-4)
    assert i3.discrimination_index == pytest.approx(52.2233, abs=1e-4)
    assert i1.discriminative_efficiency == pytest.approx(100.0)


def test_discriminative_efficiency_is_covariance_over_the_sorted_maximum():
    """scores x = (1,0,1,0), totals (2,1,4,2) → rest (1,1,3,2), mean 1.75.

    cov = (.5·(−.75) + (−.5)(−.75) + .5·1.25 + (−.5)·.25)/3 = .5/3 = .166667
    var(x) = 1/3, var(rest) = (.75²+.75²+1.25²+.25²)/3 = 2.75/3
    discrimination = .166667/√(1/3 · 2.75/3) = 30.1511 %
    covmax: sorted x (0,0,1,1) with sorted rest (1,1,2,3):
      ((−.5)(−.75)·2 + .5·.25 + .5·1.25)/3 = 1.5/3 = .5 → DE = .166667/.5 = 33.3333 %
    """
    stats = item_statistics([1, 0, 1, 0], [2, 1, 4, 2], 1)
    assert stats.discrimination_index == pytest.approx(30.1511, abs=1e-4)
    assert stats.discriminative_efficiency == pytest.approx(33.3333, abs=1e-4)
    assert flag_reasons(stats, Thresholds()) == []
    assert "low_discrimination" in flag_reasons(stats, Thresholds(discrimination_min=40))


def test_an_item_everyone_answers_right_is_flagged_too_easy():
    stats = item_statistics([1, 1, 1, 1], [3, 2, 2, 1], 1)
    assert stats.facility == 100
    assert stats.discrimination_index is None
    assert flag_reasons(stats, Thresholds()) == ["too_easy"]
