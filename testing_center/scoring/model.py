"""Per-question answer scoring models: training, selection, serialisation, prediction.

Security: a model's bytes are a pickle. Only load artefacts this system trained and stored
itself (:func:`load_scorer` checks the SHA-256 recorded at training time before
unpickling); never load a model file that came from outside.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sklearn
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from .data import ScoredAnswer
from .features import AnswerFeatures, _drop_stop_words, char_vectorizer, word_vectorizer
from .metrics import quadratic_weighted_kappa
from .routing import held_out_calibration

SCORER_VERSION = "1.0"
PICKLE_PROTOCOL = 5
# Below this many answers (or two answers in the smallest score class) cross-validation
# says nothing; the default candidate is trained and the record says why.
MIN_ANSWERS_FOR_CV = 10
MAX_CV_FOLDS = 5
# An answer whose words the model has mostly never seen (another language, another topic)
# is one it cannot judge, however peaked its probabilities: below this share of known
# words its confidence is scaled down in proportion.
FAMILIAR_SHARE = 0.6
_WORD = re.compile(r"\w{2,}")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One estimator configuration the selector may choose for a question."""

    algorithm: str
    parameters: dict[str, Any]


# A deliberately small set: each is cross-validated per question, so training time is
# (answers × candidates × folds). Ordered simplest first; ties keep the earlier one.
CANDIDATES: tuple[Candidate, ...] = (
    Candidate("logreg_text", {"C": 10.0, "class_weight": None}),
    Candidate("logreg_text_features", {"C": 10.0, "class_weight": None, "feature_weight": 1.0}),
    Candidate(
        "logreg_text_features", {"C": 3.0, "class_weight": "balanced", "feature_weight": 1.0}
    ),
    Candidate(
        "gradient_boosting_features", {"max_iter": 150, "learning_rate": 0.05, "max_depth": 3}
    ),
)


@dataclass(frozen=True, slots=True)
class ScoringModelRecord:
    """Everything needed to persist, audit and reuse one trained question model."""

    question_id: str
    algorithm: str
    parameters: dict[str, Any]
    decision: str
    classes: tuple[int, ...]
    training_size: int
    training_data_sha256: str
    cv_qwk: float | None
    cv_folds: int
    seed: int
    created_at: datetime
    version: str
    model_sha256: str
    model_bytes: bytes = field(repr=False)
    notes: tuple[str, ...] = ()
    candidates_cv_qwk: dict[str, float] = field(default_factory=dict)
    # Out-of-fold (confidence, |AI − human|) of every training answer under the chosen
    # candidate, sorted: per-question routing thresholds are computed from it.
    calibration: tuple[tuple[float, int], ...] = ()

    @property
    def is_degenerate(self) -> bool:
        """True when the model cannot discriminate (a single score class in training)."""
        return len(self.classes) < 2

    def metadata(self) -> dict[str, Any]:
        """JSON-serialisable description (everything but the bytes)."""
        return {
            "question_id": self.question_id,
            "algorithm": self.algorithm,
            "parameters": self.parameters,
            "decision": self.decision,
            "classes": list(self.classes),
            "training_size": self.training_size,
            "training_data_sha256": self.training_data_sha256,
            "cv_qwk": self.cv_qwk,
            "cv_folds": self.cv_folds,
            "seed": self.seed,
            "created_at": self.created_at.isoformat(),
            "version": self.version,
            "model_sha256": self.model_sha256,
            "notes": list(self.notes),
            "candidates_cv_qwk": self.candidates_cv_qwk,
            "calibration_size": len(self.calibration),
        }


@dataclass(frozen=True, slots=True)
class Prediction:
    """An AI score for one answer; ``confidence`` in [0, 1] drives routing to humans."""

    score: int
    confidence: float
    probabilities: dict[int, float]
    model_version: str
    degenerate: bool = False
    familiarity: float = 1.0  # share of the answer's words seen in training

    @property
    def is_unfamiliar(self) -> bool:
        return self.familiarity < FAMILIAR_SHARE


