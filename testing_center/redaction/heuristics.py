"""Layer 2, heuristics: self-introductions and signatures, surnames and patronymics, first
names and cities from the lexicon, places and employers."""

from __future__ import annotations

import re

from testing_center.redaction import lexicon
from testing_center.redaction.words import (
    _AMBIGUOUS_KEYS,
    _CAP_WORD,
    _CAPS_WORD,
    _INITIALS,
    _INTRO_WORDS,
    _KAZAKH_NAME_END,
    _LOW,
    _NAME_TOKEN,
    _SURNAME,
    _TITLE,
    _UP,
    Span,
    _first_name_key,
    _is_first_name,
    _is_place,
    _looks_like_name,
    _not_identifying,
    _phrase_start,
    _public_figure,
    _trim_leading_stopwords,
    _words,
)

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


# Endings that ordinary words share ("Медицина", "Дисциплине"): not enough on their own.
_WEAK_SURNAME = re.compile(rf"[{_LOW}](?:ина|ин|ине|ину|иной|енко)$")
_WORD = re.compile(rf"{_CAP_WORD}")


_CAPS_RUN = re.compile(
    rf"(?<![{_UP}{_LOW}]){_CAPS_WORD}(?:\s+{_CAPS_WORD}){{1,2}}(?![{_UP}{_LOW}])"
)
_PATRONYMIC = re.compile(
    r"(?:ұлы|улы|қызы|кызы|ович|евич|овна|евна|uly|uli|ūly|kyzy|qyzy|kyzi|ovich|evich|ovna|evna)$"
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


_NOT_NAME_AFTER = frozenset(
    _words(
        "street avenue road university bank college school ministry institute company group "
        "hospital academy akimat region district village city"
    )
)


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
