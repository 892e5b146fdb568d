"""The matcher: a gradient-boosted classifier over the features of a candidate × vacancy pair,
trained on the generated, labelled set (``careers.matching.synthetic``), plus the TF-IDF of
field words that says what a vacancy's text is about.

It ranks only the vacancies the candidate is eligible for: eligibility is the application's
own check, a hard filter before any score. Seeded, so the same version trains the same model
in every process; trained once per process (as the testing center's scorers) in a second or
two, so there is no file to ship or to lose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer

from careers.matching import synthetic
from careers.matching.features import FEATURES, Candidate, Pair, accepted_fields, pair_facts
from careers.matching.vocabulary import (
    FIELD_TERMS,
    GENERIC_TERMS,
    field_document,
    profile_document,
)
from recruitment.public import OpenVacancy

MATCHER_VERSION = "match-1"
SEED = 17
TRAINING_CANDIDATES = 400
TRAINING_VACANCIES = 60


@dataclass
class ScoredPair:
    candidate: int  # index into the candidates given
    vacancy: int  # index into the vacancies given
    pair: Pair
    score: float


class Matcher:
    def __init__(self, *, vectorizer: TfidfVectorizer, classifier=None, version: str):
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.version = version
        self._fields = list(FIELD_TERMS)
        self._field_vectors = vectorizer.transform([field_document(f) for f in self._fields])

    def post_field(self, vacancy: OpenVacancy, vector, title_vector) -> str:
        """The field a vacancy is most about, among those it names (or any). The title
        weighs double: duties are often the same boilerplate in every post of a body."""
        similarity = (self._field_vectors @ (vector + 2 * title_vector).T).toarray().ravel()
        named = accepted_fields(vacancy)
        candidates = [i for i, f in enumerate(self._fields) if f in named]
        best = max(candidates, key=lambda i: similarity[i])
        if similarity[best] == 0:
            best = int(np.argmax(similarity))
        return self._fields[best]

    def pairs(
        self,
        candidates: list[Candidate],
        vacancies: list[OpenVacancy],
        *,
        as_of: dt.date,
        eligible_only: bool = True,
    ) -> list[ScoredPair]:
        """Every pair's facts (only the eligible ones unless asked), scored when the matcher
        is trained."""
        if not candidates or not vacancies:
            return []
        vacancy_vectors = self.vectorizer.transform([v.text for v in vacancies])
        title_vectors = self.vectorizer.transform([" ".join(v.titles.values()) for v in vacancies])
        post_fields = [
            self.post_field(v, vacancy_vectors[i], title_vectors[i])
            for i, v in enumerate(vacancies)
        ]
        profile_vectors = self.vectorizer.transform(
            [
                profile_document(
                    [e["field"] for e in c.facts.education]
                    + [x["field"] for x in c.facts.experience]
                )
                for c in candidates
            ]
        )
        similarity = (profile_vectors @ vacancy_vectors.T).toarray()
        rows: list[ScoredPair] = []
        for ci, candidate in enumerate(candidates):
            for vi, vacancy in enumerate(vacancies):
                pair = pair_facts(
                    candidate,
                    vacancy,
                    post_field=post_fields[vi],
                    text_similarity=float(similarity[ci, vi]),
                    as_of=as_of,
                )
                if pair.eligible or not eligible_only:
                    rows.append(ScoredPair(ci, vi, pair, 0.0))
        if self.classifier is not None and rows:
            matrix = np.array(
                [r.pair.vector(vacancies[r.vacancy].is_managerial) for r in rows], dtype=float
            )
            for row, score in zip(rows, self.classifier.predict_proba(matrix)[:, 1], strict=True):
                row.score = float(score) if row.pair.eligible else 0.0
        return rows


def _vectorizer(dataset: synthetic.Dataset) -> TfidfVectorizer:
    """Character n-grams within words: Russian and Kazakh endings change, stems do not."""
    corpus = [field_document(f) for f in FIELD_TERMS]
    corpus += [" ".join(t) for t in GENERIC_TERMS]
    corpus += [v.text for v in dataset.vacancies]
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(corpus)


def train(dataset: synthetic.Dataset, *, seed: int = SEED, candidates=None) -> Matcher:
    """Train on the eligible pairs of ``dataset`` (of the ``candidates`` indices given, or
    all): the target is the labelling rules' "suitable"."""
    matcher = Matcher(vectorizer=_vectorizer(dataset), version=MATCHER_VERSION)
    chosen = (
        dataset.candidates if candidates is None else [dataset.candidates[i] for i in candidates]
    )
    rows = matcher.pairs(chosen, dataset.vacancies, as_of=dataset.as_of)
    features = np.array(
        [r.pair.vector(dataset.vacancies[r.vacancy].is_managerial) for r in rows], dtype=float
    )
    labels = np.array(
        [
            synthetic.grade(
                chosen[r.candidate],
                dataset.vacancies[r.vacancy],
                post_field=dataset.post_fields[dataset.vacancies[r.vacancy].vacancy_id],
                as_of=dataset.as_of,
            )
            >= synthetic.SUITABLE
            for r in rows
        ],
        dtype=int,
    )
    if features.shape[1] != len(FEATURES):
        raise ValueError("the feature vector and FEATURES disagree")
    matcher.classifier = GradientBoostingClassifier(
        n_estimators=100, max_depth=3, learning_rate=0.1, random_state=seed
    ).fit(features, labels)
    return matcher


# One trained matcher per process and version (a worker serves many candidates).
_TRAINED_HERE: dict[tuple[str, int], Matcher] = {}


def matcher() -> Matcher:
    key = (MATCHER_VERSION, SEED)
    trained = _TRAINED_HERE.get(key)
    if trained is None:
        dataset = synthetic.generate(
            candidates=TRAINING_CANDIDATES, vacancies=TRAINING_VACANCIES, seed=SEED
        )
        trained = _TRAINED_HERE[key] = train(dataset, seed=SEED)
    return trained
