import os
from pathlib import Path

import pytest

from testing_center.scoring import group_by_question, read_scored_answers_csv

REPO_ROOT = Path(__file__).resolve().parents[3]


def scoring_data_path(name: str) -> Path:
    """The shared graded-answer CSV: ../shared/data/scoring beside the repo, or
    $EQYZMET_SCORING_DATA (a directory); skips the test naming the missing file."""
    candidates = [REPO_ROOT.parent / "shared" / "data" / "scoring" / name]
    if os.environ.get("EQYZMET_SCORING_DATA"):
        candidates.insert(0, Path(os.environ["EQYZMET_SCORING_DATA"]) / name)
    for path in candidates:
        if path.is_file():
            return path
    pytest.skip(f"scoring data file {name} not found (looked in {', '.join(map(str, candidates))})")


_cache: dict[str, dict] = {}


def questions_of(name: str) -> dict:
    if name not in _cache:
        _cache[name] = group_by_question(read_scored_answers_csv(scoring_data_path(name)))
    return _cache[name]


@pytest.fixture
def mind_ca():
    return questions_of("mind_ca.csv")


@pytest.fixture
def semeval():
    return questions_of("semeval2013_2way.csv")
