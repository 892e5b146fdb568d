"""Train-on-one-split, score-another benchmark of the product scorer (and the baseline).

Used by ``manage.py scoring_benchmark``; plain functions so tests can call them directly.

Conventions (also printed in the JSON): per-question QWK; ``mean_qwk`` is their Fisher-z
(atanh) mean with each kappa clipped to ±0.999, ``mean_qwk_plain`` their arithmetic mean,
``pooled_qwk`` one QWK over all answers together. A question whose test QWK is *undefined*
(human and AI gave every test answer one and the same score) is left out of the means
and counted in ``questions_undefined``; ``mean_qwk_undefined_as_perfect`` counts those
as perfect agreement (0.999) instead, for comparison with figures computed that way.

"With review": the answers routed to people get the human score. Two routings are
compared at the same review share: one global confidence threshold (the least confident
``review_share`` of all answers pooled) and per-question thresholds computed from each
question's held-out training answers (``scoring.routing``), as the product routes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

from .data import ScoredAnswer, group_by_question
from .features import char_vectorizer, word_vectorizer
from .metrics import KAPPA_CLIP, fisher_z_mean, plain_mean, quadratic_weighted_kappa
from .model import score_answers, train_question_model
from .routing import SHARE, routing_threshold

REVIEW_SHARE = 0.20


@dataclass
class QuestionResult:
    question_id: str
    train_size: int
    test_size: int
    qwk: float | None
    cv_qwk: float | None
    algorithm: str
    decision: str
    notes: tuple[str, ...] = ()


@dataclass
class BenchmarkResult:
    questions: list[QuestionResult]
    summary: dict = field(default_factory=dict)


def run_benchmark(
    answers: Sequence[ScoredAnswer],
    *,
    train_split: str = "train",
    test_split: str = "test",
    seed: int = 0,
    limit_questions: int | None = None,
    with_baseline: bool = False,
    progress: Callable[[QuestionResult], None] | None = None,
    review_share: float = REVIEW_SHARE,
) -> BenchmarkResult:
    """Train per question on ``train_split``, score ``test_split``, summarise agreement."""
    per_question = group_by_question(answers)
    question_ids = [
        q
        for q, rows in per_question.items()
        if any(r.split == train_split for r in rows) and any(r.split == test_split for r in rows)
    ]
    if limit_questions:
        question_ids = question_ids[:limit_questions]
    results: list[QuestionResult] = []
    human: list[int] = []
    ai: list[int] = []
    confidence: list[float] = []
    question_of: list[str] = []
    groups: list[dict[str, str]] = []
    baseline_kappas: dict[str, float | None] = {}
    own_threshold: dict[str, float | None] = {}
    train_seconds = score_seconds = 0.0
    for question_id in question_ids:
        rows = per_question[question_id]
        train = [r for r in rows if r.split == train_split]
        test = [r for r in rows if r.split == test_split]
        started = time.perf_counter()
        record = train_question_model(train, seed=seed)
        train_seconds += time.perf_counter() - started
        started = time.perf_counter()
        predictions = score_answers(record, [r.answer for r in test])
        score_seconds += time.perf_counter() - started
        y_true = [r.score for r in test]
        y_pred = [p.score for p in predictions]
        result = QuestionResult(
            question_id=question_id,
            train_size=len(train),
            test_size=len(test),
            qwk=quadratic_weighted_kappa(y_true, y_pred),
            cv_qwk=record.cv_qwk,
            algorithm=record.algorithm,
            decision=record.decision,
            notes=record.notes,
        )
        results.append(result)
        routing = routing_threshold(record.calibration, mode=SHARE, target=review_share)
        own_threshold[question_id] = routing.threshold if routing else None
        if progress:
            progress(result)
        human += y_true
        ai += y_pred
        confidence += [p.confidence for p in predictions]
        question_of += [question_id] * len(test)
        groups += [r.group for r in test]
        if with_baseline:
            baseline_kappas[question_id] = _baseline_qwk(train, test, seed)

    summary = _summarise(results, human, ai, confidence, question_of, groups)
    summary.update(_with_review(human, ai, confidence, question_of, own_threshold, review_share))
    summary["train_seconds"] = round(train_seconds, 2)
    summary["answers_per_second"] = round(len(ai) / score_seconds, 1) if score_seconds else None
    summary["seed"] = seed
    if with_baseline:
        summary["baseline_mean_qwk"] = _rounded(
            fisher_z_mean(k for k in baseline_kappas.values() if k is not None)
        )
        summary["baseline_mean_qwk_undefined_as_perfect"] = _rounded(
            fisher_z_mean(1.0 if k is None else k for k in baseline_kappas.values())
        )
    return BenchmarkResult(results, summary)


def _baseline_qwk(train, test, seed) -> float | None:
    """The reference baseline: word+char TF-IDF, logistic regression with defaults."""
    if len({r.score for r in train}) < 2:
        predicted = [train[0].score] * len(test)
    else:
        pipeline = make_pipeline(
            make_union(word_vectorizer(), char_vectorizer()),
            LogisticRegression(max_iter=3000, random_state=seed),
        )
        pipeline.fit([r.answer for r in train], [r.score for r in train])
        predicted = [int(p) for p in pipeline.predict([r.answer for r in test])]
    return quadratic_weighted_kappa([r.score for r in test], predicted)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _summarise(results, human, ai, confidence, question_of, groups) -> dict:
    kappas = [r.qwk for r in results]
    defined = [k for k in kappas if k is not None]
    summary = {
        "mean_qwk": _rounded(fisher_z_mean(defined)),
        "mean_qwk_plain": _rounded(plain_mean(defined)),
        "mean_qwk_undefined_as_perfect": _rounded(
            fisher_z_mean(1.0 if k is None else k for k in kappas)
        ),
        "questions": len(results),
        "questions_undefined": len(kappas) - len(defined),
        "kappa_clip": KAPPA_CLIP,
        "undefined_qwk": "excluded from mean_qwk (human and AI constant and equal)",
        "answers": len(ai),
        "pooled_qwk": _rounded(quadratic_weighted_kappa(human, ai)) if ai else None,
        "accuracy": round(float(np.mean(np.equal(human, ai))), 4) if ai else None,
    }
    gaps = group_mae_gaps(human, ai, groups)
    if gaps:
        summary["group_mae_gap"] = gaps
    return summary


def _agreement(human, final, question_of) -> dict:
    by_question: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for q, h, f in zip(question_of, human, final, strict=True):
        by_question[q][0].append(h)
        by_question[q][1].append(f)
    kappas = [quadratic_weighted_kappa(h, f) for h, f in by_question.values()]
    defined = [k for k in kappas if k is not None]
    return {
        "mean_qwk": _rounded(fisher_z_mean(defined)),
        "mean_qwk_plain": _rounded(plain_mean(defined)),
        "pooled_qwk": _rounded(quadratic_weighted_kappa(human, final)),
    }


def _routed(human, ai, reviewed, question_of) -> dict:
    final = [h if r else a for h, a, r in zip(human, ai, reviewed, strict=True)]
    shares: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for q, r in zip(question_of, reviewed, strict=True):
        shares[q][0] += int(r)
        shares[q][1] += 1
    by_question = {q: round(k / n, 4) for q, (k, n) in shares.items()}
    return {
        **_agreement(human, final, question_of),
        "review_share": round(sum(reviewed) / len(reviewed), 4),
        "review_share_by_question": by_question,
        "review_share_min": min(by_question.values()),
        "review_share_max": max(by_question.values()),
    }


def _with_review(human, ai, confidence, question_of, own_threshold, share) -> dict:
    """Agreement when people mark the routed answers: the least confident ``share`` of all
    answers (one global threshold), or each question's answers below its own threshold
    (a question without held-out answers keeps the global one)."""
    if not ai:
        return {"qwk_with_review": None}
    n_review = round(share * len(ai))
    order = np.argsort(np.asarray(confidence), kind="stable")
    globally = [False] * len(ai)
    for i in order[:n_review]:
        globally[i] = True
    threshold = float(np.asarray(confidence)[order[n_review]]) if n_review < len(ai) else 1.0
    own = [
        c < (threshold if own_threshold.get(q) is None else own_threshold[q])
        for q, c in zip(question_of, confidence, strict=True)
    ]
    global_routing = _routed(human, ai, globally, question_of)
    per_question = _routed(human, ai, own, question_of)
    return {
        # Kept under their earlier names: the global threshold's figures.
        "qwk_with_review": global_routing["mean_qwk"],
        "pooled_qwk_with_review": global_routing["pooled_qwk"],
        "review_share": share,
        "review_confidence_threshold": round(threshold, 4),
        "with_review_global_threshold": global_routing,
        "with_review_per_question": {
            **per_question,
            "thresholds": {q: None if t is None else round(t, 4) for q, t in own_threshold.items()},
        },
    }


def group_mae_gaps(
    human: Sequence[int], ai: Sequence[int], groups: Sequence[dict[str, str]]
) -> dict[str, dict]:
    """Per attribute key: mean absolute error per value and the largest gap between values."""
    errors: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for h, a, group in zip(human, ai, groups, strict=True):
        for key, value in group.items():
            errors[key][value].append(abs(h - a))
    gaps = {}
    for key, per_value in sorted(errors.items()):
        mae = {v: round(float(np.mean(e)), 4) for v, e in sorted(per_value.items())}
        sizes = {v: len(e) for v, e in sorted(per_value.items())}
        gaps[key] = {
            "gap": round(max(mae.values()) - min(mae.values()), 4),
            "mae": mae,
            "n": sizes,
        }
    return gaps
