"""Adverse-impact arithmetic (issue 18): pure functions, no database.

For one stage and one characteristic, each group's *selection rate* is the share of its
members who passed. The *four-fifths ratio* of a group is its rate divided by the rate of
the highest-rate group; below 0.8 is the classic sign of adverse impact. Fisher's exact
test (two-sided) on the 2×2 table (group vs the highest-rate group, passed vs not) says
whether a gap that size could easily be chance with so few people.

Small cells are *suppressed*: a group with fewer than ``MIN_CELL`` people shows "fewer
than 10" and no rate, ratio or p (an empty group describes nobody and shows 0). When
exactly one group of a characteristic would be suppressed, the next-smallest non-empty
one is suppressed too, so the hidden one cannot be computed from the stage's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

MIN_CELL = 10
FOUR_FIFTHS = 0.8
SIGNIFICANCE = 0.05


def fisher_exact_two_sided(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test for the table [[a, b], [c, d]]: the total
    probability, with the margins fixed, of every table no more likely than this one
    (the same rule as R's ``fisher.test`` and SciPy's ``fisher_exact``)."""
    row1, col1, total = a + b, a + c, a + b + c + d
    if total == 0:
        return 1.0
    denominator = comb(total, col1)

    def probability(x: int) -> float:
        return comb(row1, x) * comb(total - row1, col1 - x) / denominator

    observed = probability(a)
    low, high = max(0, col1 - (total - row1)), min(row1, col1)
    # A relative tolerance, as R does, so tables equally likely up to rounding count too.
    p = sum(
        pr for pr in (probability(x) for x in range(low, high + 1)) if pr <= observed * (1 + 1e-7)
    )
    return min(1.0, p)


@dataclass(frozen=True)
class GroupRate:
    group: str
    total: int | None  # None when suppressed
    passed: int | None
    rate: float | None
    ratio: float | None  # the four-fifths ratio against the highest-rate group
    p_value: float | None  # Fisher, against the highest-rate group
    suppressed: bool
    reference: bool = False  # the highest-rate group itself

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)

    @property
    def adverse(self) -> bool:
        """Below four fifths and significant at 5%."""
        return (
            self.ratio is not None
            and self.p_value is not None
            and self.ratio < FOUR_FIFTHS
            and self.p_value < SIGNIFICANCE
        )


def suppressed_groups(sizes: dict[str, int], *, min_cell: int = MIN_CELL) -> set[str]:
    """The groups to hide: every one of 1 to ``min_cell`` − 1 people, and if that is
    exactly one group, the smallest non-empty one of the rest as well (its complement).
    Empty groups describe nobody and are shown as 0. ``sizes`` should include the people
    who gave no answer as a group of their own, since the stage total is known."""
    hidden = {group for group, size in sizes.items() if 0 < size < min_cell}
    shown = sorted((size, group) for group, size in sizes.items() if group not in hidden and size)
    if len(hidden) == 1 and shown:
        hidden.add(shown[0][1])
    return hidden


def group_rates(
    counts: dict[str, tuple[int, int]], *, hidden: set[str] = frozenset()
) -> list[GroupRate]:
    """``counts`` is {group: (people, passed)}; ``hidden`` from ``suppressed_groups``.
    The reference is the highest-rate group among those shown (a hidden group's rate must
    not leak through everyone else's ratio). Rows come back in the order given."""
    rates = {
        group: passed / total
        for group, (total, passed) in counts.items()
        if group not in hidden and total > 0
    }
    reference = max(rates, key=lambda g: (rates[g], counts[g][0]), default=None)
    rows: list[GroupRate] = []
    for group, (total, passed) in counts.items():
        if group in hidden:
            rows.append(GroupRate(group, None, None, None, None, None, suppressed=True))
            continue
        rate = rates.get(group)
        ratio = p_value = None
        if reference is not None and rate is not None and rates[reference] > 0:
            ratio = rate / rates[reference]
            if group != reference:
                ref_total, ref_passed = counts[reference]
                p_value = fisher_exact_two_sided(
                    passed, total - passed, ref_passed, ref_total - ref_passed
                )
        rows.append(
            GroupRate(
                group, total, passed, rate, ratio, p_value, False, reference=group == reference
            )
        )
    return rows


# --- The AI essay scorer's error by group ----------------------------------------------------
#
# For one essay stage and one characteristic, each group's *mean absolute error* (MAE) is
# the mean of |AI score − the commission's final score| over its essays, on the stage's own
# scale. The *gap* is the group's MAE minus the MAE of the other groups shown for that
# characteristic: a positive gap means the scorer errs more for that group. Groups are
# suppressed by ``suppressed_groups`` exactly as for the selection rates, and a hidden
# group's essays are left out of every other group's comparison too, so its error cannot
# be worked out from the gaps of the rest (as a hidden group is never the reference rate).


@dataclass(frozen=True)
class GroupError:
    group: str
    n: int | None  # None when suppressed
    mae: float | None
    gap: float | None  # MAE of the group − MAE of the other shown groups
    suppressed: bool


def group_error_gaps(
    errors: dict[str, list[float]], *, hidden: set[str] = frozenset()
) -> list[GroupError]:
    """``errors`` is {group: [absolute error of each essay]}; ``hidden`` from
    ``suppressed_groups``. Rows come back in the order given; an empty group, or one with
    no other shown group to compare with, has no MAE or no gap."""
    shown = {group: values for group, values in errors.items() if group not in hidden}
    total_n = sum(len(values) for values in shown.values())
    total_sum = sum(sum(values) for values in shown.values())
    rows: list[GroupError] = []
    for group, values in errors.items():
        if group in hidden:
            rows.append(GroupError(group, None, None, None, suppressed=True))
            continue
        n = len(values)
        mae = sum(values) / n if n else None
        rest_n = total_n - n
        gap = None
        if mae is not None and rest_n:
            gap = mae - (total_sum - sum(values)) / rest_n
        rows.append(GroupError(group, n, mae, gap, suppressed=False))
    return rows
