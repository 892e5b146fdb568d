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
        [("ORG", "Әл-Фараби атындағы ҚазҰУ"), ("NAME", "Нұрлан Әбдірахманов")],
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
    (
        "en",
        "Before that I taught at School No. 5 in Kostanay.",
        [("ORG", "School No. 5"), ("PLACE", "Kostanay")],
    ),
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

# Issue 12, item 11: forms that used to pass unchanged, one or more per class of miss.
FINDING_CASES = [
    # Kazakh employers: «…» ЖШС, ЖШС «…», АҚ, «…» АҚ, мекемесі, университеті, мектеп-гимназия №
    (
        "kk",
        "Қазір «Болашақ Құрылыс» ЖШС-да бухгалтер болып жұмыс істеймін.",
        [("ORG", "«Болашақ Құрылыс» ЖШС")],
    ),
    (
        "kk",
        "Бұған дейін ЖШС «Алтын Дән» серіктестігінде бес жыл істедім.",
        [("ORG", "ЖШС «Алтын Дән»")],
    ),
    ("kk", "Үш жыл «Қазақтелеком» АҚ-да инженер болдым.", [("ORG", "«Қазақтелеком» АҚ")]),
    ("kk", "Менің жұмыс орным — АҚ «ҚазТрансОйл».", [("ORG", "АҚ «ҚазТрансОйл»")]),
    (
        "kk",
        "Қазір «Сарыарқа әлеуметтік қызмет орталығы» мемлекеттік мекемесінде істеймін.",
        [("ORG", "«Сарыарқа әлеуметтік қызмет орталығы» мемлекеттік мекемесінде")],
    ),
    (
        "kk",
        "Мен Қазақ ұлттық аграрлық университетін 2016 жылы бітірдім.",
        [("ORG", "Қазақ ұлттық аграрлық университетін")],
    ),
    (
        "kk",
        "Л.Н. Гумилев атындағы Еуразия ұлттық университетінде оқыдым.",
        [("ORG", "Л.Н. Гумилев атындағы Еуразия ұлттық университетінде")],
    ),
    (
        "kk",
        "Он жыл бойы №38 мектеп-гимназияда тарих пәнінен сабақ бердім.",
        [("ORG", "№38 мектеп-гимназияда")],
    ),
    (
        "kk",
        "Балаларым мектеп-гимназия № 7 оқушылары.",
        [("ORG", "мектеп-гимназия № 7")],
    ),
    # Kazakh addresses: «… көшесінде», даңғылы, ықшам аудан, үй, пәтер
    ("kk", "Мен Абай көшесінде тұрамын.", [("PLACE", "Абай көшесінде")]),
    (
        "kk",
        "Мекенжайым: Тұран даңғылы, 24-үй, 15-пәтер.",
        [("PLACE", "Тұран даңғылы, 24-үй, 15-пәтер")],
    ),
    (
        "kk",
        "Отбасымызбен Жетісу-3 ықшам ауданында тұрамыз.",
        [("PLACE", "Жетісу-3 ықшам ауданында")],
    ),
    (
        "kk",
        "Біз Көктем ықшамауданы, 5 үй, 12 пәтерде тұрамыз.",
        [("PLACE", "Көктем ықшамауданы, 5 үй, 12 пәтер")],
    ),
    (
        "kk",
        "Менің үйім Райымбек батыр көшесі 101-үйде.",
        [("PLACE", "Райымбек батыр көшесі 101-үй")],
    ),
    # Russian addresses
    (
        "ru",
        "Я живу по адресу: ул. Абая 150, кв. 12.",
        [("PLACE", "ул. Абая 150, кв. 12")],
    ),
    (
        "ru",
        "Наш офис на проспекте Абылай хана, д. 5.",
        [("PLACE", "проспекте Абылай хана, д. 5")],
    ),
    (
        "ru",
        "Живу в мкр. Самал-2, дом 33, квартира 7.",
        [("PLACE", "мкр. Самал-2, дом 33, квартира 7")],
    ),
    ("ru", "Мы переехали на улицу Сатпаева.", [("PLACE", "улицу Сатпаева")]),
    # English addresses: the city used to be the only thing replaced
    (
        "en",
        "I live on Dostyk Avenue 22, apt 5, in Almaty.",
        [("PLACE", "Dostyk Avenue 22, apt 5"), ("PLACE", "Almaty")],
    ),
    ("en", "Our house is at 14 Tole Bi Street.", [("PLACE", "14 Tole Bi Street")]),
    ("en", "Send the letter to Seifullin Road 8, flat 3.", [("PLACE", "Seifullin Road 8, flat 3")]),
    # IIN grouped 4-4-4, 6-6 with a hyphen, with dots
    ("ru", "Мой ИИН 9108 2030 0018, проверьте.", [("IIN", "9108 2030 0018")]),
    ("kk", "ЖСН: 910820-300018.", [("IIN", "910820-300018")]),
    ("en", "IIN 910820.300018 is mine.", [("IIN", "910820.300018")]),
    ("ru", "ИИН 9108.2030.0018.", [("IIN", "9108.2030.0018")]),
    # E-mails written to slip past a filter
    (
        "en",
        "Write to aigerim.s (at) gmail (dot) com.",
        [("EMAIL", "aigerim.s (at) gmail (dot) com")],
    ),
    ("ru", "Почта: erlan_b[at]mail.ru.", [("EMAIL", "erlan_b[at]mail.ru")]),
    ("en", "My e-mail is daniyar@gmail, write.", [("EMAIL", "daniyar@gmail")]),
    ("kk", "Поштам: asel.k\uff20mail.kz.", [("EMAIL", "asel.k\uff20mail.kz")]),
    ("ru", "Пишите: nurlan собака mail.ru.", [("EMAIL", "nurlan собака mail.ru")]),
    # Names in upper-case Latin and in Latin transliteration of Kazakh
    ("en", "ARMAN ZHAKSYBEKOV, chief specialist.", [("NAME", "ARMAN ZHAKSYBEKOV")]),
    ("kk", "Эссе авторы: AIZHAN NURLANQYZY.", [("NAME", "AIZHAN NURLANQYZY")]),
    (
        "en",
        "My mentor Gulnara Sarsenbayeva taught me a lot.",
        [("NAME", "Gulnara Sarsenbayeva")],
    ),
    (
        "kk",
        "Менің жетекшім Qairat Tölegenuly болды.",
        [("NAME", "Qairat Tölegenuly")],
    ),
    (
        "en",
        "I grew up in Qaraghandy and moved to Oskemen.",
        [("PLACE", "Qaraghandy"), ("PLACE", "Oskemen")],
    ),
    ("ru", "С уважением, Zhanar Abenova.", [("NAME", "Zhanar Abenova")]),
]

