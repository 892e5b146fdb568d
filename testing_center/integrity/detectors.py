"""Integrity signals for the ethics dashboard: evidence for people to review, never penalties.

Inputs are plain dataclasses keyed by anonymous candidate codes; outputs are :class:`Flag`
objects whose ``evidence`` is JSON-serialisable and carries no text or personal data.
Three detectors:

- :func:`response_time_flags` — IsolationForest (seeded) over per-item and total times,
  confirmed by a robust z-score so a clean sitting stays silent, plus rapid guessing
  (a share of items answered faster than a few seconds);
- :func:`near_duplicate_answer_flags` — TF-IDF character n-gram cosine between open
  answers to the same item by different candidates of one sitting;
- :func:`answer_copying_flags` — pairs sharing improbably many identical *wrong* options,
  with a Poisson tail probability under independence and Bonferroni over all pairs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from scipy.stats import poisson
from sklearn.ensemble import IsolationForest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity
from threadpoolctl import threadpool_limits

RESPONSE_TIME_ANOMALY = "response_time_anomaly"
RAPID_GUESSING = "rapid_guessing"
NEAR_DUPLICATE_ANSWER = "near_duplicate_answer"
ANSWER_COPYING = "answer_copying"


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    codes: tuple[str, ...]
    score: float  # larger is more suspicious; comparable within one kind only
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AttemptTiming:
    """Seconds spent per item (item id → seconds) and in total, for one attempt."""

    code: str
    item_seconds: Mapping[str, float]
    total_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class OpenAnswer:
    code: str
    item_id: str
    text: str


@dataclass(frozen=True, slots=True)
class ClosedResponses:
    """Chosen option per closed item (item id → option id); unanswered items are absent."""

    code: str
    choices: Mapping[str, str]


def _robust_z(values: np.ndarray) -> np.ndarray:
    median = np.median(values, axis=0)
    mad = np.median(np.abs(values - median), axis=0) * 1.4826
    return (values - median) / np.where(mad > 1e-9, mad, 1e-9)


def response_time_flags(
    attempts: Sequence[AttemptTiming],
    *,
    seed: int = 0,
    rapid_seconds: float = 5.0,
    rapid_share: float = 0.4,
    min_attempts: int = 10,
    z_threshold: float = 3.5,
) -> list[Flag]:
    """Unusual timing per attempt, and rapid guessing.

    A timing anomaly needs both an IsolationForest outlier verdict (over log per-item and
    log total times) *and* a robust z-score beyond ``z_threshold`` on the total or on the
    median item time; this keeps a normal sitting silent. With fewer than ``min_attempts``
    attempts only the rapid-guessing rule runs.
    """
    flags: list[Flag] = []
    items = sorted({item for a in attempts for item in a.item_seconds})
    for attempt in attempts:
        times = [t for t in attempt.item_seconds.values() if t is not None]
        if not times:
            continue
        fast = sum(1 for t in times if t < rapid_seconds)
        if fast / len(times) >= rapid_share:
            flags.append(
                Flag(
                    RAPID_GUESSING,
                    (attempt.code,),
                    round(fast / len(times), 4),
                    {
                        "items_answered": len(times),
                        "items_faster_than_threshold": fast,
                        "threshold_seconds": rapid_seconds,
                        "share_threshold": rapid_share,
                    },
                )
            )
    if len(attempts) < min_attempts or not items:
        return flags
    matrix = np.array(
        [[a.item_seconds.get(item, np.nan) for item in items] for a in attempts], dtype=float
    )
    column_median = np.nanmedian(matrix, axis=0)
    matrix = np.where(np.isnan(matrix), column_median, matrix)
    logs = np.log1p(np.clip(matrix, 0, None))
    totals = np.array(
        [a.total_seconds if a.total_seconds is not None else np.nan for a in attempts]
    )
    totals = np.where(np.isnan(totals), matrix.sum(axis=1), totals)
    features = np.column_stack([logs, np.log1p(totals)])
    with threadpool_limits(limits=1):
        forest = IsolationForest(n_estimators=200, contamination="auto", random_state=seed)
        verdict = forest.fit(features).predict(features)
        scores = -forest.score_samples(features)
    z_total = _robust_z(np.log1p(totals))
    z_median_item = _robust_z(np.median(logs, axis=1))
    z_items = _robust_z(logs)
    for i, attempt in enumerate(attempts):
        strongest = max(abs(z_total[i]), abs(z_median_item[i]))
        if verdict[i] != -1 or strongest < z_threshold:
            continue
        unusual = np.argsort(-np.abs(z_items[i]))[:3]
        flags.append(
            Flag(
                RESPONSE_TIME_ANOMALY,
                (attempt.code,),
                round(float(scores[i]), 4),
                {
                    "total_seconds": round(float(totals[i]), 1),
                    "sitting_median_total_seconds": round(float(np.median(totals)), 1),
                    "total_robust_z": round(float(z_total[i]), 2),
                    "median_item_robust_z": round(float(z_median_item[i]), 2),
                    "most_unusual_items": {
                        items[j]: round(float(matrix[i, j]), 1) for j in unusual
                    },
                    "attempts_in_sitting": len(attempts),
                    "z_threshold": z_threshold,
                },
            )
        )
    return flags


def near_duplicate_answer_flags(
    answers: Sequence[OpenAnswer], *, threshold: float = 0.8, min_chars: int = 30
) -> list[Flag]:
    """Pairs of candidates whose answers to one item are near-identical (char n-grams).

    Answers shorter than ``min_chars`` are skipped: short correct answers coincide honestly.
    """
    by_item: dict[str, list[OpenAnswer]] = {}
    for answer in answers:
        if len(answer.text.strip()) >= min_chars:
            by_item.setdefault(answer.item_id, []).append(answer)
    flags = []
    for item_id, group in sorted(by_item.items()):
        if len(group) < 2:
            continue
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        matrix = vectorizer.fit_transform([" ".join(a.text.lower().split()) for a in group])
        similarity = cosine_similarity(matrix)
        for i, j in combinations(range(len(group)), 2):
            if group[i].code == group[j].code or similarity[i, j] < threshold:
                continue
            codes = tuple(sorted((group[i].code, group[j].code)))
            flags.append(
                Flag(
                    NEAR_DUPLICATE_ANSWER,
                    codes,
                    round(float(similarity[i, j]), 4),
                    {
                        "item_id": item_id,
                        "cosine_similarity": round(float(similarity[i, j]), 4),
                        "threshold": threshold,
                        "answer_lengths": [len(group[i].text), len(group[j].text)],
                        "answers_compared": len(group),
                    },
                )
            )
    return sorted(flags, key=lambda f: -f.score)


def _poisson_binomial_tail(probabilities: np.ndarray, k: int) -> float:
    """P(sum of independent Bernoulli(p_i) >= k), exactly, by dynamic programming."""
    distribution = np.zeros(len(probabilities) + 1)
    distribution[0] = 1.0
    for p in probabilities:
        distribution[1:] = distribution[1:] * (1 - p) + distribution[:-1] * p
        distribution[0] *= 1 - p
    return float(min(1.0, max(distribution[k:].sum(), 0.0)))


def answer_copying_flags(
    responses: Sequence[ClosedResponses],
    answer_key: Mapping[str, str],
    *,
    alpha: float = 0.01,
    min_candidates: int = 10,
) -> list[Flag]:
    """Pairs sharing improbably many identical wrong options.

    Under independence, candidate A is wrong on item i with probability
    ``q_i · w_A / mean(q)`` (item wrong-rate scaled by A's own wrong-rate, capped at 1),
    and two wrong candidates pick the same option with probability ``Σ_o g_io²`` (``g``:
    the sitting's distribution of wrong options on item i). The expected count of shared
    wrong options is a sum of independent Bernoullis; the observed count is tested with
    its exact upper tail (Poisson-binomial), and a pair is flagged when
    p < alpha / number of pairs (Bonferroni).
    """
    if len(responses) < min_candidates:
        return []
    items = sorted(answer_key)
    index = {item: k for k, item in enumerate(items)}
    options = sorted({o for r in responses for o in r.choices.values()})
    option_index = {o: k for k, o in enumerate(options)}
    n, m, n_opt = len(responses), len(items), len(options)
    wrong = np.zeros((n, m, n_opt))  # one-hot of wrong choices
    answered = np.zeros((n, m))
    for c, response in enumerate(responses):
        for item, option in response.choices.items():
            if item not in index:
                continue
            answered[c, index[item]] = 1
            if option != answer_key[item]:
                wrong[c, index[item], option_index[option]] = 1
    wrong_any = wrong.sum(axis=2)
    answered_count = np.maximum(answered.sum(axis=0), 1)
    item_wrong_rate = wrong_any.sum(axis=0) / answered_count
    wrong_counts = wrong.sum(axis=0)  # item × option
    per_item_wrong = np.maximum(wrong_counts.sum(axis=1, keepdims=True), 1)
    same_option = ((wrong_counts / per_item_wrong) ** 2).sum(axis=1)
    candidate_wrong_rate = wrong_any.sum(axis=1) / np.maximum(answered.sum(axis=1), 1)
    mean_q = max(float(item_wrong_rate.mean()), 1e-9)
    p_wrong = np.clip(np.outer(candidate_wrong_rate, item_wrong_rate) / mean_q, 0, 1)
    p_wrong *= answered
    expected = (p_wrong * same_option) @ p_wrong.T
    flat = wrong.reshape(n, m * n_opt)
    observed = flat @ flat.T
    pairs = n * (n - 1) // 2
    cutoff = alpha / pairs
    flags = []
    for a, b in combinations(range(n), 2):
        k = round(float(observed[a, b]))
        if k == 0:
            continue
        # The Poisson tail is a cheap, heavier-tailed screen; the exact Poisson-binomial
        # tail is computed only for pairs that survive it.
        if float(poisson.sf(k - 1, max(expected[a, b], 1e-12))) >= cutoff * 1e3:
            continue
        p_value = _poisson_binomial_tail(p_wrong[a] * p_wrong[b] * same_option, k)
        if p_value >= cutoff:
            continue
        codes = tuple(sorted((responses[a].code, responses[b].code)))
        flags.append(
            Flag(
                ANSWER_COPYING,
                codes,
                round(-math.log10(max(p_value, 1e-300)), 2),
                {
                    "identical_wrong_answers": k,
                    "expected_under_independence": round(float(expected[a, b]), 3),
                    "p_value": p_value,
                    "test": "poisson_binomial_upper_tail",
                    "bonferroni_threshold": cutoff,
                    "pairs_tested": pairs,
                    "wrong_answers": [int(wrong_any[a].sum()), int(wrong_any[b].sum())],
                    "items": m,
                },
            )
        )
    return sorted(flags, key=lambda f: -f.score)
