"""Sentences with the identifiers a reviewer must not see, for tests and the evaluation.

Each case: (language, text, [(kind, exact substring), ...]); a substring occurring twice
is looked up from the end of the previous one. Cases without expected spans check that
ordinary essay text is left alone.
"""

CASES = [
    # --- Russian ---------------------------------------------------------------------
    (
        "ru",
        "Меня зовут Айгерим Нурланқызы, мой ИИН 900101300123.",
        [("NAME", "Айгерим Нурланқызы"), ("IIN", "900101300123")],
    ),
    (
        "ru",
        "Звоните мне по номеру +7 (701) 234-56-78 в любое время.",
        [("PHONE", "+7 (701) 234-56-78")],
    ),
    ("ru", "Моя почта ivanov.sergey@mail.ru, пишите.", [("EMAIL", "ivanov.sergey@mail.ru")]),
    ("ru", "Я работаю в Министерстве финансов уже пять лет.", [("ORG", "Министерстве финансов")]),
    ("ru", "С уважением, Сергей Петрович Иванов.", [("NAME", "Сергей Петрович Иванов")]),
    ("ru", "Я живу в Караганде и работаю в акимате области.", [("PLACE", "Караганде")]),
    (
        "ru",
        "Мой телефон 8 777 123 45 67, а рабочий 8 (7172) 55-12-34.",
        [("PHONE", "8 777 123 45 67"), ("PHONE", "8 (7172) 55-12-34")],
    ),
    (
        "ru",
        "Подробнее в моём профиле https://www.linkedin.com/in/bekov-d.",
        [("URL", "https://www.linkedin.com/in/bekov-d")],
    ),
    ("ru", "Мой инстаграм @aigerim_kz, там всё видно.", [("HANDLE", "@aigerim_kz")]),
    ("ru", "Я окончил КазНУ имени аль-Фараби в 2015 году.", [("ORG", "КазНУ")]),
    (
        "ru",
        "В прошлом году я переехал из Шымкента в Астану.",
        [("PLACE", "Шымкента"), ("PLACE", "Астану")],
    ),
    (
        "ru",
        "Мой руководитель Марат Сейткалиев поддержал эту инициативу.",
        [("NAME", "Марат Сейткалиев")],
    ),
    ("ru", "Я директор ТОО «Самрук Сервис» с 2018 года.", [("ORG", "ТОО «Самрук Сервис»")]),
    (
        "ru",
        "ИИН: 850315 400789, телефон +77051234567.",
        [("IIN", "850315 400789"), ("PHONE", "+77051234567")],
    ),
    ("ru", "Государственная служба Республики Казахстан основана на принципе законности.", []),
    ("ru", "Конституция является основным законом государства.", []),
    ("ru", "Коррупция подрывает доверие граждан к государственным органам.", []),
    ("ru", "Я считаю, что открытые конкурсы повышают качество государственного управления.", []),
    ("ru", "Елена Ковальчук, главный специалист отдела кадров.", [("NAME", "Елена Ковальчук")]),
    ("ru", "Мой адрес почты: d.nurlanov@gov.kz.", [("EMAIL", "d.nurlanov@gov.kz")]),
    (
        "ru",
        "Я учился в школе № 25 города Павлодара.",
        [("ORG", "школе № 25"), ("PLACE", "Павлодара")],
    ),
    (
        "ru",
        "Работал в компании Казахтелеком в Алматы.",
        [("ORG", "Казахтелеком"), ("PLACE", "Алматы")],
    ),
    # --- Kazakh ----------------------------------------------------------------------
    (
        "kk",
        "Менің атым Ерлан Серікұлы, мен Алматы қаласында тұрамын.",
        [("NAME", "Ерлан Серікұлы"), ("PLACE", "Алматы")],
    ),
    ("kk", "Менің ЖСН-ім 920505350123.", [("IIN", "920505350123")]),
    ("kk", "Маған +7 747 555 66 77 нөмірі арқылы хабарласыңыз.", [("PHONE", "+7 747 555 66 77")]),
    ("kk", "Электрондық поштам: aruzhan.k@gmail.com.", [("EMAIL", "aruzhan.k@gmail.com")]),
    ("kk", "Мен Қарағанды облысында туып-өстім.", [("PLACE", "Қарағанды")]),
    ("kk", "Менің есімім Динара Қайратқызы.", [("NAME", "Динара Қайратқызы")]),
    (
        "kk",
        "Мен Әл-Фараби атындағы ҚазҰУ-да оқыдым, Нұрлан Әбдірахманов жетекшім болды.",
        [("NAME", "Нұрлан Әбдірахманов")],
    ),
    (
        "kk",
        "Менің парақшам: www.facebook.com/erlan.serik.",
        [("URL", "www.facebook.com/erlan.serik")],
    ),
    ("kk", "Telegram арнам @serikuly_e, жазыңыз.", [("HANDLE", "@serikuly_e")]),
    (
        "kk",
        "Мен Шымкент қаласындағы №12 мектепте оқыдым.",
        [("PLACE", "Шымкент"), ("ORG", "№12 мектепте")],
    ),
    ("kk", "Телефон: 8-701-555-12-34.", [("PHONE", "8-701-555-12-34")]),
    (
        "kk",
        "Менің әкем Бауыржан Төлеубаев Атырауда жұмыс істейді.",
        [("NAME", "Бауыржан Төлеубаев"), ("PLACE", "Атырауда")],
    ),
    ("kk", "Мемлекеттік қызмет адалдық пен ашықтыққа негізделуі тиіс.", []),
    ("kk", "Қазақстан Республикасының Конституциясы ең жоғары заңдық күші бар құжат.", []),
    ("kk", "Сыбайлас жемқорлыққа қарсы күрес әр азаматтың міндеті.", []),
    ("kk", "Мен бұл лауазымға өз тәжірибемді пайдалану үшін өтініш беремін.", []),
    ("kk", "Жетекшім Гүлнара Сәрсенбаева маған көп көмектесті.", [("NAME", "Гүлнара Сәрсенбаева")]),
    ("kk", "Ақтөбе қаласында бес жыл тұрдым.", [("PLACE", "Ақтөбе")]),
    (
        "kk",
        "ЖСН 010203 501234, тел. +7(777)1234567.",
        [("IIN", "010203 501234"), ("PHONE", "+7(777)1234567")],
    ),
    (
        "kk",
        "Менің атым Азамат, Павлодардан келдім.",
        [("NAME", "Азамат"), ("PLACE", "Павлодардан")],
    ),
    # --- English ---------------------------------------------------------------------
    (
        "en",
        "My name is Daniyar Bekov and I live in Astana.",
        [("NAME", "Daniyar Bekov"), ("PLACE", "Astana")],
    ),
    (
        "en",
        "You can reach me at +7 701 234 5678 or daniyar.bekov@example.com.",
        [("PHONE", "+7 701 234 5678"), ("EMAIL", "daniyar.bekov@example.com")],
    ),
    ("en", "My IIN is 880808300456.", [("IIN", "880808300456")]),
    ("en", "I graduated from Nazarbayev University in 2019.", [("ORG", "Nazarbayev University")]),
    ("en", "Follow me on Twitter @aidos_t for updates.", [("HANDLE", "@aidos_t")]),
    (
        "en",
        "My portfolio is at https://github.com/aigerim-dev.",
        [("URL", "https://github.com/aigerim-dev")],
    ),
    (
        "en",
        "I worked at Kaspi Bank in Almaty for three years.",
        [("ORG", "Kaspi Bank"), ("PLACE", "Almaty")],
    ),
    (
        "en",
        "I am Saule Akhmetova, a specialist with ten years of experience.",
        [("NAME", "Saule Akhmetova")],
    ),
    ("en", "Call 8 (727) 250-11-22 during office hours.", [("PHONE", "8 (727) 250-11-22")]),
    (
        "en",
        "My supervisor, Yerlan Serikuly, recommended me for this post.",
        [("NAME", "Yerlan Serikuly")],
    ),
    ("en", "Before that I taught at School No. 5 in Kostanay.", [("PLACE", "Kostanay")]),
    ("en", "Public service must be transparent and accountable to citizens.", []),
    ("en", "The Constitution of the Republic of Kazakhstan guarantees equal access.", []),
    ("en", "Corruption undermines trust in the state and must be prevented.", []),
    ("en", "I believe open competitions make the civil service stronger.", []),
    (
        "en",
        "Contact: asel.n@gov.kz, mobile 87051112233.",
        [("EMAIL", "asel.n@gov.kz"), ("PHONE", "87051112233")],
    ),
    (
        "en",
        "I was born in Shymkent and studied at the Ministry of Finance academy.",
        [("PLACE", "Shymkent"), ("ORG", "Ministry of Finance")],
    ),
    (
        "en",
        "My colleague Timur Zhaksylykov and I led the project.",
        [("NAME", "Timur Zhaksylykov")],
    ),
    ("en", "More about me: www.aigerim.kz/about.", [("URL", "www.aigerim.kz/about")]),
    (
        "en",
        "I'm Madina, and I have worked in Pavlodar region.",
        [("NAME", "Madina"), ("PLACE", "Pavlodar")],
    ),
]


def expected_spans(text: str, expected: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """(kind, start, end) for each expected substring, searching left to right."""
    spans, cursor = [], 0
    for kind, fragment in expected:
        start = text.find(fragment, cursor)
        if start < 0:
            start = text.index(fragment)
        spans.append((kind, start, start + len(fragment)))
        cursor = start + len(fragment)
    return spans