class FittedScorer:
    """The pickled object: a fitted pipeline plus how to turn probabilities into a score."""

    def __init__(
        self, pipeline, classes: Sequence[int], decision: str, constant=None, vocabulary=()
    ):
        self.pipeline = pipeline
        self.classes = tuple(int(c) for c in classes)
        self.decision = decision
        self.constant = constant
        # Sorted, so the pickled bytes do not depend on the process's hash seed.
        self.vocabulary = tuple(sorted(vocabulary))

    def familiarity(self, answers: Sequence[str]) -> list[float]:
        """Per answer, the share of its distinct words that occur in the training texts
        (1.0 for an empty answer, or for a model stored without a vocabulary)."""
        known = frozenset(getattr(self, "vocabulary", ()) or ())
        out = []
        for answer in answers:
            words = words_of(answer)
            out.append(len(words & known) / len(words) if known and words else 1.0)
        return out

    def predict_proba(self, answers: Sequence[str]) -> np.ndarray:
        if self.constant is not None:
            return np.ones((len(answers), 1))
        return self.pipeline.predict_proba(list(answers))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Class indices chosen from probability rows."""
        return _decide(proba, self.classes, self.decision)


def _decide(proba: np.ndarray, classes: Sequence[int], decision: str) -> np.ndarray:
    if decision == "expected" and len(classes) > 2:
        # Rounding the expected score respects the order of the classes, which is what
        # quadratic weighting rewards; the nearest class is chosen.
        expected = proba @ np.asarray(classes, dtype=float)
        return np.abs(expected[:, None] - np.asarray(classes)[None, :]).argmin(axis=1)
    return proba.argmax(axis=1)


def words_of(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def training_data_sha256(answers: Sequence[ScoredAnswer]) -> str:
    """SHA-256 of the canonical (sorted, JSON) training rows and reference answers."""
    rows = sorted([a.answer_id, a.answer, int(a.score)] for a in answers)
    references = sorted({r for a in answers for r in a.reference_answers})
    question_ids = sorted({a.question_id for a in answers})
    canonical = json.dumps(
        {"question_ids": question_ids, "references": references, "rows": rows},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _head(candidate: Candidate, seed: int):
    """The estimator that sits on top of the features for one candidate."""
    p = candidate.parameters
    if candidate.algorithm == "gradient_boosting_features":
        return HistGradientBoostingClassifier(
            max_iter=p["max_iter"],
            learning_rate=p["learning_rate"],
            max_depth=p["max_depth"],
            min_samples_leaf=5,
            early_stopping=False,
            random_state=seed,
        )
    return LogisticRegression(
        C=p["C"], class_weight=p["class_weight"], max_iter=3000, random_state=seed
    )


def _dense_features(references: tuple[str, ...]) -> Pipeline:
    return Pipeline([("answer", AnswerFeatures(references)), ("scale", StandardScaler())])


def _build(candidate: Candidate, references: tuple[str, ...], seed: int) -> Pipeline:
    """The full pipeline (features + head) that is fitted on all answers and pickled."""
    if candidate.algorithm == "gradient_boosting_features":
        features = AnswerFeatures(references)
    else:
        parts = [("word", word_vectorizer()), ("char", char_vectorizer())]
        weights = None
        if candidate.algorithm == "logreg_text_features":
            parts.append(("features", _dense_features(references)))
            weights = {"features": candidate.parameters["feature_weight"]}
        features = FeatureUnion(parts, transformer_weights=weights)
    return Pipeline([("features", features), ("model", _head(candidate, seed))])


def _candidates_for(references: tuple[str, ...]) -> list[Candidate]:
    # Without reference answers the dense features are length and shape only: too weak to
    # stand alone in a boosted model.
    return [c for c in CANDIDATES if references or c.algorithm != "gradient_boosting_features"]


def _fit(pipeline: Pipeline, texts: list[str], y: np.ndarray) -> Pipeline:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(texts, y)
    for step in _vectorizers(pipeline):
        _drop_stop_words(step)
    return pipeline


def _vectorizers(pipeline: Pipeline):
    union = pipeline.named_steps["features"]
    if isinstance(union, FeatureUnion):
        for _, transformer in union.transformer_list:
            if hasattr(transformer, "vocabulary_"):
                yield transformer


def _training_arrays(answers, references, classes, *, with_references):
    texts = [a.answer for a in answers]
    y = np.array([a.score for a in answers])
    if with_references and references:
        # A reference answer is a full-credit answer by definition: teach it as one.
        texts = texts + list(references)
        y = np.concatenate([y, np.full(len(references), max(classes))])
    return texts, y


def _cross_validated(candidates, answers, references, classes, folds, seed):
    """Out-of-fold probabilities per candidate (rows aligned with ``answers``), and each
    answer's familiarity to the fold that did not see it (as ``FittedScorer.familiarity``).

    Within a fold every candidate sees exactly the features its pipeline would compute;
    they are computed once per fold and shared, which is what keeps selection cheap.
    """
    y = np.array([a.score for a in answers])
    probas = [np.zeros((len(answers), len(classes))) for _ in candidates]
    familiarity = np.ones(len(answers))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
        fold = [answers[i] for i in train_idx]
        texts, fold_y = _training_arrays(fold, references, classes, with_references=True)
        held_out = [answers[i].answer for i in test_idx]
        known = set().union(*(words_of(t) for t in texts))
        for i, text in zip(test_idx, held_out, strict=True):
            words = words_of(text)
            familiarity[i] = len(words & known) / len(words) if words else 1.0
        word = word_vectorizer().fit(texts)
        char = char_vectorizer().fit(texts)
        answer_features = AnswerFeatures(references).fit(texts)
        dense_train = answer_features.transform(texts)
        dense_test = answer_features.transform(held_out)
        scaler = StandardScaler().fit(dense_train)
        text_train = sparse.hstack([word.transform(texts), char.transform(texts)]).tocsr()
        text_test = sparse.hstack([word.transform(held_out), char.transform(held_out)]).tocsr()
        for candidate, proba in zip(candidates, probas, strict=True):
            if candidate.algorithm == "gradient_boosting_features":
                x_train, x_test = dense_train, dense_test
            elif candidate.algorithm == "logreg_text_features":
                w = candidate.parameters["feature_weight"]
                x_train = sparse.hstack([text_train, w * scaler.transform(dense_train)]).tocsr()
                x_test = sparse.hstack([text_test, w * scaler.transform(dense_test)]).tocsr()
            else:
                x_train, x_test = text_train, text_test
            head = _head(candidate, seed)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                head.fit(x_train, fold_y)
            columns = [classes.index(int(c)) for c in head.classes_]
            proba[np.ix_(test_idx, columns)] = head.predict_proba(x_test)
    return probas, familiarity


def train_question_model(
    answers: Sequence[ScoredAnswer], *, seed: int = 0, now: datetime | None = None
) -> ScoringModelRecord:
    """Train the scorer for one question from human-scored answers.

    ``answers`` may come from the CSV reader or from commission marks; all must belong to
    one question. Candidates are compared by quadratic weighted kappa of out-of-fold
    predictions (stratified, seeded); the best is refitted on all answers. Answers are
    sorted canonically first, so the same data and seed give byte-identical models in any
    input order. Degenerate inputs (one score class; too few answers to cross-validate)
    still give a usable record whose ``notes`` say what happened.
    """
    # Small sparse problems run many times faster single-threaded: BLAS threads fighting
    # over two cores cost more than they give (measured: 14x on MIND-CA).
    with threadpool_limits(limits=1):
        return _train(answers, seed=seed, now=now)


def _train(
    answers: Sequence[ScoredAnswer], *, seed: int, now: datetime | None
) -> ScoringModelRecord:
    if not answers:
        raise ValueError("no answers to train on")
    question_ids = {a.question_id for a in answers}
    if len(question_ids) != 1:
        raise ValueError(f"answers of one question expected, got {len(question_ids)}")
    ordered = sorted(answers, key=lambda a: (a.answer_id, a.answer, a.score))
    if len({a.answer_id for a in ordered}) != len(ordered):
        raise ValueError("answer ids must be unique within a question")
    question_id = ordered[0].question_id
    references = tuple(sorted({r for a in ordered for r in a.reference_answers}))
    y = np.array([a.score for a in ordered])
    classes = sorted(int(c) for c in np.unique(y))
    counts = {c: int((y == c).sum()) for c in classes}
    data_hash = training_data_sha256(ordered)
    created_at = now or datetime.now(UTC)
    notes: list[str] = []

    if len(classes) == 1:
        notes.append(
            f"every training answer has score {classes[0]}: the model always predicts it "
            "with confidence 0, so every answer goes to human marking"
        )
        scorer = FittedScorer(None, classes, "constant", constant=classes[0])
        return _record(
            question_id, "constant", {}, scorer, ordered, data_hash, None, 0, seed,
            created_at, notes, {},
        )  # fmt: skip

    folds = min(MAX_CV_FOLDS, min(counts.values()))
    candidates = _candidates_for(references)
    scores: dict[str, float] = {}
    best: tuple[float, Candidate, str] | None = None
    calibration: tuple[tuple[float, int], ...] = ()
    if len(ordered) < MIN_ANSWERS_FOR_CV or folds < 2:
        notes.append(
            f"too few answers to cross-validate ({len(ordered)} answers, smallest score "
            f"class {min(counts.values())}); the default candidate was trained unvalidated"
        )
        folds = 0
        chosen, decision, cv_qwk = candidates[0], "argmax", None
    else:
        probas, familiarity = _cross_validated(
            candidates, ordered, references, classes, folds, seed
        )
        for candidate, proba in zip(candidates, probas, strict=True):
            for decision in ("argmax", "expected") if len(classes) > 2 else ("argmax",):
                predicted = [classes[i] for i in _decide(proba, classes, decision)]
                kappa = quadratic_weighted_kappa(list(y), predicted)
                kappa = -1.0 if kappa is None else kappa
                scores[_candidate_key(candidate, decision)] = round(kappa, 6)
                if best is None or kappa > best[0]:
                    best = (kappa, candidate, decision)
        cv_qwk, chosen, decision = best  # type: ignore[misc]
        proba = probas[candidates.index(chosen)]
        calibration = held_out_calibration(
            proba, _decide(proba, classes, decision), familiarity, classes, y, FAMILIAR_SHARE
        )
    if min(counts.values()) < 5:
        notes.append(f"small score classes in training: {counts}")
    texts, fit_y = _training_arrays(ordered, references, classes, with_references=True)
    pipeline = _fit(_build(chosen, references, seed), texts, fit_y)
    vocabulary = set().union(*(words_of(t) for t in texts))
    scorer = FittedScorer(pipeline, classes, decision, vocabulary=vocabulary)
    return _record(
        question_id, chosen.algorithm, chosen.parameters, scorer, ordered, data_hash, cv_qwk,
        folds, seed, created_at, notes, scores, calibration,
    )  # fmt: skip


def _candidate_key(candidate: Candidate, decision: str) -> str:
    params = ",".join(f"{k}={v}" for k, v in sorted(candidate.parameters.items()))
    return f"{candidate.algorithm}({params})/{decision}"


def _record(
    question_id, algorithm, parameters, scorer, answers, data_hash, cv_qwk, folds, seed,
    created_at, notes, candidate_scores, calibration=(),
) -> ScoringModelRecord:  # fmt: skip
    model_bytes = pickle.dumps(scorer, protocol=PICKLE_PROTOCOL)
    model_sha = hashlib.sha256(model_bytes).hexdigest()
    return ScoringModelRecord(
        question_id=question_id,
        algorithm=algorithm,
        parameters=dict(parameters),
        decision=scorer.decision,
        classes=scorer.classes,
        training_size=len(answers),
        training_data_sha256=data_hash,
        cv_qwk=None if cv_qwk is None else round(float(cv_qwk), 6),
        cv_folds=folds,
        seed=seed,
        created_at=created_at,
        version=f"scorer-{SCORER_VERSION}/sklearn-{sklearn.__version__}/{model_sha[:12]}",
        model_sha256=model_sha,
        model_bytes=model_bytes,
        notes=tuple(notes),
        candidates_cv_qwk=candidate_scores,
        calibration=tuple(calibration),
    )


class ModelIntegrityError(RuntimeError):
    """The stored bytes do not match the hash recorded when the model was trained."""


def load_scorer(record: ScoringModelRecord) -> FittedScorer:
    """Unpickle a record's model after checking its SHA-256 (trusted artefacts only)."""
    if hashlib.sha256(record.model_bytes).hexdigest() != record.model_sha256:
        raise ModelIntegrityError(f"model bytes of {record.version} do not match their hash")
    scorer = pickle.loads(record.model_bytes)  # noqa: S301 — hash-checked, self-produced
    if not isinstance(scorer, FittedScorer):
        raise ModelIntegrityError("stored object is not a FittedScorer")
    return scorer


