"""Redaction of self-identifying text in open answers and essays, before anyone reads them.

:func:`redact_text` replaces identifiers with tokens such as ``[NAME]`` and returns every
redaction (kind, span in the original text, token) so the caller can raise a "possible
self-identification" flag. Three layers, because no single one covers kk/ru/en:

1. patterns — IIN (12 digits), Kazakh phone numbers, e-mails, URLs, @handles: these must
   never slip through, so they are broad on purpose;
2. heuristics — self-introductions ("менің атым …", "меня зовут …", "my name is …"),
   patronymic/surname endings (-ұлы, -қызы, -ович, -ова, -ov, -uly …), a short list of
   common first names and of Kazakhstan's cities, organisation forms (ТОО «…», … University);
3. ``natasha`` — Russian NER (PER/LOC/ORG) whose model ships inside the package (works
   offline); loaded lazily once per process, used on text with Cyrillic letters.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

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


_UP = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІ"
_LOW = "a-zа-яёәғқңөұүһі"
_CAP_WORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}]?[{_LOW}]+)?"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'«»]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:kz|ru|com|org|net|io|me|info|gov|edu|uk|қаз)(?:/[^\s<>\"'«»]*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,30}")
_IIN = re.compile(r"(?<![\d+])\d{6}[ -]?\d{6}(?!\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?7|8)[\s-]*\(?\s*7\d{2,3}\s*\)?[\s-]*\d{2,3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)"
    r"|(?<![\w+])\(?7\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)"
)
_TRAILING_PUNCT = ".,;:!?)»\"'"

_INTRO = re.compile(
    r"(?i:менің\s+(?:атым|есімім|аты-жөнім)|атым|есімім|меня\s+зовут|моё\s+имя|мое\s+имя|"
    r"my\s+name\s+is|i\s+am|i'm|call\s+me|this\s+is)\s+"
    rf"((?:{_CAP_WORD})(?:\s+{_CAP_WORD}){{0,2}})"
)
_SURNAME = re.compile(
    rf"\b[{_UP}][{_LOW}]+(?:ұлы|улы|қызы|кызы|ович|евич|овна|евна|ична|енко|ова|ева|ов|ев|ина|ин|"
    r"uly|uli|kyzy|qyzy|ovich|evich|ovna|evna|enko|ova|eva|ov|ev|yeva|yev|bekov|bayev)\b"
)
_FIRST_NAMES = frozenset(
    [
        "айгерим",
        "ерлан",
        "асель",
        "әсел",
        "нурлан",
        "нұрлан",
        "данияр",
        "айжан",
        "бауыржан",
        "гульнара",
        "гүлнара",
        "жанар",
        "мадина",
        "арман",
        "асхат",
        "дина",
        "ержан",
        "марат",
        "сауле",
        "сәуле",
        "тимур",
        "алия",
        "әлия",
        "аружан",
        "даурен",
        "дәурен",
        "ербол",
        "азамат",
        "айдос",
        "болат",
        "жандос",
        "камила",
        "нурсултан",
        "нұрсұлтан",
        "санжар",
        "динара",
        "айнур",
        "серік",
        "серик",
        "дамир",
        "ринат",
        "анна",
        "мария",
        "иван",
        "сергей",
        "ольга",
        "елена",
        "дмитрий",
        "алексей",
        "наталья",
        "татьяна",
        "андрей",
        "aigerim",
        "yerlan",
        "erlan",
        "asel",
        "nurlan",
        "daniyar",
        "aizhan",
        "baurzhan",
        "gulnara",
        "zhanar",
        "madina",
        "arman",
        "askhat",
        "dina",
        "yerzhan",
        "marat",
        "saule",
        "timur",
        "aliya",
        "aruzhan",
        "dauren",
        "yerbol",
        "azamat",
        "aidos",
        "bolat",
        "zhandos",
        "kamila",
        "sanzhar",
        "dinara",
        "ainur",
        "serik",
        "damir",
        "john",
        "mary",
        "anna",
        "ivan",
        "sergey",
        "olga",
        "elena",
        "dmitry",
        "alexey",
    ]
)
_CITIES = [
    "астан",
    "алмат",
    "шымкент",
    "қарағанд",
    "караганд",
    "ақтөбе",
    "актобе",
    "тараз",
    "павлодар",
    "өскемен",
    "оскемен",
    "усть-каменогорск",
    "семей",
    "атырау",
    "қостанай",
    "костанай",
    "қызылорд",
    "кызылорд",
    "орал",
    "уральск",
    "петропавл",
    "ақтау",
    "актау",
    "түркістан",
    "туркестан",
    "көкшетау",
    "кокшетау",
    "талдықорған",
    "талдыкорган",
    "жезқазған",
    "жезказган",
    "екібастұз",
    "экибастуз",
    "теміртау",
    "темиртау",
    "astana",
    "almaty",
    "shymkent",
    "karaganda",
    "karagandy",
    "aktobe",
    "taraz",
    "pavlodar",
    "oskemen",
    "semey",
    "atyrau",
    "kostanay",
    "kyzylorda",
    "uralsk",
    "oral",
    "petropavl",
    "aktau",
    "turkistan",
    "kokshetau",
    "taldykorgan",
    "zhezkazgan",
    "ekibastuz",
    "temirtau",
]
_CITY = re.compile(
    r"\b(?:" + "|".join(re.escape(c) for c in sorted(_CITIES, key=len, reverse=True)) + r")\w*",
    re.IGNORECASE,
)
_ORG = re.compile(
    r"(?:ТОО|АО|ИП|ЖШС|АҚ|ЖК|LLP|JSC|LLC)\s*[«\"“][^»\"”]{1,60}[»\"”]"
    rf"|(?:{_CAP_WORD}\s+){{1,3}}(?:University|Ministry|Bank|College|Institute|School|"
    r"Company|Corporation|LLP|Inc\.?|университеті|университет|колледжі|колледж|банкі|банк|"
    r"министрлігі|мектебі)\b"
    rf"|(?:University|Ministry|Bank|College|Institute) of(?:\s+(?:the\s+)?{_CAP_WORD}){{1,3}}"
    rf"|(?:школ[аеуы]|гимнази[яиюе]|мектеп)\s*(?:№|N)\s*\d+"
    rf"|(?:№|N)\s*\d+\s+(?:мектеп|школ[аеуы])"
    rf"|(?:КазНУ|ЕНУ|КБТУ|КИМЭП|AITU|KBTU|KIMEP|ENU|SDU|NU)\b",
)
# Naming one's country or the state itself does not identify anyone.
_NOT_IDENTIFYING = frozenset(
    [
        "казахстан",
        "казахстана",
        "казахстане",
        "казахстаном",
        "қазақстан",
        "қазақстанның",
        "қазақстанда",
        "қазақстанға",
        "республика",
        "республики",
        "республикасы",
        "kazakhstan",
        "россия",
        "russia",
    ]
)
_INTRO_WORDS = frozenset(
    [
        "менің",
        "атым",
        "есімім",
        "меня",
        "зовут",
        "моё",
        "мое",
        "имя",
        "my",
        "name",
        "is",
        "i",
        "am",
        "мен",
        "я",
    ]
)


def redact_text(text: str, *, use_ner: bool = True) -> RedactionResult:
    """Redact identifiers from ``text``; spans in the result refer to the original text."""
    if not text:
        return RedactionResult(text or "", ())
    spans: list[tuple[int, int, str, str]] = []
    for kind, pattern in (
        ("EMAIL", _EMAIL),
        ("URL", _URL),
        ("IIN", _IIN),
        ("PHONE", _PHONE),
        ("HANDLE", _HANDLE),
    ):
        for match in pattern.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1] in _TRAILING_PUNCT and kind in ("URL", "HANDLE"):
                end -= 1
            spans.append((start, end, kind, "pattern"))
    spans += _heuristic_spans(text)
    if use_ner and re.search("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]", text):
        spans += _ner_spans(text)
    chosen = _resolve(spans)
    redactions = tuple(Redaction(k, s, e, KIND_TOKENS[k], src) for s, e, k, src in chosen)
    out, last = [], 0
    for r in redactions:
        out.append(text[last : r.start])
        out.append(r.replacement)
        last = r.end
    out.append(text[last:])
    return RedactionResult("".join(out), redactions)


def _heuristic_spans(text: str) -> list[tuple[int, int, str, str]]:
    spans = []
    for match in _INTRO.finditer(text):
        spans.append((*match.span(1), "NAME", "heuristic"))
    for match in _SURNAME.finditer(text):
        if match.group(0).lower() not in _NOT_IDENTIFYING:
            spans.append((*_with_neighbour_names(text, *match.span()), "NAME", "heuristic"))
    for match in re.finditer(_CAP_WORD, text):
        if match.group(0).lower() in _FIRST_NAMES:
            spans.append((*_with_neighbour_names(text, *match.span()), "NAME", "heuristic"))
    for match in _CITY.finditer(text):
        if match.group(0)[0].isupper():
            spans.append((*match.span(), "PLACE", "heuristic"))
    for match in _ORG.finditer(text):
        spans.append((*match.span(), "ORG", "heuristic"))
    return spans


def _with_neighbour_names(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a name span over directly adjacent capitalised words (first name, patronymic)."""
    word = re.compile(_CAP_WORD)
    while True:
        before = re.search(rf"({_CAP_WORD})\s+$", text[max(0, start - 40) : start])
        if not before or before.group(1).lower() in _INTRO_WORDS:
            break
        if before.group(1).lower() in _NOT_IDENTIFYING or (
            _sentence_start(text, start - len(before.group(0)))
            and not _looks_like_name(before.group(1))
        ):
            break
        start -= len(before.group(0))
    while True:
        after = re.match(rf"\s+({_CAP_WORD})", text[end:])
        if not after or after.group(1).lower() in _NOT_IDENTIFYING:
            break
        if not (word.fullmatch(after.group(1)) and _looks_like_name(after.group(1))):
            break
        end += len(after.group(0))
    return start, end


