"""The bank check: single-choice keys spread evenly over the option positions."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from testing_center.models import (
    OPTION_LABELS,
    Question,
)

# How far the keys of a topic may lean to one option position before the bank check
# warns: a position holding more than 1/k + KEY_SHARE_MARGIN of the keys, or a chi-square
# test of uniformity below KEY_BALANCE_P, with at least KEY_BALANCE_MIN_ITEMS questions.
KEY_SHARE_MARGIN = 0.15
KEY_BALANCE_P = 0.01
KEY_BALANCE_MIN_ITEMS = 8


@dataclass(frozen=True)
class KeyBalanceWarning:
    topic: str
    questions: int
    options: int
    shares: tuple[float, ...]
    p_value: float

    @property
    def message(self) -> str:
        position = max(range(len(self.shares)), key=lambda n: self.shares[n])
        return str(
            _(
                "Topic %(topic)s: option %(position)s holds the key in %(share)s%% of "
                "single-choice questions (%(n)s in all; about %(expected)s%% expected). "
                "Reorder the options so that every position holds the key about equally "
                "often."
            )
            % {
                "topic": self.topic,
                "position": OPTION_LABELS[position].upper(),
                "share": round(100 * self.shares[position]),
                "n": self.questions,
                "expected": round(100 / self.options),
            }
        )


def bank_key_balance(*, topics=None) -> list[KeyBalanceWarning]:
    """The topics whose single-choice keys sit unevenly across option positions.

    Candidates never see the bank's order (each paper has its own order and labels), but an
    unbalanced bank still leaks through any test that does not shuffle, and says the bank
    was written carelessly. One query.
    """
    from scipy.stats import chisquare

    rows = Question.objects.filter(kind=Question.Kind.SINGLE).exclude(
        status=Question.Status.RETIRED
    )
    if topics is not None:
        rows = rows.filter(topic__in=topics)
    groups: dict[tuple[str, int], list[int]] = {}
    for code, options, key in rows.values_list("topic__code", "options", "key"):
        ids = [o.get("id") for o in options if isinstance(o, dict)]
        if len(ids) < 2 or not key or key[0] not in ids:
            continue
        counts = groups.setdefault((code, len(ids)), [0] * len(ids))
        counts[ids.index(key[0])] += 1
    warnings = []
    for (code, k), counts in sorted(groups.items()):
        n = sum(counts)
        if n < KEY_BALANCE_MIN_ITEMS:
            continue
        shares = tuple(c / n for c in counts)
        p_value = float(chisquare(counts).pvalue)
        if max(shares) > 1 / k + KEY_SHARE_MARGIN or p_value < KEY_BALANCE_P:
            warnings.append(KeyBalanceWarning(code, n, k, shares, p_value))
    return warnings
