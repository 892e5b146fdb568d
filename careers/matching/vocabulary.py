"""The words of each field of education and work in the three languages, and the interest
types of the career explorer each field suits.

The matcher compares a profile with a vacancy's title and duties through these words: a
profile has no free text of its own (the names of institutions and employers are personal
data and never reach matching), so the fields a person studied and worked in are said in
the words a vacancy in that field uses. The keyword baseline of the benchmark searches with
the same words, so the comparison measures the model, not a better word list.
"""

from __future__ import annotations

FIELDS = (
    "law",
    "economics",
    "public_admin",
    "it",
    "engineering",
    "education",
    "health",
    "social",
    "natural",
    "agriculture",
    "other",
)

# (English, Russian, Kazakh) per term.
FIELD_TERMS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "law": (
        ("legal", "правовой", "құқықтық"),
        ("law", "закон", "заң"),
        ("regulations", "нормативные правовые акты", "нормативтік құқықтық актілер"),
        ("legislation", "законодательство", "заңнама"),
        ("contracts", "договоры", "шарттар"),
        ("court", "суд", "сот"),
    ),
    "economics": (
        ("budget planning", "бюджетное планирование", "бюджеттік жоспарлау"),
        ("finance", "финансы", "қаржы"),
        ("audit", "аудит", "аудит"),
        ("economic", "экономический", "экономикалық"),
        ("tax", "налоги", "салық"),
        ("procurement", "закупки", "сатып алу"),
    ),
    "public_admin": (
        ("public services", "государственные услуги", "мемлекеттік қызметтер"),
        ("strategic planning", "стратегическое планирование", "стратегиялық жоспарлау"),
        ("human resources", "управление персоналом", "персоналды басқару"),
        ("administration", "администрирование", "әкімшілік"),
        ("coordination", "координация", "үйлестіру"),
        ("international cooperation", "международное сотрудничество", "халықаралық ынтымақтастық"),
    ),
    "it": (
        ("digitalisation", "цифровизация", "цифрландыру"),
        ("information systems", "информационные системы", "ақпараттық жүйелер"),
        ("data management", "управление данными", "деректерді басқару"),
        ("information security", "информационная безопасность", "ақпараттық қауіпсіздік"),
        ("software", "программное обеспечение", "бағдарламалық қамтамасыз ету"),
        ("communications", "связь", "байланыс"),
    ),
    "engineering": (
        ("construction", "строительство", "құрылыс"),
        ("infrastructure", "инфраструктура", "инфрақұрылым"),
        ("engineering", "инженерный", "инженерлік"),
        ("roads", "дороги", "жолдар"),
        ("energy", "энергетика", "энергетика"),
    ),
    "education": (
        ("schools", "школы", "мектептер"),
        ("teaching", "преподавание", "оқыту"),
        ("education", "образование", "білім беру"),
        ("curriculum", "учебные программы", "оқу бағдарламалары"),
        ("students", "учащиеся", "білім алушылар"),
    ),
    "health": (
        ("healthcare", "здравоохранение", "денсаулық сақтау"),
        ("medical", "медицинский", "медициналық"),
        ("hospitals", "больницы", "ауруханалар"),
        ("sanitary", "санитарный", "санитарлық"),
        ("pharmaceuticals", "лекарственные средства", "дәрілік заттар"),
    ),
    "social": (
        ("social protection", "социальная защита", "әлеуметтік қорғау"),
        ("culture", "культура", "мәдениет"),
        ("youth", "молодёжь", "жастар"),
        ("media", "средства массовой информации", "бұқаралық ақпарат құралдары"),
        ("sociology", "социология", "әлеуметтану"),
    ),
    "natural": (
        ("ecology", "экология", "экология"),
        ("environment", "окружающая среда", "қоршаған орта"),
        ("geology", "геология", "геология"),
        ("water resources", "водные ресурсы", "су ресурстары"),
        ("climate", "климат", "климат"),
    ),
    "agriculture": (
        ("agriculture", "сельское хозяйство", "ауыл шаруашылығы"),
        ("farming", "фермерство", "фермерлік"),
        ("veterinary", "ветеринария", "ветеринария"),
        ("land relations", "земельные отношения", "жер қатынастары"),
        ("crops", "растениеводство", "өсімдік шаруашылығы"),
    ),
    "other": (("general affairs", "общие вопросы", "жалпы мәселелер"),),
}

# Duties every post has, whatever its field (they say nothing about fit).
GENERIC_TERMS: tuple[tuple[str, str, str], ...] = (
    ("state policy", "государственная политика", "мемлекеттік саясат"),
    ("citizens' requests", "обращения граждан", "азаматтардың өтініштері"),
    ("reports", "отчёты", "есептер"),
    ("meetings", "совещания", "кеңестер"),
    ("analysis", "анализ", "талдау"),
)

# The explorer's interest types (RIASEC) each field's work suits most, strongest first.
FIELD_INTERESTS: dict[str, str] = {
    "law": "EC",
    "economics": "CE",
    "public_admin": "ES",
    "it": "IC",
    "engineering": "RI",
    "education": "SA",
    "health": "SI",
    "social": "SA",
    "natural": "IR",
    "agriculture": "RI",
    "other": "CS",
}


def field_document(field: str) -> str:
    """A field said in all its words, in all three languages."""
    return " ".join(word for term in FIELD_TERMS.get(field, ()) for word in term)


def profile_document(fields) -> str:
    """A profile said in the words of the fields its education and work are in."""
    return " ".join(field_document(f) for f in sorted(set(fields)))