def _looks_like_name(word: str) -> bool:
    return bool(_SURNAME.fullmatch(word)) or word.lower() in _FIRST_NAMES


def _sentence_start(text: str, index: int) -> bool:
    head = text[:index].rstrip()
    return not head or head[-1] in ".!?\n"


_NER_KIND = {"PER": "NAME", "LOC": "PLACE", "ORG": "ORG"}
_ner_lock = threading.Lock()


@lru_cache(maxsize=1)
def _natasha():
    """Load natasha's segmenter and NER tagger once per process (about a second)."""
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    with _ner_lock:
        return Segmenter(), NewsNERTagger(NewsEmbedding())


def _ner_spans(text: str) -> list[tuple[int, int, str, str]]:
    from natasha import Doc

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
        if start >= end or {w.lower() for w in words} <= _NOT_IDENTIFYING:
            continue
        if not text[start].isupper():
            continue
        # A capitalised sentence opening ("Государственная служба …", Kazakh words the
        # Russian model mistakes for names) is kept only if it looks like a name.
        opening = _sentence_start(text, start) and not any(w[0].isupper() for w in words[1:])
        if opening and (kind != "NAME" or not _looks_like_name(words[0])):
            continue
        spans.append((start, end, kind, "ner"))
    return spans


def _resolve(spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Non-overlapping spans: same-kind overlaps merge, otherwise higher priority wins."""
    # Patterns are exact, heuristics are specific, the Russian NER model guesses on Kazakh
    # and English: on overlap the more reliable source wins, then the kind's priority.
    ordered = sorted(
        spans,
        key=lambda s: (-_SOURCE_RANK[s[3]], -_PRIORITY[s[2]], s[0], -(s[1] - s[0])),
    )
    chosen: list[tuple[int, int, str, str]] = []
    for start, end, kind, source in ordered:
        merged = False
        for i, (cs, ce, ck, csrc) in enumerate(chosen):
            if start < ce and cs < end:
                if ck == kind:
                    chosen[i] = (min(cs, start), max(ce, end), ck, csrc)
                merged = True
                break
        if not merged:
            chosen.append((start, end, kind, source))
    chosen.sort()
    # Merging can make two chosen spans of the same kind touch or overlap: fold them.
    folded: list[tuple[int, int, str, str]] = []
    for span in chosen:
        if folded and span[0] < folded[-1][1]:
            last = folded[-1]
            folded[-1] = (last[0], max(last[1], span[1]), last[2], last[3])
        else:
            folded.append(span)
    return folded
