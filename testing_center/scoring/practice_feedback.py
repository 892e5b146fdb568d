"""Instant feedback on a practice essay's shape: length against the expected range,
paragraphs, an introduction and a conclusion, linking words, and readability.

Feedback, never a grade: nothing here is a score, nothing is stored, and the counts use the
same tokenisation and sentence splitting as the scorer's features (``features``), so what a
person practises against is what the scorer's shape features see.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from testing_center.scoring.features import _SENTENCE_END, tokens

MAX_CHARS = 10_000
DEFAULT_MIN_WORDS = 150
DEFAULT_MAX_WORDS = 250
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 3, 5
MAX_INTRO_SENTENCES = 3
MIN_LINKING_WORDS = 3
MAX_AVERAGE_SENTENCE_WORDS = 20
MAX_SENTENCE_WORDS = 40
MIN_VARIETY = 0.4
VARIETY_FROM_WORDS = 50

LINKING_WORDS = {
    "en": (
        "however",
        "therefore",
        "moreover",
        "furthermore",
        "firstly",
        "secondly",
        "finally",
        "for example",
        "for instance",
        "in addition",
        "as a result",
        "on the other hand",
        "because",
        "thus",
        "consequently",
        "although",
        "in conclusion",
        "to sum up",
    ),
    "ru": (
        "однако",
        "поэтому",
        "кроме того",
        "во-первых",
        "во-вторых",
        "в-третьих",
        "например",
        "таким образом",
        "следовательно",
        "с одной стороны",
        "с другой стороны",
        "потому что",
        "так как",
        "более того",
        "тем не менее",
        "в итоге",
        "в заключение",
        "итак",
    ),
    "kk": (
        "алайда",
        "сондықтан",
        "біріншіден",
        "екіншіден",
        "үшіншіден",
        "мысалы",
        "сонымен қатар",
        "бұдан басқа",
        "себебі",
        "өйткені",
        "дегенмен",
        "нәтижесінде",
        "яғни",
        "қорыта келгенде",
        "қорытындылай келе",
        "сонымен",
    ),
}
CONCLUSION_MARKERS = {
    "en": ("in conclusion", "to sum up", "to conclude", "overall", "therefore", "thus"),
    "ru": ("в заключение", "таким образом", "итак", "подводя итог", "в итоге"),
    "kk": ("қорыта келгенде", "қорытындылай келе", "түйіндей келе", "сонымен", "қорытындысында"),
}
EXAMPLES = {
    "en": "however, therefore, for example",
    "ru": "однако, поэтому, например",
    "kk": "алайда, сондықтан, мысалы",
}


@dataclass(frozen=True)
class FeedbackPoint:
    key: str
    ok: bool
    message: str


@dataclass(frozen=True)
class EssayPracticeFeedback:
    words: int
    min_words: int
    max_words: int
    paragraphs: int
    sentences: int
    linking_words: list[str] = field(default_factory=list)
    average_sentence_words: float = 0.0
    longest_sentence_words: int = 0
    points: list[FeedbackPoint] = field(default_factory=list)


def _phrase_pattern(phrase: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


def _found(text: str, phrases) -> list[str]:
    lowered = text.lower().replace("ё", "е")
    return [p for p in phrases if _phrase_pattern(p).search(lowered)]


def _sentences(text: str) -> list[list[str]]:
    return [words for part in _SENTENCE_END.split(text) if (words := tokens(part))]


def _checked(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ApplicationError(_("Write or paste your essay first."), code="empty")
    if len(text) > MAX_CHARS:
        raise ApplicationError(
            _(
                "The text is too long to check: the limit is %(limit)s characters (an essay "
                "is up to 250 words)."
            )
            % {"limit": f"{MAX_CHARS:,}".replace(",", " ")},
            code="too_long",
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\r\t" for ch in text):
        raise ApplicationError(
            _(
                "The text contains control characters that are not letters or punctuation; "
                "paste it as plain text."
            ),
            code="control_characters",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def essay_practice_feedback(
    text: str,
    language: str,
    *,
    min_words: int = DEFAULT_MIN_WORDS,
    max_words: int = DEFAULT_MAX_WORDS,
) -> EssayPracticeFeedback:
    """Feedback on the shape of a practice essay in ``language`` ("kk", "ru" or "en").

    Raises ``ApplicationError`` (translated) for empty text, text over ``MAX_CHARS``
    characters and text with control characters; nothing is computed for those.
    """
    text = _checked(text)
    language = language if language in LINKING_WORDS else "ru"
    paragraphs = [p for p in (line.strip() for line in text.split("\n")) if tokens(p)]
    words = tokens(text)
    sentences = _sentences(text)
    lengths = [len(s) for s in sentences] or [0]
    average = round(sum(lengths) / len(sentences), 1) if sentences else 0.0
    linking = _found(text, LINKING_WORDS[language])
    points = [
        _length_point(len(words), min_words, max_words),
        _paragraph_point(len(paragraphs)),
        _introduction_point(paragraphs),
        _conclusion_point(paragraphs, language),
        _linking_point(linking, language),
        _readability_point(average, max(lengths)),
        _variety_point(words),
    ]
    return EssayPracticeFeedback(
        words=len(words),
        min_words=min_words,
        max_words=max_words,
        paragraphs=len(paragraphs),
        sentences=len(sentences),
        linking_words=linking,
        average_sentence_words=average,
        longest_sentence_words=max(lengths),
        points=[p for p in points if p is not None],
    )


def _length_point(count: int, low: int, high: int) -> FeedbackPoint:
    numbers = {"count": count, "min": low, "max": high}
    if count < low:
        message = _(
            "Length: %(count)s words, short of the expected %(min)s–%(max)s; develop your "
            "arguments further."
        )
    elif count > high:
        message = _(
            "Length: %(count)s words, over the limit of %(max)s; in a competition, shorten "
            "it to fit."
        )
    else:
        message = _("Length: %(count)s words, within the expected %(min)s–%(max)s.")
    return FeedbackPoint("length", low <= count <= high, str(message) % numbers)


def _paragraph_point(count: int) -> FeedbackPoint:
    numbers = {"count": count, "min": MIN_PARAGRAPHS, "max": MAX_PARAGRAPHS}
    if count < MIN_PARAGRAPHS:
        message = _(
            "Paragraphs: %(count)s. Use %(min)s to %(max)s: an introduction, the body and "
            "a conclusion, each starting on a new line."
        )
    elif count > MAX_PARAGRAPHS:
        message = _(
            "Paragraphs: %(count)s. More than %(max)s paragraphs in a short essay break the "
            "thread; join the related ones."
        )
    else:
        message = _("Paragraphs: %(count)s, a clear structure.")
    return FeedbackPoint(
        "paragraphs", MIN_PARAGRAPHS <= count <= MAX_PARAGRAPHS, str(message) % numbers
    )


def _introduction_point(paragraphs: list[str]) -> FeedbackPoint:
    if len(paragraphs) < MIN_PARAGRAPHS:
        return FeedbackPoint(
            "introduction",
            False,
            str(
                _(
                    "Introduction: not found. Open with a short first paragraph (one to three "
                    "sentences) that states your position."
                )
            ),
        )
    count = len(_sentences(paragraphs[0]))
    if count > MAX_INTRO_SENTENCES:
        return FeedbackPoint(
            "introduction",
            False,
            str(
                _(
                    "Introduction: the first paragraph has %(count)s sentences; keep it to one "
                    "to three and move the details to the body."
                )
            )
            % {"count": count},
        )
    return FeedbackPoint(
        "introduction", True, str(_("Introduction: a short first paragraph opens the topic."))
    )


def _conclusion_point(paragraphs: list[str], language: str) -> FeedbackPoint:
    if len(paragraphs) >= MIN_PARAGRAPHS and _found(paragraphs[-1], CONCLUSION_MARKERS[language]):
        return FeedbackPoint(
            "conclusion", True, str(_("Conclusion: the last paragraph sums up your position."))
        )
    return FeedbackPoint(
        "conclusion",
        False,
        str(
            _(
                "Conclusion: not found. End with a separate short paragraph that sums up, "
                "for example starting with “%(marker)s”."
            )
        )
        % {"marker": CONCLUSION_MARKERS[language][0]},
    )


def _linking_point(found: list[str], language: str) -> FeedbackPoint:
    if len(found) >= MIN_LINKING_WORDS:
        return FeedbackPoint(
            "linking",
            True,
            str(_("Linking words: %(count)s different ones (%(words)s); they guide the reader."))
            % {"count": len(found), "words": ", ".join(found)},
        )
    return FeedbackPoint(
        "linking",
        False,
        str(
            _(
                "Linking words: %(count)s different ones. Use at least %(min)s to connect your "
                "ideas, such as: %(examples)s."
            )
        )
        % {"count": len(found), "min": MIN_LINKING_WORDS, "examples": EXAMPLES[language]},
    )


def _readability_point(average: float, longest: int) -> FeedbackPoint:
    numbers = {"average": f"{average:g}", "longest": longest}
    if average > MAX_AVERAGE_SENTENCE_WORDS or longest > MAX_SENTENCE_WORDS:
        message = _(
            "Readability: %(average)s words per sentence on average, the longest has "
            "%(longest)s. Split long sentences: aim for under 20 words."
        )
        return FeedbackPoint("readability", False, str(message) % numbers)
    message = _("Readability: %(average)s words per sentence on average, easy to follow.")
    return FeedbackPoint("readability", True, str(message) % numbers)


def _variety_point(words: list[str]) -> FeedbackPoint | None:
    if len(words) < VARIETY_FROM_WORDS:
        return None
    ratio = len(set(words)) / len(words)
    if ratio >= MIN_VARIETY:
        return FeedbackPoint("variety", True, str(_("Vocabulary: varied, few repetitions.")))
    counts = Counter(w for w in words if len(w) > 3) or Counter(words)
    repeated, times = counts.most_common(1)[0]
    return FeedbackPoint(
        "variety",
        False,
        str(
            _("Vocabulary: many repetitions (“%(word)s” appears %(times)s times); vary your words.")
        )
        % {"word": repeated, "times": times},
    )
