"""The three layers together: :func:`redact_text` and how overlapping spans resolve."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from testing_center.redaction import lexicon
from testing_center.redaction.heuristics import (
    _heuristic_spans,
    _with_admin_nouns,
)
from testing_center.redaction.ner import (
    _ner_spans,
)
from testing_center.redaction.patterns import (
    _pattern_spans,
)
from testing_center.redaction.words import (
    _CYRILLIC,
    Span,
)

KIND_TOKENS = {
    "IIN": "[IIN]",
    "PHONE": "[PHONE]",
    "EMAIL": "[EMAIL]",
    "URL": "[URL]",
    "HANDLE": "[HANDLE]",
    "NAME": "[NAME]",
    "PLACE": "[PLACE]",
    "ORG": "[ORG]",
}
PATTERN_KINDS = ("IIN", "PHONE", "EMAIL", "URL", "HANDLE")
_SOURCE_RANK = {"pattern": 3, "heuristic": 2, "ner": 1}
# Higher wins when spans of different kinds overlap.
_PRIORITY = {
    "EMAIL": 9,
    "URL": 8,
    "IIN": 7,
    "PHONE": 6,
    "HANDLE": 5,
    "ORG": 4,
    "NAME": 3,
    "PLACE": 1,
}


@dataclass(frozen=True, slots=True)
class Redaction:
    kind: str
    start: int  # span in the ORIGINAL text, end exclusive
    end: int
    replacement: str
    source: str  # "pattern", "heuristic" or "ner"


@dataclass(frozen=True, slots=True)
class RedactionResult:
    text: str
    redactions: tuple[Redaction, ...]

    @property
    def possible_self_identification(self) -> bool:
        return bool(self.redactions)

    def kinds(self) -> list[str]:
        return sorted({r.kind for r in self.redactions})


_NFKC_UNSTABLE = re.compile("[^\t\n\r\x20-\x7e\u0400-\u04ff«»—–‘’“”„]")
_INVISIBLE = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


_QUOTED_BODY = re.compile("|".join(lexicon.QUOTED_BODIES))


def redact_text(text: str, *, use_ner: bool = True) -> RedactionResult:
    """Redact identifiers from ``text``; spans in the result refer to the original text."""
    if not text:
        return RedactionResult(text or "", ())
    copy, starts, ends = _matching_copy(text)
    spans = _pattern_spans(copy) + _heuristic_spans(copy)
    if use_ner and _CYRILLIC.search(copy):
        spans += _ner_spans(copy)
    spans = [s for s in spans if s[2] not in ("ORG", "NAME") or not _quoted_body(copy, s)]
    chosen = _with_admin_nouns(copy, _resolve(spans))
    if starts is not None:
        chosen = _fold([(starts[s], ends[e - 1], k, src) for s, e, k, src in chosen])
    redactions = tuple(Redaction(k, s, e, KIND_TOKENS[k], src) for s, e, k, src in chosen)
    out, last = [], 0
    for r in redactions:
        out.append(text[last : r.start])
        out.append(r.replacement)
        last = r.end
    out.append(text[last:])
    return RedactionResult("".join(out), redactions)


def _quoted_body(text: str, span: Span) -> bool:
    """«Всемирного банка», «the World Bank»: a source an essay quotes, not an employer."""
    return bool(_QUOTED_BODY.fullmatch(text[span[0] : span[1]].lower()))


def _matching_copy(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """NFKC copy of ``text`` without invisible characters, and where each of its characters
    came from (start and end of the original cluster); ``None`` when nothing changes."""
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and not _INVISIBLE.search(text)):
        return text, None, None
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos, n = 0, len(text)
    # ASCII and Cyrillic are stable under NFKC: only the rest is normalised, a character
    # together with the combining marks that follow it.
    for match in _NFKC_UNSTABLE.finditer(text):
        i = match.start()
        if i < pos:
            continue
        if unicodedata.combining(text[i]) and i > pos:
            i -= 1
        pieces.append(text[pos:i])
        starts.extend(range(pos, i))
        ends.extend(range(pos + 1, i + 1))
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text[i:j]))
        pieces.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        pos = j
    pieces.append(text[pos:])
    starts.extend(range(pos, n))
    ends.extend(range(pos + 1, n + 1))
    return "".join(pieces), starts, ends


def _resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans: same-kind overlaps merge, otherwise higher priority wins."""
    # Patterns are exact, heuristics are specific, the Russian NER model guesses on Kazakh
    # and English: on overlap the more reliable source wins, then the kind's priority.
    ordered = sorted(
        spans,
        key=lambda s: (-_SOURCE_RANK[s[3]], -_PRIORITY[s[2]], s[0], -(s[1] - s[0])),
    )
    chosen: list[Span] = []
    for start, end, kind, source in ordered:
        merged = False
        for i, (cs, ce, ck, csrc) in enumerate(chosen):
            if start < ce and cs < end:
                union = (min(cs, start), max(ce, end))
                # Grow a same-kind span, but not over another chosen span («Бауыржан
                # Төлеубаев Атырауда» from the model must not swallow the place).
                if ck == kind and not any(
                    j != i and union[0] < oe and os < union[1]
                    for j, (os, oe, _k, _s) in enumerate(chosen)
                ):
                    chosen[i] = (*union, ck, csrc)
                merged = True
                break
        if not merged:
            chosen.append((start, end, kind, source))
    return _fold(sorted(chosen))


def _fold(spans: list[Span]) -> list[Span]:
    """Merging can make two chosen spans touch or overlap: fold them into the first."""
    folded: list[Span] = []
    for span in spans:
        if folded and span[0] < folded[-1][1]:
            last = folded[-1]
            folded[-1] = (last[0], max(last[1], span[1]), last[2], last[3])
        else:
            folded.append(span)
    return folded