# Neighbouring forms of the same classes, found while fixing item 11.
MORE_CASES = [
    (
        "kk",
        "Мен Алматы облысы, Талғар ауданы, Бесағаш ауылында тұрамын.",
        [("PLACE", "Алматы"), ("PLACE", "Талғар"), ("PLACE", "Бесағаш")],
    ),
    ("kk", "Біз Бұқар жырау ауданында тұрдық.", [("PLACE", "Бұқар жырау")]),
    ("kk", "Менің атым Ақжол, тегім Сейтқали.", [("NAME", "Ақжол"), ("NAME", "Сейтқали")]),
    ("kk", "Менің әкем — Жұмабек Әбенұлы.", [("NAME", "Жұмабек Әбенұлы")]),
    (
        "kk",
        "Қазір Павлодар облысы әкімдігінің білім басқармасында маманмын.",
        [("ORG", "Павлодар облысы әкімдігінің білім басқармасында")],
    ),
    (
        "kk",
        "№ 45 жалпы білім беретін мектепте мұғалім болдым.",
        [("ORG", "№ 45 жалпы білім беретін мектепте")],
    ),
    ("kk", "Мен ҚТЖ-да жұмыс істедім.", [("ORG", "ҚТЖ")]),
    ("ru", "Мой ИИН 921013 301 234.", [("IIN", "921013 301 234")]),
    ("ru", "Мой инстаграм: aidana_s, пишите.", [("HANDLE", "aidana_s")]),
    (
        "ru",
        "Окончила Карагандинский государственный университет имени Е.А. Букетова.",
        [("ORG", "Карагандинский государственный университет имени Е.А. Букетова")],
    ),
    ("ru", "Меня зовут АЙГЕРИМ КАСЫМОВА.", [("NAME", "АЙГЕРИМ КАСЫМОВА")]),
    ("ru", "Я работала в КЕГОК три года.", [("ORG", "КЕГОК")]),
    (
        "en",
        "I studied at L.N. Gumilyov Eurasian National University.",
        [("ORG", "L.N. Gumilyov Eurasian National University")],
    ),
    ("en", "I lived on Abay avenue for 5 years.", [("PLACE", "Abay avenue")]),
    ("en", "Best regards, DANIYAR TOKHTAROV.", [("NAME", "DANIYAR TOKHTAROV")]),
    (
        "en",
        "My father, Serik Akhmetov, worked at KEGOC.",
        [("NAME", "Serik Akhmetov"), ("ORG", "KEGOC")],
    ),
    ("en", "I work at Astana Hub now.", [("ORG", "Astana Hub")]),
    ("kk", "Менің досым Бекарыс маған көмектесті.", [("NAME", "Бекарыс")]),
    (
        "ru",
        "Мой номер +998 90 123 45 67, рабочий: 25-11-22.",
        [("PHONE", "+998 90 123 45 67"), ("PHONE", "25-11-22")],
    ),
    ("ru", "ИИН: 9001013OO123.", [("IIN", "9001013OO123")]),
    # A candidate may share a classic's name: introducing oneself is still redacted.
    ("kk", "Менің атым Абай, мен заңгермін.", [("NAME", "Абай")]),
    ("en", "My friend Zhuldyz works in Aktobe.", [("NAME", "Zhuldyz"), ("PLACE", "Aktobe")]),
    (
        "ru",
        "Мой адрес: Караганда, ул. Ерубаева, 35-12.",
        [("PLACE", "Караганда"), ("PLACE", "ул. Ерубаева, 35-12")],
    ),
]

