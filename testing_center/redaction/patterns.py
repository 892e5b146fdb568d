"""Layer 1, patterns: IIN, phone numbers, e-mails, URLs, handles and street addresses.
Broad on purpose: these must never slip through."""

from __future__ import annotations

import re

from testing_center.redaction.words import (
    _LOW,
    _TITLE,
    _UP,
    Span,
    _trim_leading_stopwords,
)

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*@[^\W_]+(?:-[^\W_]+)*(?:\.[^\W_]+(?:-[^\W_]+)*)*"
)
# "name (at) gmail (dot) com", "name[at]mail.ru", "name собака mail.ru", "name at gmail dot com".
_AT = (
    r"(?:\s*[(\[{<]\s*(?:at|@|собака|эт)\s*[)\]}>]\s*"
    r"|\s+(?:собака|собачка)\s+"
    r"|\s+at\s+(?=[a-z0-9-]+\s*[(\[{<]?\s*(?:dot|точка|нүкте)\b))"
)
_DOT = r"(?:\.|\s*[(\[{<]\s*(?:dot|точка|нүкте)\s*[)\]}>]\s*|\s+(?:dot|точка|нүкте)\s+)"
_EMAIL_SPACED = re.compile(
    r"(?<![\w.+-])[a-z0-9_+-]+(?:\s*\.\s*[a-z0-9_+-]+)*\s+@\s+[a-z0-9-]+(?:\s*\.\s*[a-z]{2,}(?!\w))+",
    re.IGNORECASE,
)
_EMAIL_OBFUSCATED = re.compile(
    rf"(?<![\w.+-])[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*{_AT}[a-z0-9-]+(?:{_DOT}[a-z]{{2,}}(?!\w))*",
    re.IGNORECASE,
)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'«»]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:kz|ru|com|org|net|io|me|info|gov|edu|uk|қаз)(?:/[^\s<>\"'«»]*)?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,30}")
# «Instagram: aidana_s», «телеграм — @x» : the account name after the network's name.
_NETWORK_HANDLE = re.compile(
    r"(?i:\b(?:instagram|insta|инстаграм\w*|инста|telegram|телеграм\w*|tg|vk|вк|facebook|фейсбук\w*|"
    r"twitter|tiktok|тикток\w*|linkedin|github|skype|скайп\w*|whatsapp|ватсап\w*)"
    r"(?:\s+(?:аккаунт\w*|account|профил\w*|парақша\w*|ник\w*|арна\w*|channel|канал\w*))?)"
    r"\s*[:\-—–]\s*(@?[A-Za-z0-9_][A-Za-z0-9_.]{2,31})"
)
_IIN = re.compile(r"(?<![\d+])\d{6}[ -]?\d{6}(?!\d)")
# Digits in groups (9108 2030 0018, 910820.300018, 921013 301 234): twelve of them in a row
# of groups are an IIN when the first six read as a birth date, so sums such as
# "150 000 000 000" and years such as "2019 2020 2021" stay.
_DIGIT_GROUPS = re.compile(r"(?<![\d+,])(?<!\d\.)\d{1,6}(?:[ .\-/]\d{1,6}){1,11}(?!\d)(?![.,]\d)")
_DIGIT_GROUP = re.compile(r"\d+")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\s?7|8)[\s-]*\(?\s*7\d{2,3}\s*\)?[\s-]*\d{2,3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)"
    r"|(?<![\w+])\(?7\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)"
)
# Foreign numbers (+998 90 123 45 67) and city numbers after a label (Тел.: 25-11-22).
_PHONE_FOREIGN = re.compile(
    r"(?<![\w+])\+\s?\d{1,3}[\s-]?\(?\d{2,4}\)?(?:[\s-]?\d{2,4}){2,4}(?!\d)"
)
_PHONE_LABELLED = re.compile(
    r"(?i:\b(?:тел\.?|телефон\w*|phone|mobile|моб\.?|сот\.?|сотов\w*|рабоч\w*|городск\w*|"
    r"нөмір\w*|ұялы|call|whatsapp|ватсап))\s*[:\-—–]?\s*(\d{2,3}[\s-]?\d{2}[\s-]?\d{2})(?!\d|[.,]\d)"
)
# After a label, an IIN written with look-alike letters («9001013OO123») or an odd grouping.
_IIN_LABELLED = re.compile(
    r"(?i:\b(?:иин|жсн|iin)\w*)\s*(?:[:\-—–]|is)?\s*"
    r"([0-9OoОоIlІ|][0-9OoОоIlІ| .\-]{10,22}[0-9OoОоIlІ|])(?![0-9])"
)
_TRAILING_PUNCT = ".,;:!?)»\"'"


