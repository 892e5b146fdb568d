"""What the layers share: the alphabets, name and place recognisers word by word, and
the transliteration skeleton that makes "Bakhytzhan" and "Бақытжан" one name."""

from __future__ import annotations

import re
from functools import lru_cache

from testing_center.redaction import lexicon

Span = tuple[int, int, str, str]  # start, end, kind, source


def _words(text: str) -> list[str]:
    return text.split()


# Kazakh Cyrillic and the Kazakh Latin alphabet (Ä, Ğ, Ī, Ñ, Ö, Ş, Ū, Ü …) besides ASCII.
_UP = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІÄÇĞİĪÑÖŞŪÜ"
_LOW = "a-zа-яёәғқңөұүһіäçğıīñöşūü"
_CAP_WORD = rf"[{_UP}][{_LOW}]+(?:-[{_UP}]?[{_LOW}]+)?"
_CAPS_WORD = rf"[{_UP}]{{2,}}(?:-[{_UP}]{{2,}})?"
_NAME_TOKEN = rf"(?:{_CAP_WORD}|{_CAPS_WORD})"
_INITIALS = rf"(?:[{_UP}]\.\s?){{1,2}}\s*"
_CYRILLIC = re.compile("[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
_KAZAKH_LETTERS = re.compile("[ӘәҒғҚқҢңӨөҰұҮүҺһІі]")


# Street addresses. A street name: initials, a capitalised word (or "Самал-2"), optionally a
# second word or the title in "Абылай хана", "Төле би", "Райымбек батыр".
# Titles inside a proper name: «Абылай хан», «Төле би», «Бұқар жырау», «Райымбек батыр».
_TITLE = r"(?:хан[а-я]*|би|батыр[а-яы]*|жырау|ата|ана|апа|bi|batyr|khan|ata)"


_KK_CASE = (
    r"(?:тың|тің|ның|нің|дың|дің|қа|ке|ға|ге|ты|ті|ны|ні|пен|бен|мен|тан|тен|нан|нен|дан|ден|"
    r"та|те|да|де)"
)
_SURNAME = re.compile(
    rf"\b[{_UP}][{_LOW}]+(?:ұлы|улы|қызы|кызы|ович|евич|овна|евна|ична|енко|ова|ева|ов|ев|ина|ин|"
    r"uly|uli|ūly|kyzy|qyzy|kyzi|ovich|evich|ovna|evna|enko|ova|eva|ov|ev|yeva|yev|bekov|bayev)"
    rf"{_KK_CASE}?\b"
)
# Russian case forms («Ивановой», «Сейткалиеву») only beside a first name: «Цифровой» is not one.
_SURNAME_INFLECTED = re.compile(rf"[{_UP}][{_LOW}]+(?:ов|ев|ин)(?:а|у|ым|ой|ых|е|ою)")


# Endings of Kazakh first names (Жұмабек, Бекжан, Айгүл, Ерғали): enough next to a surname.
_KAZAKH_NAME_END = re.compile(
    r"..(?:бек|жан|гүл|гуль|бай|хан|ғали|гали|нұр|нур|сұлтан|арыс|bek|zhan|jan|gul|bai|bay|khan|"
    r"gali|nur|sultan|arys)$"
)


_NAME_CASE_SUFFIXES = sorted(
    {
        # «мен Ерболмын», «біз Айгерімбіз»: "I am Erbol"
        *_words("мын мін пын пін бын бін мыз міз пыз піз быз біз"),
        *_KK_CASE.strip("(?:)").split("|"),
        "а",
        "я",
        "у",
        "ю",
        "ом",
        "ем",
        "ой",
        "ей",
        "е",
        "и",
        "ы",
        "ға",
        "ге",
        "ке",
        "қа",
    },
    key=len,
    reverse=True,
)


_INTRO_WORDS = frozenset(_words("менің атым есімім меня зовут моё мое имя my name is i am мен я"))


_CITY_ROOTS = tuple(lexicon.CITY_ROOTS)


@lru_cache(maxsize=8192)
def _skeleton(word: str) -> str:
    """A coarse Latin spelling shared by a name's Cyrillic and Latin forms."""
    w = word.lower().translate(_TO_LATIN)
    for a, b in (("zh", "j"), ("kh", "k"), ("gh", "g"), ("sh", "S"), ("ch", "C"), ("ts", "c")):
        w = w.replace(a, b)
    w = w.translate(_LATIN_SINGLE)
    w = re.sub(r"(.)\1+", r"\1", w)
    w = re.sub(r"(?<=u)i(?=[^aeiou])", "", w)  # Бауыржан / Baurzhan
    return w[1:] if w.startswith("ie") else w  # Yerlan / Ерлан


_TO_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыіэ", "abvgdeziiklmnoprstufiie", strict=True)),
        **dict(zip("әғқңөұүһхц", "agknouukkc", strict=True)),
        "ж": "j",
        "ш": "S",
        "щ": "S",
        "ч": "C",
        "ё": "io",
        "ю": "iu",
        "я": "ia",
        "ъ": "",
        "ь": "",
    }
)
_LATIN_SINGLE = str.maketrans(
    {
        **dict(zip("qhywäöüūıīğñé", "kkiuaouuiigne", strict=True)),
        "x": "ks",
        "ş": "S",
        "ç": "C",
    }
)
_FIRST_NAME_KEYS = frozenset(
    _skeleton(n) for n in (*lexicon.FIRST_NAMES, *lexicon.FIRST_NAMES_LATIN)
)
_AMBIGUOUS_KEYS = frozenset(_skeleton(n) for n in lexicon.AMBIGUOUS_FIRST_NAMES)
_CITY_KEYS = tuple(
    {_skeleton(c) for c in lexicon.CITY_ROOTS_LATIN} | {_skeleton(c) for c in lexicon.CITY_ROOTS}
)


