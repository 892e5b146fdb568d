"""Layer 3, ``natasha``: Russian NER (PER/LOC/ORG) whose model ships inside the package
(works offline); loaded lazily once per process, used on text with Cyrillic letters."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from testing_center.redaction.words import (
    _CYRILLIC,
    _INTRO_WORDS,
    _KAZAKH_LETTERS,
    Span,
    _is_place,
    _looks_like_name,
    _not_identifying,
    _phrase_start,
    _public_figure,
)

_NER_KIND = {"PER": "NAME", "LOC": "PLACE", "ORG": "ORG"}
_ner_lock = threading.Lock()


@lru_cache(maxsize=1)
def _natasha():
    """Load natasha's segmenter and NER tagger once per process (about a second)."""
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    with _ner_lock:
        return Segmenter(), NewsNERTagger(NewsEmbedding())


def _ner_spans(text: str) -> list[Span]:
    from natasha import Doc

    # The model is Russian: on Kazakh text its one-word guesses are inflected common nouns
    # («Заңның», «Жолдауында»), so there only names of two words or more are taken.
    letters = len(_CYRILLIC.findall(text))
    kazakh = len(_KAZAKH_LETTERS.findall(text)) > 0.03 * letters
    segmenter, tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    spans = []
    for span in doc.spans:
        kind = _NER_KIND.get(span.type)
        if kind is None:
            continue
        start, end = span.start, span.stop
        # natasha sometimes swallows the introduction ("Менің атым Ерлан") into the name.
        for token in span.tokens:
            if token.text.lower() in _INTRO_WORDS and token.start == start:
                start = token.stop + (1 if token.stop < end and text[token.stop] == " " else 0)
        while start < end and text[start] == " ":
            start += 1
        words = re.findall(r"\w+", text[start:end])
        if start >= end or all(_not_identifying(w) for w in words):
            continue
        if not text[start].isupper():
            continue
        # A capitalised sentence opening ("Государственная служба …", Kazakh words the
        # Russian model mistakes for names) is kept only if it looks like a name.
        opening = _phrase_start(text, start) and not any(w[0].isupper() for w in words[1:])
        if opening and (kind != "NAME" or not _looks_like_name(words[0])):
            continue
        if text[start:end].isascii():
            continue  # Latin words: the heuristics know them better than a Russian model
        if any(ch.isdigit() for ch in text[start:end]):
            continue  # «№ 410-V»: numbered things are the patterns' business
        one_word = " " not in text[start:end]
        known = _looks_like_name(words[0]) or _is_place(words[0])
        acronym = sum(ch.isupper() for ch in text[start:end]) >= 2
        if one_word and acronym and not _looks_like_name(words[0]):
            continue  # «ЦОНы», «ХҚКО»: acronyms of public services
        if one_word and not known and (kazakh or "-" in text[start:end]):
            continue  # «ЖСН-ім», «Заңның»
        if kazakh and not all(w[0].isupper() for w in text[start:end].split()):
            continue  # «Мемлекеттік қызметшілер Әдеп»: Kazakh proper names are capitalised
        if kind == "NAME" and _public_figure(text[start:end]):
            continue
        spans.append((start, end, kind, "ner"))
    return spans
