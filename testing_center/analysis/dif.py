"""Differential item functioning (DIF) between the two languages of a test, by the
Mantel–Haenszel procedure as ETS uses it (Holland & Thayer 1988; Zwick 2012).

Candidates are matched on their total test score (the studied item included). In each
stratum k the item gives a 2×2 table::

                   right   wrong
    reference      A_k     B_k      (Russian-language papers)
    focal          C_k     D_k      (Kazakh-language papers)      N_k = A_k+B_k+C_k+D_k

* common odds ratio  alpha_MH = Σ(A_k·D_k/N_k) / Σ(B_k·C_k/N_k); above 1 the item is easier
  for the reference group than for focal candidates of the same total score;
* MH D-DIF = −2.35 · ln(alpha_MH) on the ETS delta scale: negative favours the reference
  group, positive the focal group;
* its standard error from the Robins–Breslow–Greenland variance of ln(alpha_MH) (the
  formula Phillips & Holland 1987 showed applies), SE(D) = 2.35 · sqrt(Var(ln alpha_MH));
* the ETS class: C when |D| ≥ 1.5 and |D| is significantly above 1 (one-sided 5 %,
  (|D| − 1)/SE > 1.645); A when |D| < 1 or D is not significantly different from 0
  (two-sided 5 %, |D|/SE ≤ 1.96); B otherwise.

Strata where only one group is present carry no information and drop out of every sum.
When the total scores are sparse (strata of fewer than ``min_stratum`` papers), adjacent
scores are merged into bands. Pure functions; the service feeds them a sitting's papers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

REFERENCE = "ru"
FOCAL = "kk"
DELTA = 2.35
Z_TWO_SIDED = 1.959964
Z_ONE_SIDED = 1.644854
# Below this many papers in either language the procedure says nothing useful.
MIN_GROUP = 20
# Strata smaller than this are merged with their neighbours into score bands.
MIN_STRATUM = 10


@dataclass(frozen=True)
class Table:
    """One stratum's 2×2 table: reference right/wrong (a, b), focal right/wrong (c, d)."""

    a: int
    b: int
    c: int
    d: int

    @property
    def n(self) -> int:
        return self.a + self.b + self.c + self.d

    @property
    def informative(self) -> bool:
        return (self.a + self.b) > 0 and (self.c + self.d) > 0


@dataclass(frozen=True)
class DifResult:
    reference_n: int
    focal_n: int
    alpha: float | None
    d: float | None
    se: float | None
    category: str  # "A", "B", "C", or "" when it could not be computed
    favours: str  # REFERENCE, FOCAL, or "" (no difference or not computed)


NOT_COMPUTED = DifResult(0, 0, None, None, None, "", "")


def mantel_haenszel(tables: Sequence[Table]) -> tuple[float, float, float] | None:
    """(alpha_MH, MH D-DIF, SE of D) over the strata's tables; None when undefined
    (no informative stratum, or every stratum favours one group completely)."""
    used = [t for t in tables if t.informative and t.n > 0]
    r = [t.a * t.d / t.n for t in used]
    s = [t.b * t.c / t.n for t in used]
    sum_r, sum_s = sum(r), sum(s)
    if sum_r <= 0 or sum_s <= 0:
        return None
    alpha = sum_r / sum_s
    # Robins, Breslow & Greenland (1986): P_k = (A+D)/N, Q_k = (B+C)/N.
    p = [(t.a + t.d) / t.n for t in used]
    q = [(t.b + t.c) / t.n for t in used]
    var = (
        sum(pk * rk for pk, rk in zip(p, r, strict=True)) / (2 * sum_r**2)
        + sum(pk * sk + qk * rk for pk, qk, rk, sk in zip(p, q, r, s, strict=True))
        / (2 * sum_r * sum_s)
        + sum(qk * sk for qk, sk in zip(q, s, strict=True)) / (2 * sum_s**2)
    )
    d = -DELTA * math.log(alpha)
    return alpha, d, DELTA * math.sqrt(var)


def ets_category(d: float, se: float) -> str:
    """The ETS A/B/C class of an MH D-DIF with its standard error."""
    size = abs(d)
    if size < 1.0 or se <= 0 or size / se <= Z_TWO_SIDED:
        return "A"
    if size >= 1.5 and (size - 1.0) / se > Z_ONE_SIDED:
        return "C"
    return "B"