def score_answers(
    record: ScoringModelRecord, answers: Sequence[str], *, scorer: FittedScorer | None = None
) -> list[Prediction]:
    """Score answer texts with a trained record (pass ``scorer`` to reuse a loaded one).

    Confidence is the model's probability for the score it returns, scaled down for an
    answer most of whose words the model never saw in training (see ``FAMILIAR_SHARE``),
    and 0 for a degenerate model, which knows only one score and must not decide anything.
    """
    scorer = scorer or load_scorer(record)
    if not answers:
        return []
    with threadpool_limits(limits=1):
        return _score(record, scorer, answers)


def _score(record, scorer, answers) -> list[Prediction]:
    if scorer.constant is not None:
        return [
            Prediction(scorer.constant, 0.0, {scorer.constant: 1.0}, record.version, True)
            for _ in answers
        ]
    proba = scorer.predict_proba(answers)
    fitted_classes = [int(c) for c in scorer.pipeline.classes_]
    chosen = _decide(proba, fitted_classes, scorer.decision)
    familiarity = scorer.familiarity(answers)
    predictions = []
    for row, index, known in zip(proba, chosen, familiarity, strict=True):
        probabilities = {c: round(float(p), 6) for c, p in zip(fitted_classes, row, strict=True)}
        confidence = float(min(1.0, max(0.0, row[index]))) * min(1.0, known / FAMILIAR_SHARE)
        predictions.append(
            Prediction(
                score=fitted_classes[index],
                confidence=confidence,
                probabilities=probabilities,
                model_version=record.version,
                familiarity=round(known, 4),
            )
        )
    return predictions


def needs_human_review(prediction: Prediction, *, confidence_threshold: float) -> bool:
    """Route to blind double marking when the model is unsure or cannot discriminate."""
    if not 0.0 <= confidence_threshold <= 1.0:
        raise ValueError("confidence_threshold must be within [0, 1]")
    return prediction.degenerate or prediction.confidence < confidence_threshold


def differs_from_human(ai_score: int, human_score: int, *, margin: int = 0) -> bool:
    """True when AI and human scores differ by more than ``margin`` points."""
    if margin < 0:
        raise ValueError("margin must not be negative")
    return abs(int(ai_score) - int(human_score)) > margin