_STREET_WORD = rf"[{_UP}][{_LOW}]+(?:[-–](?:[{_UP}]?[{_LOW}]+|\d+))?"
_STREET_NAME = (
    rf"(?:[{_UP}]\.\s?){{0,2}}{_STREET_WORD}"
    rf"(?:\s+(?:{_STREET_WORD}|{_TITLE}))?"
)
_HOUSE_PART = (
    r"(?:\d+[a-zа-яәіөүұқғң]?(?:/\d+)?\s*[-–]?\s*(?:үй|пәтер|кеңсе)[а-яәіөүұқғң]*"
    r"|(?:үй|пәтер)\s*(?:No\.?|N)?\s*\d+"
    r"|(?:д\.|дом[а-я]*|кв\.|квартир[а-я]*|оф\.|офис[а-я]*|корп\.|корпус[а-я]*)\s*(?:No\.?|N)?\s*\d+[а-я]?(?:/\d+)?"
    r"|(?i:apt\.?|apartment|flat|unit|house|building|bldg?\.?|block|office)\s*(?:No\.?|#)?\s*\d+[a-z]?(?![\d%]|\s*%|[.,]\d)"
    r"|\d{1,4}[a-zа-я]?(?:[/-]\d{1,4})?(?![\d%]|\s*%|[.,]\d|\s*(?:жыл|год|year|г\.)))"
)
_ADDRESS_TAIL = rf"(?:\s*,?\s*{_HOUSE_PART}){{0,3}}"
_ADDRESS = re.compile(
    # kk: «Абай көшесі 15-үй», «Жетісу-3 ықшам ауданында», «4-ші ықшамаудан»
    rf"(?:{_STREET_NAME}|\d+[-–]?(?:ші|шы)?)\s+"
    rf"(?:көше|даңғыл|ықшам\s?аудан|шағын\s?аудан|тұйық)[а-яәіөүұқғң]*{_ADDRESS_TAIL}"
    # ru: «ул. Абая 150, кв. 12», «проспекте Абылай хана», «мкр. Самал-2»
    r"|(?<![\w])(?<!и )(?:ул\.|улиц[а-я]*|пр\.|пр-т|просп\.|проспект[а-я]*|бульвар[а-я]*|б-р|"
    rf"пер\.|переул[а-я]*|шоссе)\s*{_STREET_NAME}{_ADDRESS_TAIL}"
    r"|(?<![\w])(?:мкр\.?|мкрн\.?|микрорайон[а-я]*|(?i:microdistrict|mkr\.?))\s*"
    rf"(?:{_STREET_NAME}|\d+[а-я]?){_ADDRESS_TAIL}"
    # en: «Dostyk Avenue 22, apt 5», «14 Tole Bi Street», «Samal-2 microdistrict»
    rf"|(?:\d+[A-Za-z]?,?\s+)?{_STREET_NAME}\s+(?:St\.?|(?i:street|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|lane|prospect|microdistrict))(?![a-z]){_ADDRESS_TAIL}"
    # a flat or a house on its own: «15-пәтер», «кв. 12», «apt 5»
    r"|\d+[-–](?:үй|пәтер)[а-яәіөүұқғң]*"
    r"|(?:пәтер|кв\.|квартир[а-я]*)\s*(?:No\.?|N)?\s*\d+"
    r"|\b(?i:apt\.?|apartment|flat)\s*(?:No\.?|#)?\s*\d+[a-z]?(?![\d%]|\s*%|[.,]\d)"
)
# Common words that look like a street name ("The Great Silk Road", "Wall Street").
_NOT_STREETS = frozenset(["silk", "wall", "great", "main", "one"])
_STREET_KEYWORDS = frozenset(["street", "st", "avenue", "ave", "road", "rd", "boulevard", "lane"])


def _pattern_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for kind, pattern in (
        ("EMAIL", _EMAIL),
        ("EMAIL", _EMAIL_OBFUSCATED),
        ("EMAIL", _EMAIL_SPACED),
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
    for match in _PHONE_FOREIGN.finditer(text):
        if 10 <= sum(ch.isdigit() for ch in match.group(0)) <= 13:
            spans.append((*match.span(), "PHONE", "pattern"))
    for match in _PHONE_LABELLED.finditer(text):
        spans.append((*match.span(1), "PHONE", "pattern"))
    for match in _IIN_LABELLED.finditer(text):
        value = match.group(1).rstrip(" .-")
        if sum(not ch.isspace() and ch not in ".-" for ch in value) == 12:
            spans.append((match.start(1), match.start(1) + len(value), "IIN", "pattern"))
    for match in _NETWORK_HANDLE.finditer(text):
        start, end = match.span(1)
        while end > start and text[end - 1] in _TRAILING_PUNCT:
            end -= 1
        spans.append((start, end, "HANDLE", "pattern"))
    for match in _DIGIT_GROUPS.finditer(text):
        groups = [(g.start(), g.end()) for g in _DIGIT_GROUP.finditer(text, *match.span())]
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                digits += text[groups[j][0] : groups[j][1]]
                if len(digits) >= 12:
                    break
            if len(digits) == 12 and _reads_as_birth_date(digits):
                spans.append((groups[i][0], groups[j][1], "IIN", "pattern"))
                break
    for match in _ADDRESS.finditer(text):
        start, end = _trim_leading_stopwords(text, *match.span())
        first = re.match(r"[\w-]+", text[start:end])
        if first and first.group(0).lower() in _NOT_STREETS | _STREET_KEYWORDS:
            continue
        if start != match.start() and text[start].islower():
            continue  # «Бұл көше …»: a determiner, not a street name
        while end > start and text[end - 1] in " ,":
            end -= 1
        spans.append((start, end, "PLACE", "pattern"))
    return spans


def _reads_as_birth_date(digits: str) -> bool:
    return (
        len(digits) == 12
        and 1 <= int(digits[2:4]) <= 12
        and 1 <= int(digits[4:6]) <= 31
        and digits[6] in "123456"
    )
