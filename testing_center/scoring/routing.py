"""Per-question routing of AI-scored answers to people.

One global confidence threshold sends very different shares of each question's answers to
people (a question the model finds hard has low confidences throughout). Here each
question gets its own threshold, computed from its model's held-out (out-of-fold)
answers at training time, to meet a target:

* ``share``: people review about ``target`` of the question's answers (0.20 = the least
  confident 20 %);
* ``error``: the fewest reviews such that at most ``target`` of all answers keep an AI
  score that differs from the human's (a residual error rate).

An answer goes to people when its confidence is *below* the threshold. Thresholds sit
half-way between two neighbouring held-out confidences, and never split a run of equal
confidences (which would make the share depend on tie order). Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SHARE = "share"
ERROR = "error"


@dataclass(frozen=True)
class Routing:
    threshold: float
    expected_share: float  # of the held-out answers, the share below the threshold
    expected_error: float  # of all held-out answers, the share wrong and not reviewed


def held_out_calibration(
    proba, chosen, familiarity, classes, human, familiar_share: float
) -> tuple[tuple[float, int], ...]:
    """Sorted (confidence, |AI − human|) of held-out answers: out-of-fold probability rows,
    the class index chosen for each, and each answer's familiarity, with the confidence
    computed as ``model.score_answers`` computes it."""
    rows = []
    for row, index, known, score in zip(proba, chosen, familiarity, human, strict=True):
        confidence = float(min(1.0, max(0.0, row[index]))) * min(1.0, known / familiar_share)
        rows.append((round(confidence, 6), abs(int(classes[index]) - int(score))))
    return tuple(sorted(rows))


def _boundaries(confidences: Sequence[float]) -> list[int]:
    """Positions j (0..n) where "the j least confident" can be cut off without splitting
    equal confidences; ``confidences`` sorted ascending."""
    n = len(confidences)
    return [j for j in range(n + 1) if j in (0, n) or confidences[j - 1] < confidences[j]]


def _threshold_at(confidences: Sequence[float], j: int) -> float:
    if j == 0:
        return 0.0
    if j == len(confidences):
        return 1.0
    return (confidences[j - 1] + confidences[j]) / 2


def routing_threshold(
    calibration: Sequence[Sequence[float]], *, mode: str, target: float
) -> Routing | None:
    """The threshold meeting ``target`` on ``calibration`` ([confidence, |AI − human|]
    pairs of held-out answers); None without calibration data."""
    if not calibration:
        return None
    if not 0.0 <= target <= 1.0:
        raise ValueError("target must be within [0, 1]")
    rows = sorted((float(c), float(e)) for c, e in calibration)
    confidences = [c for c, _e in rows]
    n = len(rows)
    cuts = _boundaries(confidences)
    # wrong_after[j]: answers from position j on whose AI score is wrong.
    wrong_after = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        wrong_after[i] = wrong_after[i + 1] + (1 if rows[i][1] > 0 else 0)
    if mode == SHARE:
        j = min(cuts, key=lambda k: (abs(k - target * n), k))
    elif mode == ERROR:
        j = next(k for k in cuts if wrong_after[k] <= target * n + 1e-9)
    else:
        raise ValueError(f"unknown routing mode {mode!r}")
    return Routing(_threshold_at(confidences, j), j / n, wrong_after[j] / n)


def review_shares(
    confidences_by_question: dict[str, Sequence[float]], thresholds: dict[str, float]
) -> dict[str, float]:
    """Per question, the share of answers whose confidence is below its threshold."""
    return {
        q: (sum(1 for c in values if c < thresholds[q]) / len(values)) if values else 0.0
        for q, values in confidences_by_question.items()
    }


def routing_at(calibration: Sequence[Sequence[float]], threshold: float) -> Routing | None:
    """What a given threshold does on ``calibration``: shares reviewed and left wrong."""
    if not calibration:
        return None
    n = len(calibration)
    below = sum(1 for c, _e in calibration if float(c) < threshold)
    wrong = sum(1 for c, e in calibration if float(c) >= threshold and float(e) > 0)
    return Routing(threshold, below / n, wrong / n)
