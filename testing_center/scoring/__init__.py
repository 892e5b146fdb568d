"""The answer scorer: per-question scikit-learn models trained on human-scored answers.

Plain Python over plain data; the testing_center app persists records and calls these
functions from Celery tasks. Public surface:

- :class:`ScoredAnswer`, :func:`read_scored_answers_csv`, :class:`ScoringDataError`
- :func:`train_question_model` → :class:`ScoringModelRecord`
- :func:`score_answers` → :class:`Prediction`; :func:`needs_human_review`,
  :func:`differs_from_human`
- :func:`quadratic_weighted_kappa`, :func:`fisher_z_mean`

The services that persist and use it live beside it and are imported from their modules
(this package stays importable without Django, for the benchmark and reproducibility runs):

- ``scoring.papers`` — exact scoring of handed-in papers, the pass rule, requeue of unscored;
- ``scoring.training`` — training uploads, training runs, stored model versions;
- ``scoring.essays`` — essays for the commission: redaction, AI opinion, routing, gap rule.
- ``scoring.routing`` (pure) and ``scoring.workload`` — per-question routing thresholds from
  each model's held-out answers, for the policy's target review share or residual error,
  and the human workload they make per question before a sitting.

Depends on ``bank`` (keepers may train their questions' scorers) and ``redaction``.
"""

from .data import (
    RowError,
    ScoredAnswer,
    ScoringDataError,
    group_by_question,
    read_scored_answers_csv,
)
from .metrics import fisher_z_mean, quadratic_weighted_kappa
from .model import (
    ModelIntegrityError,
    Prediction,
    ScoringModelRecord,
    differs_from_human,
    load_scorer,
    needs_human_review,
    score_answers,
    train_question_model,
)

__all__ = [
    "ModelIntegrityError",
    "Prediction",
    "RowError",
    "ScoredAnswer",
    "ScoringDataError",
    "ScoringModelRecord",
    "differs_from_human",
    "fisher_z_mean",
    "group_by_question",
    "load_scorer",
    "needs_human_review",
    "quadratic_weighted_kappa",
    "read_scored_answers_csv",
    "score_answers",
    "train_question_model",
]
