"""Redaction of self-identifying text in open answers and essays, before anyone reads them.

:func:`redact_text` replaces identifiers with tokens such as ``[NAME]`` and returns every
redaction (kind, span in the original text, token) so the caller can raise a "possible
self-identification" flag. Matching runs on an NFKC-normalised copy without invisible
characters (full-width ``＠``, ``９１０８``, soft hyphens cannot hide anything); spans are
mapped back to the ORIGINAL text. Three layers, because no single one covers kk/ru/en:

1. patterns — IIN (12 digits, also grouped 4-4-4, 6-6, with dots), Kazakh phone numbers,
   e-mails (also "name (at) gmail (dot) com", "name собака mail.ru", "name@gmail"), URLs,
   @handles and street addresses in kk/ru/en: these must never slip through, so they are
   broad on purpose;
2. heuristics — self-introductions and signatures ("менің атым …", "С уважением, …"),
   patronymic/surname endings (-ұлы, -қызы, -ович, -ова, -ov, -uly …), first names and
   cities compared through a transliteration skeleton (so "Bakhytzhan" is "Бақытжан"),
   upper-case name pairs, employers (ТОО «…», «…» ЖШС, … университеті, … University);
3. ``natasha`` — Russian NER (PER/LOC/ORG) whose model ships inside the package (works
   offline); loaded lazily once per process, used on text with Cyrillic letters.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from testing_center import redaction_lexicon as lexicon

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
_NFKC_UNSTABLE = re.compile("[^\t\n\r\x20-\x7e\u0400-\u04ff«»—–‘’“”„]")
_INVISIBLE = re.compile("[\u00ad\u034f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# --- patterns -------------------------------------------------------------------------------

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

# Street addresses. A street name: initials, a capitalised word (or "Самал-2"), optionally a
# second word or the title in "Абылай хана", "Төле би", "Райымбек батыр".
# Titles inside a proper name: «Абылай хан», «Төле би», «Бұқар жырау», «Райымбек батыр».
_TITLE = r"(?:хан[а-я]*|би|батыр[а-яы]*|жырау|ата|ана|апа|bi|batyr|khan|ata)"
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

# --- heuristics ---------------------------------------------------------------------------

_INTRO = re.compile(
    r"(?:(?i:\bменің\s+(?:атым|есімім|аты-жөнім)|\bатым|\bесімім|\bаты-жөнім|\bменя\s+зовут|"
    r"\bмо[её]\s+имя|\bmy\s+name\s+is|\bi\s+am|\bi'm|\bcall\s+me|\bthis\s+is|"
    r"\bс\s+уважением|\bқұрметпен|\bsincerely|\b(?:best\s+|kind\s+)?regards|\bтегім|\bфамилиям|"
    r"\bmy\s+(?:sur|(?:last|first|family)\s+)name\s+is|\bмо[яё]\s+фамилия|\bменің\s+тегім)"
    r"\s*[,:\-—–]?\s+"
    # Labels need their colon: «Автор: …», «Тегі: …», «Ф.И.О.: …»
    r"|(?i:\bэссе\s+авторы|\bавторы|\bавтор|\bauthor|\bподпись|\bф\.\s?и\.\s?о\.?|\bтегі|\bфамилия|"
    r"\bsurname|\bжазған|\bорындаған|\bаты-жөні)\s*[:\-—–]\s*)"
    rf"((?:{_INITIALS})?{_NAME_TOKEN}(?:\s+(?:{_INITIALS})?{_NAME_TOKEN}){{0,2}})"
)
_TITLES = r"(?:Dr|Prof|Mr|Mrs|Ms|Miss|Sir|Madam|г-н|г-жа|госпожа|господин|проф|профессор|доктор)\.?"
# A person named by their relation to the author: «my friend Zhuldyz», «досым Бекарыс».
_RELATION = re.compile(
    r"(?i:\b(?:my|our)\s+(?:best\s+)?(?:friend|colleague|manager|boss|mentor|supervisor|teacher|"
    r"father|mother|brother|sister|wife|husband|son|daughter|uncle|aunt|grandfather|grandmother|"
    r"cousin|head|director|classmate|groupmate)"
    r"|\b(?:мо[йяё]|наш[аие]?)\s+(?:лучш[а-я]+\s+)?(?:друг|подруга|коллега|руководитель|наставник|"
    r"начальник|директор|учитель|учительница|отец|мать|мама|папа|брат|сестра|муж|жена|сын|дочь|"
    r"дядя|тётя|тетя|дедушка|бабушка|однокурсни[кца]+|одноклассни[кца]+)"
    r"|\b(?:досым|құрбым|әкем|анам|ағам|әпкем|інім|сіңлім|қарындасым|жұбайым|күйеуім|әйелім|"
    r"ұлым|қызым|жетекшім|басшым|әріптесім|ұстазым|мұғалімім|атам|әжем|нағашым|жиенім|"
    r"курстасым|сыныптасым))"
    rf"\s*[,:\-—–]?\s+(?:{_TITLES}\s+)?((?:{_INITIALS})?{_NAME_TOKEN})"
)
# «Dr. Sarah Williams», «Prof. Michael Brown», «г-жа Иванова»: a title announces a name.
_TITLED = re.compile(
    rf"(?<![\w.]){_TITLES}\s+((?:{_INITIALS})?{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}})"
)
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
# Endings that ordinary words share ("Медицина", "Дисциплине"): not enough on their own.
_WEAK_SURNAME = re.compile(rf"[{_LOW}](?:ина|ин|ине|ину|иной|енко)$")
_WORD = re.compile(rf"{_CAP_WORD}")
# Endings of Kazakh first names (Жұмабек, Бекжан, Айгүл, Ерғали): enough next to a surname.
_KAZAKH_NAME_END = re.compile(
    r"..(?:бек|жан|гүл|гуль|бай|хан|ғали|гали|нұр|нур|сұлтан|арыс|bek|zhan|jan|gul|bai|bay|khan|"
    r"gali|nur|sultan|arys)$"
)
_CAPS_RUN = re.compile(
    rf"(?<![{_UP}{_LOW}]){_CAPS_WORD}(?:\s+{_CAPS_WORD}){{1,2}}(?![{_UP}{_LOW}])"
)
_PATRONYMIC = re.compile(
    r"(?:ұлы|улы|қызы|кызы|ович|евич|овна|евна|uly|uli|ūly|kyzy|qyzy|kyzi|ovich|evich|ovna|evna)$"
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
# Place phrases: the proper name before «ауылы / ауданы / облысы / қаласы», after «село, г.»…
_PLACE_PHRASE = re.compile(
    rf"({_CAP_WORD}(?:\s+(?:{_CAP_WORD}|{_TITLE}))?)\s+(?:ауылы|ауданы|облысы|қаласы|кенті|селосы|округі)[а-яәіөүұқғң]*"
    r"|(?<!\w)(?:(?:сел[оеау]|пос[её]лк[еау]|пос[её]лок|аул[еау]?|город[еау]?)\s+|(?<!\d\s)(?:г|с|пос)\.\s*)"
    rf"({_CAP_WORD})"
    rf"|([{_UP}][{_LOW}]+(?:ск|цк)(?:ий|ого|ому|ом|ая|ой|ую|ое))\s+(?:район|област|округ)[а-я]*"
    rf"|({_CAP_WORD})\s+(?:village|district|region|oblast)\b"
)
# «the village of Koshkar», «my village, Akkol»: matched on its own, as «My village» is taken
# by the pattern above.
_PLACE_AFTER_NOUN = re.compile(rf"\b(?:village|town|city|district|aul)(?: of|,)? ({_CAP_WORD})")

# «Ақтөбе облысы, Хромтау ауданы, Дөң ауылында»: two or more administrative units in a row
# are one address, redacted as one place.
_ADMIN_UNIT = (
    rf"{_CAP_WORD}(?:\s+(?:{_CAP_WORD}|{_TITLE}))?\s+"
    r"(?:облыс|аудан|ауыл|қала|кент|село|округ)[а-яәіөүұқғң]*|"
    rf"{_CAP_WORD}\s+қ\."
)
_ADMIN_CHAIN = re.compile(rf"(?:{_ADMIN_UNIT})(?:\s*,?\s*(?:{_ADMIN_UNIT}))+")
# The administrative noun that belongs to a place name goes with it: «Сарысу ауданында»,
# «город Алматы», «Алматинской области», «the city of Almaty», «Almaty region». Left
# behind, «[PLACE] ауданында» still tells what kind of place it was. Only a span already
# found as a PLACE grows, so «в городах Казахстана», «районные акиматы» stay as written.
_KK_ADMIN_NOUN = re.compile(
    r"\s+(?:(?:қала|облыс|аудан|ауыл|кент|ықшам\s?аудан|шағын\s?аудан|село|округ)"
    r"(?:сы|сі|ы|і)?(?:ның|нің|тың|тің|дың|дің|на|не|нда|нде|ндағы|ндегі|нан|нен|н|мен|"
    r"ға|ге|қа|ке|да|де|дағы|дегі|тағы|тегі|дан|ден|тан|тен|ты|ті|ны|ні)?(?![\w-])"
    r"|қ\.)"
)
_RU_ADMIN_NOUN_AFTER = re.compile(
    r"\s+(?:област(?:ь|и|ью|ей|ям|ях|ями)|обл\.|район(?:а|е|у|ом|ы|ов)?|р-н|округ(?:а|е|у|ом)?)"
    r"(?![\w-])"
)
_RU_ADJECTIVE = re.compile(r"(?:ск|цк)(?:ий|ого|ому|ом|им|ая|ой|ую|ое|ая)$")
_EN_ADMIN_NOUN_AFTER = re.compile(r"(?i:\s+(?:city|town|district|region|oblast|village))(?![\w-])")
_ADMIN_NOUN_BEFORE = re.compile(
    r"(?i:(?<![\w-])(?:город(?:а|е|у|ом)?|сел(?:о|а|е|у|ом)|пос[её]л(?:ок|ка|ке|ку|ком)|"
    r"аул(?:а|е|у|ом)?|микрорайон(?:а|е|у|ом)?|област(?:ь|и|ью)|район(?:а|е|у|ом)?|"
    r"(?:the\s+)?(?:city|town|village|district|region)(?:\s+of)?)\s+"
    r"|(?<![\w-])(?<!\d\s)(?<!\d)(?:г|с|пос|мкр)\.\s*)$"
)
_FORMS = (
    r"(?:ТОО|АО|ИП|ЖШС|АҚ|ЖК|ММ|КММ|РММ|ГУ|КГУ|РГУ|РГП|ГКП|КГП|ГККП|КГКП|РГКП|РМК|ШЖҚ|МКК|КМК|"
    r"НАО|КеАҚ|ЧУ|ҰАҚ|ОО|ҰК|НК|ҰБ|СПК|ӘКК|LLP|JSC|LLC|Ltd\.?|Inc\.?|PLC|GmbH)"
)
_QUOTED = r"(?:«(?:[^«»\n]|«[^«»\n]*»){1,80}»|[\"“„][^\"“”„\n]{1,60}[\"”“])"
_INSTITUTION = (
    r"(?:мекеме|серіктестіг|компания|корпорация|университет|колледж|академия|институт|мектеп|мектеб|"
    r"гимназия|лицей|аурухана|емхана|орталығ|банк|қоры|қоғам|агенттіг|басқарма|департамент|"
    r"учреждени|предприяти|компани|корпораци|организаци|центр|фонд|больниц|поликлиник|школ|"
    r"академи|гимнази|лице|акимат|әкімдіг|управлени)"
)
_KK_NAMED = (
    r"(?:(?i:у)ниверситеті|колледжі|академиясы|институты|мектебі|гимназиясы|лицейі|ауруханасы|"
    r"емханасы|басқармасы|департаменті|комитеті|министрлігі|әкімдігі|банкі|компаниясы|"
    r"корпорациясы|мекемесі|серіктестігі|орталығы|агенттігі)[а-яәіөүұқғң]*"
)
_NUMBERED = (
    r"(?:мектеп-гимназия|мектеп-лицей|школ[а-я]*-гимнази[а-я]*|школ[а-я]*-лице[а-я]*|мектеп|мектеб|"
    r"школ|гимнази|лице|балабақша|бөбекжай|колледж|емхана|аурухана|больниц|поликлиник|"
    r"детск[а-я]*\s+сад|ясли-сад|СОШ|ОСШ|ЖОББМ|ЖББМ|(?i:school|lyceum|gymnasium|kindergarten|hospital|clinic|polyclinic))"
    r"[a-zа-яәіөүұқғң]*(?:-[A-Za-zа-яәіөүұқғң]+)?"
)
# Words between «…» and the institution: «…» коммуналдық мемлекеттік мекемесі.
_QUALIFIER = (
    r"(?:мемлекеттік|коммуналдық|республикалық|қазыналық|ұлттық|халықаралық|коммерциялық|емес|жеке|"
    r"акционерлік|қоғамдық|медициналық|жауапкершілігі|шектеулі|государственн[а-я]*|коммунальн[а-я]*|"
    r"республиканск[а-я]*|казенн[а-я]*|национальн[а-я]*|некоммерческ[а-я]*|частн[а-я]*|"
    r"акционерн[а-я]*|state|national|private|public)"
)
_ABBREVIATIONS = "|".join(
    re.escape(a) for a in sorted(lexicon.KNOWN_EMPLOYERS, key=len, reverse=True)
)
_ORG = re.compile(
    # «…» ЖШС, «…» мемлекеттік мекемесі, ТОО «…», ШЖҚ РМК «…», АО Казпочта
    rf"{_QUOTED}\s*(?:{_QUALIFIER}\s+){{0,3}}(?:{_FORMS}(?:\s+{_FORMS})?(?![{_UP}{_LOW}])|{_INSTITUTION}[а-яәіөүұқғңa-z]*)"
    rf"|(?<![{_UP}{_LOW}]){_FORMS}(?:\s+{_FORMS})?\s*{_QUOTED}"
    rf"|(?<![{_UP}{_LOW}])(?:ТОО|АО|ЖШС|АҚ|LLP|JSC|LLC)\s+{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}}"
    # Л.Н. Гумилев атындағы Еуразия ұлттық университеті; университет имени Гумилёва
    rf"|(?:{_INITIALS})?{_CAP_WORD}(?:\s+(?:{_CAP_WORD}|{_TITLE}))?\s+атындағы\s+(?:[\w-]+\s+){{0,7}}?"
    rf"(?:{_INSTITUTION}[а-яәіөүұқғң]*|(?:{_ABBREVIATIONS})\b)"
    # акимат Алматинской области, акимата г. Актобе
    rf"|(?i:акимат)[а-я]*\s+(?:(?:города|района|г\.)\s*)?[{_UP}][{_LOW}-]+(?:\s+(?:области|района|города))?"
    rf"|{_INSTITUTION}[а-я]*\s+(?:имени|им\.)\s+(?:{_INITIALS})?[\w-]+(?:\s+{_CAP_WORD})?"
    # Қазақ ұлттық аграрлық университеті, Алматы қаласы әкімдігі
    rf"|{_CAP_WORD}(?:\s+[\w-]+){{0,3}}?\s+{_KK_NAMED}(?:\s+(?:[а-яәіөүұқғң-]+\s+){{0,2}}?{_KK_NAMED})*"
    # Евразийский национальный университет
    rf"|[{_UP}][{_LOW}]+(?:ск|цк|н)(?:ий|ый|ой|ая|ого|ом|ую|ое)(?:\s+[{_LOW}]+(?:ый|ий|ой|ая|ого|ом|ую|ое|ей|ых)){{0,3}}"
    r"\s+(?:университет|академи|институт|колледж|банк|больниц|поликлиник|корпораци|агентств|министерств)[а-я]*"
    # English
    rf"|(?:{_INITIALS})?(?:{_CAP_WORD}\s+){{1,3}}(?:University|Ministry|Bank|College|Institute|School|Company|Corporation|"
    r"Hospital|Clinic|Academy|Lyceum|Gymnasium|Akimat|Agency|Group|Holding|LLP|JSC|LLC|Ltd\.?|Inc\.?|"
    r"(?i:университеті|университет|колледжі|колледж|банкі|банк|министрлігі|мектебі)[а-яәіөүұқғң]*)(?![\w])"
    r"|(?:University|Ministry|Bank|College|Institute|Academy|Akimat|Department|Agency) of"
    rf"(?:\s+(?:the\s+)?{_CAP_WORD}){{1,3}}"
    # school No. 25, №12 мектепте, 38-ші мектеп-гимназия, мектеп-гимназия № 7
    rf"|{_NUMBERED}\s*(?:No\.?|N|#)\s*\d+"
    rf"|(?<!\w)(?:No\.?|N|#)\s*\d+\s*(?:[-–]?\s*(?:ші|шы))?\s*(?:[а-яәіөүұқғң]+\s+){{0,3}}?{_NUMBERED}"
    rf"|\d+\s*[-–]\s*(?:ші\s+|шы\s+)?{_NUMBERED}"
    rf"|(?<![{_UP}{_LOW}])(?:{_ABBREVIATIONS})(?![{_UP}{_LOW}])"
)
# An acronym where one's employer goes: «worked at KEGOC», «работаю в КЕГОК», «ҚТЖ-да жұмыс».
_EMPLOYER_ACRONYM = re.compile(
    rf"(?i:\b(?:work|works|worked|working|employed|intern|interned|served)\s+(?:at|for|with|in)"
    rf"|\bработа[а-я]*\s+(?:в|во|на)|\bслужил[а-я]*\s+в)\s+(?:the\s+)?({_CAPS_WORD}[a-z]?)(?![{_LOW}{_UP}])"
    rf"|(?<![{_UP}{_LOW}])({_CAPS_WORD})(?:-?(?:да|де|та|те|нда|нде)\s+|\s+(?:компаниясында\s+)?)(?:жұмыс|қызмет)"
    # «I work at Astana Hub», «worked for Air Astana»
    rf"|(?i:\b(?:work|works|worked|working|employed|intern|interned)\s+(?:at|for))\s+(?:the\s+)?"
    rf"((?:{_CAP_WORD}|{_CAPS_WORD})(?:\s+(?:{_CAP_WORD}|{_CAPS_WORD})){{0,3}})"
)
_COMMON_ACRONYMS = frozenset(_words("USA UK EU UN NGO CEO HR IT PR AI ҚР РК ЖСН ИИН ТОО АО ЖШС АҚ"))
# «… университет имени Е.А. Букетова», «… University named after Al-Farabi»
_NAMED_AFTER = re.compile(
    rf"\s+(?:имени|им\.|named\s+after)\s+(?:{_INITIALS})?[{_UP}]?[\w-]+(?:\s+{_CAP_WORD})?"
)
# Generic adjectives that start no employer's name on their own.
_GENERIC_ORG_START = re.compile(
    r"(?i)(?:государствен|национальн|международн|частн|высш|средн|современн|крупн|ведущ|лучш|"
    r"хорош|друг|кажд|люб|наш|мо[йяеи]|эт|так|один|одн|сво|"
    r"the\b|a\b|an\b|our\b|my\b|this\b|every\b|any\b)"
)
_INTRO_WORDS = frozenset(_words("менің атым есімім меня зовут моё мое имя my name is i am мен я"))
_NOT_NAME_AFTER = frozenset(
    _words(
        "street avenue road university bank college school ministry institute company group "
        "hospital academy akimat region district village city"
    )
)
_CITY_ROOTS = tuple(lexicon.CITY_ROOTS)
_QUOTED_BODY = re.compile("|".join(lexicon.QUOTED_BODIES))


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


def _with_admin_nouns(text: str, spans: list[Span]) -> list[Span]:
    """Grow each PLACE span over the administrative noun right before or after it, unless
    that noun belongs to another span («Алматы қаласы әкімдігі» is an employer)."""
    grown: list[Span] = []
    for i, (start, end, kind, source) in enumerate(spans):
        if kind == "PLACE":
            low = grown[-1][1] if grown else 0
            high = spans[i + 1][0] if i + 1 < len(spans) else len(text)
            name = text[start:end]
            after = _KK_ADMIN_NOUN.match(text, end) or _EN_ADMIN_NOUN_AFTER.match(text, end)
            if not after and _RU_ADJECTIVE.search(name):
                after = _RU_ADMIN_NOUN_AFTER.match(text, end)
            if after and after.end() <= high:
                end = after.end()
            before = _ADMIN_NOUN_BEFORE.search(text[max(low, start - 40) : start])
            if before:
                start -= len(before.group(0))
        grown.append((start, end, kind, source))
    return grown


def _public_figure(name: str) -> bool:
    """«Қасым-Жомарт Тоқаев», «слова Абая», «Ахмет Байтұрсынұлы»: quoted, not the author.
    Only for guessed names: a self-introduction («Менің атым Абай») is always redacted."""
    words = [w.strip(".,") for w in name.lower().split()]
    return any(_inflected_from(w, lexicon.PUBLIC_FIGURES) for w in words) and all(
        _inflected_from(w, lexicon.PUBLIC_FIGURES | lexicon.PUBLIC_FIGURES_GIVEN)
        or re.fullmatch(rf"[{_LOW}](?:\.[{_LOW}])*", w)
        for w in words
    )


def _quoted_body(text: str, span: Span) -> bool:
    """«Всемирного банка», «the World Bank»: a source an essay quotes, not an employer."""
    return bool(_QUOTED_BODY.fullmatch(text[span[0] : span[1]].lower()))


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


def _trim_leading_stopwords(text: str, start: int, end: int) -> tuple[int, int]:
    while True:
        first = re.match(r"([\w-]+)\s+", text[start:end])
        if not first or first.group(1).lower() not in lexicon.STOPWORDS:
            return start, end
        start += first.end()


def _heuristic_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for match in _INTRO.finditer(text):
        words = re.findall(r"\w+", match.group(1))
        if all(_not_identifying(w) or w.lower() in lexicon.STOPWORDS for w in words):
            continue
        if _is_place(words[0]) and not _looks_like_name(words[0]):
            continue  # «This is Astana» names a place, not the author
        spans.append((*match.span(1), "NAME", "heuristic"))
    for match in _RELATION.finditer(text):
        word = match.group(1)
        if _KK_ADMIN_NOUN.match(text, match.end(1)):
            continue  # «Әкем Сарысу ауданында …»: a district, not the father's name
        if not (_not_identifying(word) or _is_place(word) or word.lower() in lexicon.STOPWORDS):
            span = _with_neighbour_names(text, *match.span(1), after_first_name=True)
            spans.append((*span, "NAME", "heuristic"))
    for match in _TITLED.finditer(text):
        words = match.group(1).split()
        if not all(_not_identifying(w) or _is_place(w) for w in words):
            spans.append((*match.span(1), "NAME", "heuristic"))
    for match in _SURNAME.finditer(text):
        word = match.group(0)
        if _not_identifying(word):
            continue
        start, end = _with_neighbour_names(text, *match.span())
        if (
            _WEAK_SURNAME.search(word)
            and (start, end) == match.span()
            and _phrase_start(text, start)
        ) or _public_figure(text[start:end]):
            continue
        spans.append((start, end, "NAME", "heuristic"))
    for match in _WORD.finditer(text):
        word = match.group(0)
        key = _first_name_key(word)
        if key:
            start, end = _with_neighbour_names(text, *match.span(), after_first_name=True)
            alone = (start, end) == match.span()
            if alone and key in _AMBIGUOUS_KEYS and _phrase_start(text, start):
                continue
            if not _public_figure(text[start:end]):
                spans.append((start, end, "NAME", "heuristic"))
        elif _is_place(word):
            spans.append((*match.span(), "PLACE", "heuristic"))
        elif (
            _KAZAKH_NAME_END.search(word.lower())
            and not _phrase_start(text, match.start())
            and not _not_identifying(word)
        ):
            # «Бекарыс», «Нұрбек»: a capitalised word inside a sentence with a Kazakh
            # name's ending is a name.
            start, end = _with_neighbour_names(text, *match.span())
            if not _public_figure(text[start:end]):
                spans.append((start, end, "NAME", "heuristic"))
    for match in _CAPS_RUN.finditer(text):
        words = [w.capitalize() for w in match.group(0).split()]
        latin = match.group(0).isascii()
        if any(_is_first_name(w) for w in words) or any(
            _PATRONYMIC.search(w.lower())
            or (latin and _SURNAME.fullmatch(w) and not _not_identifying(w))
            for w in words
        ):
            spans.append((*match.span(), "NAME", "heuristic"))
    for match in _ADMIN_CHAIN.finditer(text):
        start, end = _trim_leading_stopwords(text, *match.span())
        if not text[start].islower():
            spans.append((start, end, "PLACE", "heuristic"))
    for match in (*_PLACE_PHRASE.finditer(text), *_PLACE_AFTER_NOUN.finditer(text)):
        group = next(g for g in range(1, match.re.groups + 1) if match.group(g))
        start, end = _trim_leading_stopwords(text, *match.span(group))
        relation = _RELATION.match(text, start)
        if relation and start < relation.start(1) < end:
            start = relation.start(1)  # «Әкем Сарысу ауданында»: «my father» is no place
        if text[start:end].lower() not in lexicon.STOPWORDS and not _not_identifying(
            text[start:end]
        ):
            spans.append((start, end, "PLACE", "heuristic"))
    for match in _EMPLOYER_ACRONYM.finditer(text):
        group = next(g for g in (1, 2, 3) if match.group(g))
        words = match.group(group).split()
        if match.group(group) in _COMMON_ACRONYMS or all(
            _is_place(w) or _not_identifying(w) or w in _COMMON_ACRONYMS for w in words
        ):
            continue
        spans.append((*match.span(group), "ORG", "heuristic"))
    for match in _ORG.finditer(text):
        start, end = _trim_leading_stopwords(text, *match.span())
        if start != match.start() and (text[start].islower() or " " not in text[start:end]):
            continue  # «Бұл университеті», «The University»: no name left
        # «Қазір Павлодар облысы әкімдігі…»: a sentence's first word before a name is not part
        # of it.
        opener = re.match(rf"([{_UP}][{_LOW}]+)\s+(?=[{_UP}])", text[start:end])
        if (
            opener
            and _phrase_start(text, start)
            and not (_looks_like_name(opener.group(1)) or _is_place(opener.group(1)))
        ):
            start += opener.end()
        if _GENERIC_ORG_START.match(text, start) and not re.search(r"\d|[«\"“]", text[start:end]):
            continue
        if _phrase_start(text, start) and _sentence_initial_generic(text[start:end]):
            continue
        named_after = _NAMED_AFTER.match(text, end)
        if named_after:
            end = named_after.end()
        spans.append((start, end, "ORG", "heuristic"))
    return spans


def _sentence_initial_generic(phrase: str) -> bool:
    """A sentence opening «Білім басқармасы …» is a common noun phrase, not an employer,
    unless it has a name-like word, a number or quotes."""
    if re.search(r"\d|[«\"“]", phrase):
        return False
    words = re.findall(rf"[{_UP}{_LOW}-]+", phrase)
    named = [w for w in words[1:] if w[0].isupper()]
    first = words[0] if words else ""
    return not named and not (
        _is_place(first) or _looks_like_name(first) or first in ("Қазақ", "Kazakh")
    )


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


def _with_neighbour_names(
    text: str, start: int, end: int, *, after_first_name: bool = False
) -> tuple[int, int]:
    """Grow a name span over directly adjacent capitalised words (first name, patronymic)
    and initials («А.Б. Иванов»)."""
    while True:
        initials = re.search(rf"(?:[{_UP}]\.\s?){{1,2}}\s*$", text[max(0, start - 8) : start])
        if initials and initials.group(0).strip():
            start -= len(initials.group(0))
            continue
        before = re.search(rf"({_NAME_TOKEN})\s+$", text[max(0, start - 40) : start])
        if not before:
            break
        word = before.group(1).lower()
        if word in _INTRO_WORDS or _not_identifying(word) or word in lexicon.STOPWORDS:
            break
        if before.group(1).isupper() and not _looks_like_name(before.group(1)):
            break  # an acronym: «ЖСН», «ТОО»
        if _phrase_start(text, start - len(before.group(0))) and not (
            _looks_like_name(before.group(1)) or _KAZAKH_NAME_END.search(word)
        ):
            break
        if _is_place(before.group(1)) and not _looks_like_name(before.group(1)):
            break
        start -= len(before.group(0))
    grown = False
    while True:
        after = re.match(rf"\s+({_NAME_TOKEN})(?![\w.]*@)", text[end:])
        if not after:
            break
        word = after.group(1)
        lower = word.lower()
        if _not_identifying(lower) or lower in lexicon.STOPWORDS:
            break
        if _looks_like_name(word, inflected=after_first_name):
            end += len(after.group(0))
            continue
        # «Bakhytzhan Ospan»: one capitalised word after a first name is the surname.
        if (
            after_first_name
            and not grown
            and lower not in _NOT_NAME_AFTER
            and not _is_place(word)
            and not re.match(
                rf"\s+(?:{_KK_NAMED}|көше|даңғыл|ықшам)", text[end + len(after.group(0)) :]
            )
        ):
            end += len(after.group(0))
            grown = True
            continue
        break
    return start, end


def _phrase_start(text: str, index: int) -> bool:
    head = text[:index].rstrip()
    return not head or head[-1] in '.!?\n:;«"“„(—–-•*'


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