def score_bands(totals: Sequence[float], *, min_stratum: int = MIN_STRATUM) -> dict[float, int]:
    """Total score → band number. Each distinct score is its own band unless it holds fewer
    than ``min_stratum`` papers: then it is merged with the next higher scores until the
    band is large enough (a small last band joins the one before it)."""
    counts: dict[float, int] = {}
    for t in totals:
        counts[t] = counts.get(t, 0) + 1
    bands: dict[float, int] = {}
    band, size, current = 0, 0, []
    for score in sorted(counts):
        current.append(score)
        size += counts[score]
        if size >= min_stratum:
            for s in current:
                bands[s] = band
            band, size, current = band + 1, 0, []
    for s in current:  # the remainder joins the last full band, if there is one
        bands[s] = max(band - 1, 0)
    return bands


def strata_tables(
    correct: Sequence[bool],
    totals: Sequence[float],
    languages: Sequence[str],
    *,
    min_stratum: int = MIN_STRATUM,
) -> list[Table]:
    """The per-stratum 2×2 tables of one item (papers in other languages are left out)."""
    rows = [
        (ok, total, lang)
        for ok, total, lang in zip(correct, totals, languages, strict=True)
        if lang in (REFERENCE, FOCAL)
    ]
    bands = score_bands([total for _ok, total, _lang in rows], min_stratum=min_stratum)
    cells: dict[int, list[int]] = {}
    for ok, total, lang in rows:
        cell = cells.setdefault(bands[total], [0, 0, 0, 0])
        cell[(0 if lang == REFERENCE else 2) + (0 if ok else 1)] += 1
    return [Table(*cells[k]) for k in sorted(cells)]


def item_dif(
    correct: Sequence[bool],
    totals: Sequence[float],
    languages: Sequence[str],
    *,
    min_group: int = MIN_GROUP,
    min_stratum: int = MIN_STRATUM,
) -> DifResult:
    """MH DIF of one item: ``correct[p]`` whether paper p got it right, ``totals[p]`` the
    paper's total score, ``languages[p]`` the language it was taken in."""
    reference_n = sum(1 for lang in languages if lang == REFERENCE)
    focal_n = sum(1 for lang in languages if lang == FOCAL)
    if reference_n < min_group or focal_n < min_group:
        return DifResult(reference_n, focal_n, None, None, None, "", "")
    result = mantel_haenszel(strata_tables(correct, totals, languages, min_stratum=min_stratum))
    if result is None:
        return DifResult(reference_n, focal_n, None, None, None, "", "")
    alpha, d, se = result
    category = ets_category(d, se)
    favours = "" if category == "A" else (REFERENCE if d < 0 else FOCAL)
    return DifResult(reference_n, focal_n, alpha, d, se, category, favours)


def items_dif(
    right: dict,
    scores: dict,
    languages: dict,
    *,
    min_group: int = MIN_GROUP,
    min_stratum: int = MIN_STRATUM,
) -> dict:
    """DIF of every item of a test, with the matching criterion purified as ETS does: a
    first pass on the total score; then items of class C in it are taken out of the total
    (the studied item always stays in) and every item is analysed again.

    ``right[item][paper]`` whether the paper got the item right, ``scores[item][paper]``
    its mark on it, ``languages[paper]`` the language the paper was taken in."""
    totals: dict = {}
    for marks in scores.values():
        for paper, mark in marks.items():
            totals[paper] = totals.get(paper, 0.0) + float(mark)

    def analyse(biased: set) -> dict:
        removed: dict = {}
        for item in biased:
            for paper, mark in scores[item].items():
                removed[paper] = removed.get(paper, 0.0) + float(mark)
        out = {}
        for item, marks in right.items():
            papers = list(marks)
            own = item in biased
            matching = [
                totals[p] - removed.get(p, 0.0) + (float(scores[item][p]) if own else 0.0)
                for p in papers
            ]
            out[item] = item_dif(
                [marks[p] for p in papers],
                matching,
                [languages[p] for p in papers],
                min_group=min_group,
                min_stratum=min_stratum,
            )
        return out

    first = analyse(set())
    biased = {item for item, result in first.items() if result.category == "C"}
    return analyse(biased) if biased else first
