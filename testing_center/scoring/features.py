"""Feature extraction for the answer scorer: text n-grams, reference similarity, shape.

Everything here is a scikit-learn transformer over a list of answer strings, so a fitted
pipeline can be pickled with the model and applied to new answers unchanged.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+")
# Negations change the meaning of a short answer ("connected" vs "not connected").
_NEGATIONS = frozenset(
    [
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "cannot",
        "cant",
        "dont",
        "doesnt",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "wont",
        "didnt",
        "hasnt",
        "havent",
        "n't",
        "не",
        "нет",
        "ни",
        "никогда",
        "жоқ",
        "емес",
    ]
)
# Function words carry little of an answer's content; they are left out of overlap ratios.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "and",
        "or",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "from",
        "into",
        "than",
        "then",
        "so",
        "if",
        "because",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "i",
        "you",
        "we",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
    ]
)

SHAPE_FEATURES = ("log_tokens", "log_chars", "sentences", "type_token_ratio", "negation")
REFERENCE_FEATURES = (
    "word_cosine_max",
    "char_cosine_max",
    "word_cosine_mean",
    "reference_recall_max",
    "reference_precision_max",
    "bigram_recall_max",
    "negation_agrees",
    "length_ratio",
)


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; "doesn't" → ["doesn", "t"] is fine for overlap counts."""
    return _TOKEN.findall(text.lower().replace("n't", " not").replace("'", ""))


def _content(words: list[str]) -> set[str]:
    return {w for w in words if w not in _FUNCTION_WORDS}


def _has_negation(words: list[str]) -> bool:
    return any(w in _NEGATIONS for w in words)


def word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, dtype=np.float64)


def char_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1, dtype=np.float64
    )


class AnswerFeatures(BaseEstimator, TransformerMixin):
    """Dense length/structure features and, when references exist, similarity to them.

    ``references`` are the question's reference answers (may be empty: then only shape
    features vary and the similarity columns are zero). The vectorizers for cosine
    similarity are fitted on the references plus the training answers.
    """

    def __init__(self, references: tuple[str, ...] = ()):
        self.references = references

    def fit(self, answers, y=None):
        refs = list(self.references)
        self.has_references_ = bool(refs)
        if self.has_references_:
            corpus = refs + list(answers)
            self.word_ = word_vectorizer().fit(corpus)
            self.char_ = char_vectorizer().fit(corpus)
            _drop_stop_words(self.word_)
            _drop_stop_words(self.char_)
            self.ref_word_ = self.word_.transform(refs)
            self.ref_char_ = self.char_.transform(refs)
            self.ref_tokens_ = [tokens(r) for r in refs]
        return self

    def get_feature_names_out(self, input_features=None):
        return np.array(SHAPE_FEATURES + REFERENCE_FEATURES, dtype=object)

    def transform(self, answers):
        answers = list(answers)
        out = np.zeros((len(answers), len(SHAPE_FEATURES) + len(REFERENCE_FEATURES)))
        answer_tokens = [tokens(a) for a in answers]
        for i, (text, words) in enumerate(zip(answers, answer_tokens, strict=True)):
            out[i, 0] = math.log1p(len(words))
            out[i, 1] = math.log1p(len(text))
            out[i, 2] = min(len(_SENTENCE_END.findall(text)) or (1 if words else 0), 10)
            out[i, 3] = len(set(words)) / len(words) if words else 0.0
            out[i, 4] = float(_has_negation(words))
        if not self.has_references_ or not answers:
            return out
        word_sim = cosine_similarity(self.word_.transform(answers), self.ref_word_)
        char_sim = cosine_similarity(self.char_.transform(answers), self.ref_char_)
        base = len(SHAPE_FEATURES)
        out[:, base + 0] = word_sim.max(axis=1)
        out[:, base + 1] = char_sim.max(axis=1)
        out[:, base + 2] = word_sim.mean(axis=1)
        for i, words in enumerate(answer_tokens):
            out[i, base + 3 :] = self._overlap(words, int(char_sim[i].argmax()))
        return out

    def _overlap(self, words: list[str], best: int) -> list[float]:
        content = _content(words)
        bigrams = set(pairwise(words))
        recall = precision = bigram_recall = 0.0
        for ref in self.ref_tokens_:
            ref_content = _content(ref)
            shared = len(content & ref_content)
            if ref_content:
                recall = max(recall, shared / len(ref_content))
            if content:
                precision = max(precision, shared / len(content))
            ref_bigrams = set(pairwise(ref))
            if ref_bigrams:
                bigram_recall = max(bigram_recall, len(bigrams & ref_bigrams) / len(ref_bigrams))
        best_ref = self.ref_tokens_[best]
        negation_agrees = float(_has_negation(words) == _has_negation(best_ref))
        length_ratio = min(len(words) / max(len(best_ref), 1), 5.0)
        return [recall, precision, bigram_recall, negation_agrees, length_ratio]


def _drop_stop_words(vectorizer: TfidfVectorizer) -> None:
    """Remove fitted attributes that differ between processes given identical data.

    ``stop_words_`` is a set kept for introspection (its order follows the process's hash
    seed); ``_stop_words_id`` is the memory address of the stop-word list. Neither is used
    to transform text, and either would make pickled bytes differ between runs.
    """
    if hasattr(vectorizer, "stop_words_"):
        vectorizer.stop_words_ = None
    if hasattr(vectorizer, "_stop_words_id"):
        del vectorizer._stop_words_id