# Classes of misses the first held-out run revealed; sentences written anew for them (no
# held-out sentence is copied here).
AFTER_HELDOUT_CASES = [
    (
        "kk",
        "Мен Павлодар облысы, Ертіс ауданы, Қызылжар ауылында өстім.",
        [("PLACE", "Павлодар облысы, Ертіс ауданы, Қызылжар ауылында")],
    ),
    ("kk", "Сәлеметсіз бе, мен Асқармын.", [("NAME", "Асқармын")]),
    (
        "kk",
        "Әкем «Қазақстан темір жолы» ҰК АҚ-да машинист.",
        [("ORG", "«Қазақстан темір жолы» ҰК АҚ")],
    ),
    ("kk", "Мен Сәтбаев Университетінде оқыдым.", [("ORG", "Сәтбаев Университетінде")]),
    (
        "ru",
        "Пять лет работал в акимате Костанайской области.",
        [("ORG", "акимате Костанайской области")],
    ),
    ("en", "My last name is Ospan.", [("NAME", "Ospan")]),
    ("en", "Write to d . bekov @ gmail . com please.", [("EMAIL", "d . bekov @ gmail . com")]),
    ("en", "My thesis adviser was Dr. James Walker.", [("NAME", "James Walker")]),
    ("kk", "Менің досым Emily Parker Лондоннан келді.", [("NAME", "Emily Parker")]),
    (
        "en",
        "I come from a small village, Karatobe, in the west.",
        [("PLACE", "Karatobe")],
    ),
    ("en", "I taught at School-Gymnasium No. 8.", [("ORG", "School-Gymnasium No. 8")]),
    (
        "en",
        "My address: Aksai-4 microdistrict, bld. 3, apt. 40.",
        [("PLACE", "Aksai-4 microdistrict, bld. 3, apt. 40")],
    ),
]

# A city, district or village with its administrative noun («Сарысу ауданында», «город
# Алматы», «Almaty region»): the noun goes with the name. Left behind, «[PLACE] ауданында»
# still narrows the candidate down, and a span redacted only in part is a miss for the
# evaluation. Sentences written for this rule, none copied from the held-out set.
ADMIN_NOUN_CASES = [
    ("kk", "Мен Ақтөбе облысында туып-өстім.", [("PLACE", "Ақтөбе облысында")]),
    ("kk", "Әкем Сарысу ауданында мұғалім болған.", [("PLACE", "Сарысу ауданында")]),
    ("kk", "Біз Жаңатас ауылында тұрамыз.", [("PLACE", "Жаңатас ауылында")]),
    ("kk", "Мен Қостанай қаласынан келдім.", [("PLACE", "Қостанай қаласынан")]),
    ("kk", "Шымкент қаласындағы мектепті бітірдім.", [("PLACE", "Шымкент қаласындағы")]),
    ("kk", "Жақында Түркістан қаласына көштік.", [("PLACE", "Түркістан қаласына")]),
    ("kk", "Ұзынағаш кентінде жұмыс істедім.", [("PLACE", "Ұзынағаш кентінде")]),
    ("kk", "Мен Алматы қ. тұрамын.", [("PLACE", "Алматы қ.")]),
    ("ru", "Я родился в городе Таразе.", [("PLACE", "городе Таразе")]),
    ("ru", "Живу в г. Алматы с 2015 года.", [("PLACE", "г. Алматы")]),
    ("ru", "Работаю учителем в Алматинской области.", [("PLACE", "Алматинской области")]),
    ("ru", "Мы переехали в Сарысуский район.", [("PLACE", "Сарысуский район")]),
    ("ru", "Детство прошло в селе Жаңатас.", [("PLACE", "селе Жаңатас")]),
    ("ru", "Я вырос в посёлке Шубарколь.", [("PLACE", "посёлке Шубарколь")]),
    ("en", "I grew up in the Sarysu district.", [("PLACE", "Sarysu district")]),
    ("en", "I work in the Almaty region.", [("PLACE", "Almaty region")]),
    ("en", "I was born in the city of Almaty.", [("PLACE", "the city of Almaty")]),
    ("en", "My parents live in Zhanatas village.", [("PLACE", "Zhanatas village")]),
    ("en", "We moved to Aktobe oblast in 2010.", [("PLACE", "Aktobe oblast")]),
]

