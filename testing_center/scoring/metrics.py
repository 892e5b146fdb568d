"""Agreement metrics between AI and human scores."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

# arctanh(±1) is infinite; a question with perfect agreement counts as kappa 0.999.
KAPPA_CLIP = 0.999


def quadratic_weighted_kappa(human: Sequence[int], ai: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights; ``None`` when undefined.

    It is undefined when chance disagreement is zero, i.e. human and AI gave one and the
    same score to every answer (0/0): agreement is perfect but nothing distinguishes it
    from chance. If only the human scores are constant, kappa is defined (0 or below).
    """
    if len(human) != len(ai):
        raise ValueError("human and ai must have the same length")
    if not human:
        return None
    y_true = np.asarray(human, dtype=float)
    y_pred = np.asarray(ai, dtype=float)
    labels = np.union1d(y_true, y_pred)
    index = {label: i for i, label in enumerate(labels)}
    k = len(labels)
    observed = np.zeros((k, k))
    for a, b in zip(y_true, y_pred, strict=True):
        observed[index[a], index[b]] += 1
    weights = np.subtract.outer(labels, labels) ** 2
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    denominator = float((weights * expected).sum())
    if denominator == 0.0:
        return None
    return 1.0 - float((weights * observed).sum()) / denominator


def fisher_z_mean(kappas: Iterable[float], *, clip: float = KAPPA_CLIP) -> float | None:
    """Mean of kappas through Fisher's z (atanh), each clipped to ±``clip``; None if empty."""
    values = [max(-clip, min(clip, k)) for k in kappas]
    if not values:
        return None
    return math.tanh(sum(math.atanh(v) for v in values) / len(values))


def plain_mean(kappas: Iterable[float]) -> float | None:
    """The arithmetic mean of kappas (no transformation); None if empty."""
    values = list(kappas)
    if not values:
        return None
    return sum(values) / len(values)


def pooled_qwk(pairs: Iterable[tuple[Sequence[int], Sequence[int]]]) -> float | None:
    """One QWK over every answer of every question, (human, ai) lists per question pooled;
    None when undefined. Questions with many answers weigh more, and a question whose
    scores run on another scale shifts the whole table: read it beside the per-question
    means, not instead of them."""
    human: list[int] = []
    ai: list[int] = []
    for h, a in pairs:
        human += list(h)
        ai += list(a)
    return quadratic_weighted_kappa(human, ai)
