"""Item analysis with Moodle's quiz statistics as the reference.

The formulas follow ``question/classes/statistics/questions/calculator.php`` and
``mod/quiz/report/statistics`` in Moodle (first attempts only, sample variances with
``s - 1``):

* facility index  F = 100 · mean(x) / max mark
* standard deviation  SD = 100 · sqrt(Σ(x − x̄)² / (s − 1)) / max mark
* discrimination index  D = 100 · cov(x, X − x) / sqrt(var(x) · var(X − x)), the correlation of
  the item score with the rest-of-test score
* discriminative efficiency  DE = 100 · cov(x, X − x) / covmax, where covmax is the same
  covariance computed after sorting the item scores and the rest-of-test scores
  independently (the largest covariance those marginals allow)
* coefficient of internal consistency (Cronbach's alpha)
  CIC = 100 · k/(k − 1) · (1 − Σ var(x_i) / var(X))
* error ratio  ER = 100 · sqrt(1 − CIC/100);  standard error  SE = ER/100 · SD(X)

Pure functions over a score matrix; the service turns attempts into the matrix and stores
the results.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemStats:
    attempts: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None


@dataclass(frozen=True)
class QuizStats:
    attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None
    items: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Thresholds:
    """Moodle's documentation calls a facility outside 5–95 % and a discrimination below
    about 30 % worth a look; the bank owner can tune these in settings."""

    facility_min: float = 5.0
    facility_max: float = 95.0
    discrimination_min: float = 30.0
    efficiency_min: float = 20.0


def _covariance(a: list[float], b: list[float]) -> float:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    return sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True)) / (len(a) - 1)


def item_statistics(scores: list[float], totals: list[float], max_mark: float) -> ItemStats:
    """Statistics of one item: ``scores[p]`` is person p's mark on it, ``totals[p]`` their
    test total (including this item)."""
    s = len(scores)
    if s == 0 or max_mark <= 0:
        return ItemStats(s, None, None, None, None)
    facility = 100 * (sum(scores) / s) / max_mark
    if s < 2:
        return ItemStats(s, facility, None, None, None)
    others = [t - x for x, t in zip(scores, totals, strict=True)]
    var_x = _covariance(scores, scores)
    var_o = _covariance(others, others)
    cov = _covariance(scores, others)
    cov_max = _covariance(sorted(scores), sorted(others))
    sd = 100 * math.sqrt(var_x) / max_mark
    di = 100 * cov / math.sqrt(var_x * var_o) if var_x * var_o else None
    de = 100 * cov / cov_max if cov_max else None
    return ItemStats(s, facility, sd, di, de)


def quiz_statistics(matrix: dict[str, list[float]], max_marks: dict[str, float]) -> QuizStats:
    """``matrix[item]`` lists each person's mark on the item, people in the same order in
    every list."""
    keys = list(matrix)
    if not keys:
        return QuizStats(0, None, None, None, None, None, None)
    s = len(matrix[keys[0]])
    totals = [sum(matrix[k][p] for k in keys) for p in range(s)]
    items = {k: item_statistics(matrix[k], totals, max_marks[k]) for k in keys}
    if s == 0:
        return QuizStats(0, None, None, None, None, None, None, items)
    mean = sum(totals) / s
    median = statistics.median(totals)
    if s < 2:
        return QuizStats(s, mean, median, None, None, None, None, items)
    var_total = _covariance(totals, totals)
    sd = math.sqrt(var_total)
    k = len(keys)
    cic = er = se = None
    if k > 1 and var_total:
        item_var = sum(_covariance(matrix[key], matrix[key]) for key in keys)
        cic = 100 * (k / (k - 1)) * (1 - item_var / var_total)
        if cic <= 100:
            er = 100 * math.sqrt(max(0.0, 1 - cic / 100))
            se = er / 100 * sd
    return QuizStats(s, mean, median, sd, cic, er, se, items)


def flag_reasons(stats: ItemStats, thresholds: Thresholds) -> list[str]:
    """Machine-readable reasons; the admin shows them translated."""
    reasons = []
    if stats.facility is not None and stats.facility < thresholds.facility_min:
        reasons.append("too_hard")
    if stats.facility is not None and stats.facility > thresholds.facility_max:
        reasons.append("too_easy")
    if (
        stats.discrimination_index is not None
        and stats.discrimination_index < thresholds.discrimination_min
    ):
        reasons.append("low_discrimination")
    if (
        stats.discriminative_efficiency is not None
        and stats.discriminative_efficiency < thresholds.efficiency_min
    ):
        reasons.append("low_efficiency")
    return reasons