# Ordinary essay text that must stay as written: laws, articles, years, sums, percentages.
PLAIN_CASES = [
    ("ru", "Согласно статье 24 Конституции, каждый имеет право на свободу труда.", []),
    ("ru", "Закон Республики Казахстан «О государственной службе» от 23 ноября 2015 года.", []),
    ("ru", "Бюджет программы составил 150 000 000 000 тенге, то есть 12,5% расходов.", []),
    ("ru", "Президент подписал указ № 1025 в 2022 году.", []),
    ("ru", "Площадь помещения 50 кв. м, срок 3 года.", []),
    ("kk", "Конституцияның 33-бабына сәйкес азаматтар мемлекеттік қызметке тең қол жеткізеді.", []),
    ("kk", "Президент Жолдауында 2025 жылға дейін 15% өсу көзделген.", []),
    ("kk", "Біз үйде 5 жыл бойы осы мәселені талқыладық.", []),
    ("kk", "«Мемлекеттік қызмет туралы» Заңның 10-бабы маңызды.", []),
    ("en", "Article 33 of the Constitution of Kazakhstan guarantees equal access.", []),
    ("en", "The President signed Decree No. 1025 in 2022; 12.5% of the budget was spent.", []),
    ("en", "The Great Silk Road connected East and West.", []),
    ("en", "A flat 5% tax would be simpler to administer.", []),
    # Heads of state and classics are quoted, they identify no candidate.
    ("kk", "Мемлекет басшысы Қасым-Жомарт Тоқаев реформаларды жариялады.", []),
    ("kk", "Абай Құнанбайұлы қара сөздерінде еңбекті дәріптеді.", []),
    ("ru", "Каждый служащий должен помнить слова Абая о труде.", []),
    ("en", "President Kassym-Jomart Tokayev stressed the idea of a listening state.", []),
    ("ru", "Закон «О противодействии коррупции» принят 18 ноября 2015 года № 410-V.", []),
    ("ru", "Государственная служба в Республике Казахстан строится на законности.", []),
    ("ru", "Программа «Цифровой Казахстан» сократила сроки оказания услуг.", []),
    ("kk", "Мемлекеттік қызметшілер Әдеп кодексін сақтауы тиіс.", []),
    ("kk", "Бұл көше өте тар еді.", []),
    ("ru", "В 2023 году бюджет составил 18 трлн тенге, инфляция 9,8%.", []),
    ("en", "The years 2019 2020 2021 were hard.", []),
    ("en", "According to the World Bank, poverty fell to 5%.", []),
    ("ru", "По данным Всемирного банка, уровень бедности снизился.", []),
    ("kk", "Біріккен Ұлттар Ұйымы тұрақты даму мақсаттарын бекітті.", []),
    # Administrative nouns without a proper name are ordinary words.
    ("ru", "В городах Казахстана районные акиматы отвечают за школы.", []),
    ("ru", "Каждая область и каждый район составляют свой бюджет.", []),
    ("kk", "Облыс әкімдері аудан мен ауыл мектептеріне көмектеседі.", []),
    ("kk", "Қала тұрғындары мемлекеттік қызметтерді онлайн алады.", []),
    ("en", "Every district and region reports to the city council.", []),
]

CASES = CASES + FINDING_CASES + MORE_CASES + AFTER_HELDOUT_CASES + ADMIN_NOUN_CASES + PLAIN_CASES


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
