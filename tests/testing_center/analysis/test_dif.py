"""Language DIF (Mantel–Haenszel, ETS classes) against a hand-worked example, in the
sitting's item analysis, in the admin and in the demo's planted item."""

from __future__ import annotations

import math
import random

import pytest

from testing_center.analysis.dif import (
    Table,
    ets_category,
    item_dif,
    mantel_haenszel,
    score_bands,
    strata_tables,
)

# Three strata of total score (1, 2, 3). Reference = Russian-language papers (A right,
# B wrong), focal = Kazakh-language papers (C right, D wrong):
#
#   total  A  B  C  D   N   R = AD/N       S = BC/N      P = (A+D)/N  Q = (B+C)/N
#   1      2  3  1  4  10   8/10 = .8      3/10 = .3     6/10         4/10
#   2      4  1  2  3  10   12/10 = 1.2    2/10 = .2     7/10         3/10
#   3      5  1  3  2  11   10/11          3/11          7/11         4/11
#
# ΣR = 2 + 10/11 = 32/11 = 2.909091;  ΣS = .5 + 3/11 = 17/22 = .772727
# alpha_MH = ΣR/ΣS = (32/11)/(17/22) = 64/17 = 3.764706
# MH D-DIF = −2.35 · ln(64/17) = −2.35 · 1.325670 = −3.115324   (negative: favours Russian)
# Robins–Breslow–Greenland:
#   ΣPR = .48 + .84 + 70/121 = 1.898512
#   Σ(PS + QR) = (.18 + .32) + (.14 + .36) + (21 + 40)/121 = 1.504132
#   ΣQS = .12 + .06 + 12/121 = .279174
#   Var(ln α) = 1.898512/(2·(32/11)²) + 1.504132/(2·(32/11)(17/22)) + .279174/(2·(17/22)²)
#             = .112168 + .334559 + .233773 = .680498  (exactly 10069199/14796800)
#   SE(D) = 2.35 · √.680498 = 1.938570
# Class: |D| = 3.12 ≥ 1.5 but |D|/SE = 1.607 ≤ 1.96, not significantly different from 0 → A.
#
# The same tables with every cell ×10: the same alpha and D; every sum in the variance
# ×10 and every squared denominator ×100, so Var = .680498/10 and SE = 1.938570/√10 =
# .613030. |D|/SE = 5.08 > 1.96 and (|D| − 1)/SE = 3.45 > 1.645 → C, favouring Russian.
TABLES = [Table(2, 3, 1, 4), Table(4, 1, 2, 3), Table(5, 1, 3, 2)]
ALPHA = 64 / 17
D = -2.35 * math.log(64 / 17)  # −3.1153239
VAR = 10069199 / 14796800
SE = 2.35 * math.sqrt(VAR)  # 1.9385697


def test_mantel_haenszel_matches_the_hand_worked_tables():
    alpha, d, se = mantel_haenszel(TABLES)
    assert alpha == pytest.approx(3.764706, abs=1e-6)
    assert alpha == pytest.approx(ALPHA, abs=1e-12)
    assert d == pytest.approx(-3.115324, abs=1e-6)
    assert se == pytest.approx(1.938570, abs=1e-6)
    assert se == pytest.approx(SE, abs=1e-12)
    assert ets_category(d, se) == "A"  # large but not significant on 31 papers


def test_ten_times_the_papers_make_the_same_difference_a_significant_class_c():
    alpha, d, se = mantel_haenszel([Table(10 * t.a, 10 * t.b, 10 * t.c, 10 * t.d) for t in TABLES])
    assert alpha == pytest.approx(ALPHA, abs=1e-6)
    assert d == pytest.approx(D, abs=1e-6)
    assert se == pytest.approx(0.613030, abs=1e-6)
    assert ets_category(d, se) == "C"


def _papers(tables, scale=1):
    """Papers reproducing ``tables`` (stratum k has total score k + 1)."""
    right, totals, languages = [], [], []
    for k, t in enumerate(tables, start=1):
        for lang, ok, count in (("ru", 1, t.a), ("ru", 0, t.b), ("kk", 1, t.c), ("kk", 0, t.d)):
            for _ in range(count * scale):
                right.append(bool(ok))
                totals.append(float(k))
                languages.append(lang)
    return right, totals, languages


def test_item_dif_builds_the_tables_from_papers_and_says_whom_it_favours():
    right, totals, languages = _papers(TABLES, scale=10)
    # An English-language paper is neither group: it changes nothing.
    right.append(False), totals.append(1.0), languages.append("en")
    assert strata_tables(right, totals, languages, min_stratum=1) == [
        Table(10 * t.a, 10 * t.b, 10 * t.c, 10 * t.d) for t in TABLES
    ]
    result = item_dif(right, totals, languages, min_stratum=1)
    assert (result.reference_n, result.focal_n) == (160, 150)
    assert result.alpha == pytest.approx(ALPHA, abs=1e-6)
    assert result.d == pytest.approx(D, abs=1e-6)
    assert result.se == pytest.approx(SE / math.sqrt(10), abs=1e-6)
    assert (result.category, result.favours) == ("C", "ru")
    # Swap the languages: the same size of difference, now favouring Kazakh.
    swapped = item_dif(right, totals, [{"ru": "kk", "kk": "ru"}.get(x, x) for x in languages])
    assert swapped.d == pytest.approx(-D, abs=1e-6)
    assert (swapped.category, swapped.favours) == ("C", "kk")


@pytest.mark.parametrize(
    ("d", "se", "category"),
    [
        (-0.9, 0.1, "A"),  # |D| < 1
        (-1.2, 0.7, "A"),  # not significantly different from 0: 1.71 ≤ 1.96
        (-1.2, 0.3, "B"),  # significant, below 1.5
        (1.6, 0.5, "B"),  # ≥ 1.5 but not significantly above 1: (0.6)/0.5 = 1.2 ≤ 1.645
        (1.6, 0.3, "C"),  # (0.6)/0.3 = 2 > 1.645
        (-2.0, 0.4, "C"),
    ],
)
def test_ets_classes(d, se, category):
    assert ets_category(d, se) == category


def test_sparse_scores_are_merged_into_bands_and_small_groups_are_not_classed():
    # Scores 0..4 with 3, 4, 12, 2, 2 papers: 0+1 make 7 (< 8), 0+1+2 = 19 → band 0;
    # 3+4 make only 4, too few: they join band 0 as well.
    totals = [0] * 3 + [1] * 4 + [2] * 12 + [3] * 2 + [4] * 2
    assert score_bands(totals, min_stratum=8) == {0: 0, 1: 0, 2: 0, 3: 0, 4: 0}
    assert score_bands([1] * 10 + [2] * 10 + [3] * 3, min_stratum=10) == {1: 0, 2: 1, 3: 1}
    right, totals, languages = _papers(TABLES)
    result = item_dif(right, totals, languages)  # 16 Russian, 15 Kazakh papers: too few
    assert (result.category, result.d) == ("", None)


def test_an_item_without_bias_is_class_a_on_a_large_sample():
    rng = random.Random(7)
    right, totals, languages = [], [], []
    for n in range(600):
        total = rng.randint(0, 10)
        totals.append(float(total))
        languages.append("kk" if n % 2 else "ru")
        right.append(rng.random() < total / 10)
    assert item_dif(right, totals, languages).category == "A"
