"""Train-on-one-split, score-another benchmark of the product scorer (and the baseline).

Used by ``manage.py scoring_benchmark``; plain functions so tests can call them directly.

Conventions (also printed in the JSON): per-question QWK; the mean is Fisher-z (atanh)
averaged with each kappa clipped to ±0.999. A question whose test QWK is *undefined*
(human and AI gave every test answer one and the same score) is left out of ``mean_qwk``
and counted in ``questions_undefined``; ``mean_qwk_undefined_as_perfect`` counts those
as perfect agreement (0.999) instead, for comparison with figures computed that way.
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
from .metrics import KAPPA_CLIP, fisher_z_mean, quadratic_weighted_kappa
from .model import score_answers, train_question_model

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
    summary.update(_with_review(human, ai, confidence, question_of))
    gaps = group_mae_gaps(human, ai, groups)
    if gaps:
        summary["group_mae_gap"] = gaps
    return summary


def _with_review(human, ai, confidence, question_of) -> dict:
    """Agreement when the least confident REVIEW_SHARE of answers get the human score."""
    if not ai:
        return {"qwk_with_review": None}
    n_review = round(REVIEW_SHARE * len(ai))
    order = np.argsort(np.asarray(confidence), kind="stable")
    final = list(ai)
    for i in order[:n_review]:
        final[i] = human[i]
    by_question: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for q, h, f in zip(question_of, human, final, strict=True):
        by_question[q][0].append(h)
        by_question[q][1].append(f)
    kappas = [quadratic_weighted_kappa(h, f) for h, f in by_question.values()]
    threshold = float(np.asarray(confidence)[order[n_review]]) if n_review < len(ai) else 1.0
    return {
        "qwk_with_review": _rounded(fisher_z_mean(k for k in kappas if k is not None)),
        "pooled_qwk_with_review": _rounded(quadratic_weighted_kappa(human, final)),
        "review_share": REVIEW_SHARE,
        "review_confidence_threshold": round(threshold, 4),
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