def _public_figure(name: str) -> bool:
    """«Қасым-Жомарт Тоқаев», «слова Абая», «Ахмет Байтұрсынұлы»: quoted, not the author.
    Only for guessed names: a self-introduction («Менің атым Абай») is always redacted."""
    words = [w.strip(".,") for w in name.lower().split()]
    return any(_inflected_from(w, lexicon.PUBLIC_FIGURES) for w in words) and all(
        _inflected_from(w, lexicon.PUBLIC_FIGURES | lexicon.PUBLIC_FIGURES_GIVEN)
        or re.fullmatch(rf"[{_LOW}](?:\.[{_LOW}])*", w)
        for w in words
    )


def _inflected_from(word: str, stems: frozenset[str]) -> bool:
    """``word`` is one of ``stems`` or one of them with a case ending («Абая», «Тоқаевтың»)."""
    if word in stems:
        return True
    for suffix in (*_NAME_CASE_SUFFIXES, "ем", "ю", "я"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and (base in stems or base + "й" in stems):
            return True
    return False


def _not_identifying(word: str) -> bool:
    """The country, the state and its institutions in any case form («Республике»)."""
    lower = word.lower()
    return lower in lexicon.NOT_IDENTIFYING or lower.startswith(lexicon.NOT_IDENTIFYING_STEMS)


def _trim_leading_stopwords(text: str, start: int, end: int) -> tuple[int, int]:
    while True:
        first = re.match(r"([\w-]+)\s+", text[start:end])
        if not first or first.group(1).lower() not in lexicon.STOPWORDS:
            return start, end
        start += first.end()


def _is_first_name(word: str) -> bool:
    return _first_name_key(word) is not None


@lru_cache(maxsize=8192)
def _first_name_key(word: str) -> str | None:
    """The list entry ``word`` is a form of, or ``None``."""
    key = _skeleton(word)
    if key in _FIRST_NAME_KEYS:
        return key
    lower = word.lower()
    if not _CYRILLIC.match(lower):
        return None
    # Inflected: «Айгерімге», «Ерланның», «Марату», «Марии».
    for suffix in _NAME_CASE_SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 3:
            stem = _skeleton(lower[: -len(suffix)])
            if stem in _FIRST_NAME_KEYS:
                return stem
            if len(stem) >= 4 and stem + "a" in _FIRST_NAME_KEYS:
                return stem + "a"
    return None


def _is_place(word: str) -> bool:
    lower = word.lower()
    if _not_identifying(lower):
        return False
    if _CYRILLIC.match(lower):
        if lower in lexicon.CITY_FORMS:
            return True
        return lower.startswith(_CITY_ROOTS) and not lower.startswith(lexicon.CITY_LOOKALIKES)
    return _skeleton(word).startswith(_CITY_KEYS)


def _looks_like_name(word: str, *, inflected: bool = False) -> bool:
    word = word if not word.isupper() else word.capitalize()
    if inflected and _SURNAME_INFLECTED.fullmatch(word):
        return True
    return bool(_SURNAME.fullmatch(word)) or _is_first_name(word)


def _phrase_start(text: str, index: int) -> bool:
    head = text[:index].rstrip()
    return not head or head[-1] in '.!?\n:;«"“„(—–-•*'
