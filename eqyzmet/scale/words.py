"""The words the scale data set is made of: names, posts, duties, places, subjects.

Enough variety that searches, sorts and filters meet realistic data; personal names are
combined at random, so a full name may repeat (as real ones do) while IINs never do.
"""

from __future__ import annotations

FIRST_NAMES_M = [
    "Арман", "Ерлан", "Нұржан", "Бауыржан", "Қанат", "Тимур", "Дәурен", "Серік", "Асхат",
    "Ержан", "Мұрат", "Данияр", "Әлібек", "Жандос", "Нұрлан", "Ринат", "Санжар", "Талғат",
]  # fmt: skip
FIRST_NAMES_F = [
    "Айдана", "Дана", "Әлия", "Гүлнар", "Мадина", "Салтанат", "Айгерім", "Жансая", "Назерке",
    "Сәуле", "Динара", "Ақмарал", "Камила", "Томирис", "Жұлдыз", "Аружан", "Меруерт", "Ләззат",
]  # fmt: skip
SURNAMES = [
    "Бекова", "Жақсыбеков", "Нұрланов", "Омаров", "Сейітов", "Ахметов", "Тәжібаев", "Исаев",
    "Оспанов", "Сәрсенов", "Әлімжанов", "Байжанов", "Қасымов", "Мұхамедиев", "Ибраев",
    "Төлеубаев", "Жұмабаев", "Смағұлов", "Есенов", "Құдайбергенов", "Абдрахманов", "Серікбаев",
]  # fmt: skip
FATHER_NAMES = [
    "Серік", "Болат", "Марат", "Асқар", "Қайрат", "Нұрбол", "Ербол", "Нұрлан", "Қанат",
    "Бақыт", "Ержан", "Мұхтар", "Ғалым", "Сәкен",
]  # fmt: skip

REGIONS = [
    "Astana", "Almaty", "Shymkent", "Aktobe", "Karaganda", "Pavlodar", "Atyrau", "Kostanay",
    "Oskemen", "Taraz", "Kyzylorda", "Semey", "Aktau", "Turkistan", "Petropavl", "Oral",
]  # fmt: skip

MINISTRIES = [
    # kk, ru, en
    ("Әділет министрлігі", "Министерство юстиции", "Ministry of Justice"),
    ("Қаржы министрлігі", "Министерство финансов", "Ministry of Finance"),
    ("Денсаулық сақтау министрлігі", "Министерство здравоохранения", "Ministry of Health"),
    ("Білім министрлігі", "Министерство просвещения", "Ministry of Education"),
    ("Еңбек министрлігі", "Министерство труда", "Ministry of Labour"),
    ("Энергетика министрлігі", "Министерство энергетики", "Ministry of Energy"),
    ("Көлік министрлігі", "Министерство транспорта", "Ministry of Transport"),
    ("Экология министрлігі", "Министерство экологии", "Ministry of Ecology"),
    ("Ауыл шаруашылығы министрлігі", "Министерство сельского хозяйства", "Ministry of Agriculture"),
    ("Цифрлық даму министрлігі", "Министерство цифрового развития",
     "Ministry of Digital Development"),
]  # fmt: skip
DEPARTMENTS = [
    ("Құқықтық департамент", "Юридический департамент", "Legal Department"),
    ("Қаржы департаменті", "Департамент финансов", "Finance Department"),
    ("Цифрландыру департаменті", "Департамент цифровизации", "Digitalisation Department"),
    ("Кадр қызметі", "Служба управления персоналом", "Human Resources Service"),
    ("Стратегиялық жоспарлау департаменті", "Департамент стратегического планирования",
     "Strategic Planning Department"),
    ("Мемлекеттік қызметтер департаменті", "Департамент государственных услуг",
     "Public Services Department"),
]  # fmt: skip

POSTS = [
    # kk (with the possessive the title needs), ru, en, managerial
    ("бас сарапшысы", "Главный эксперт", "Chief expert", False),
    ("жетекші маманы", "Ведущий специалист", "Leading specialist", False),
    ("сарапшысы", "Эксперт", "Expert", False),
    ("басшысы", "Руководитель", "Head", True),
    ("бас маманы", "Главный специалист", "Principal specialist", False),
]  # fmt: skip
DIVISIONS = [
    # kk, ru, en, field of education
    ("цифрландыру басқармасының", "управления цифровизации", "Digitalisation Division", "it"),
    ("құқықтық қамтамасыз ету басқармасының", "управления правового обеспечения",
     "Legal Division", "law"),
    ("бюджеттік жоспарлау бөлімінің", "отдела бюджетного планирования",
     "Budget Planning Unit", "economics"),
    ("ақпараттық қауіпсіздік басқармасының", "управления информационной безопасности",
     "Information Security Division", "it"),
    ("мемлекеттік қызметтер департаментінің", "департамента государственных услуг",
     "Public Services Department", "public_admin"),
    ("халықаралық ынтымақтастық бөлімінің", "отдела международного сотрудничества",
     "International Cooperation Unit", "law"),
    ("деректерді басқару басқармасының", "управления данными", "Data Management Division", "it"),
    ("ішкі аудит қызметінің", "службы внутреннего аудита", "Internal Audit Service", "economics"),
    ("денсаулық сақтау саясаты бөлімінің", "отдела политики здравоохранения",
     "Health Policy Unit", "health"),
    ("білім беру сапасы басқармасының", "управления качества образования",
     "Education Quality Division", "education"),
    ("энергетикалық қауіпсіздік бөлімінің", "отдела энергетической безопасности",
     "Energy Security Unit", "engineering"),
    ("жер ресурстары басқармасының", "управления земельных ресурсов",
     "Land Resources Division", "agriculture"),
    ("әлеуметтік саясат департаментінің", "департамента социальной политики",
     "Social Policy Department", "social"),
    ("экологиялық бақылау бөлімінің", "отдела экологического контроля",
     "Environmental Control Unit", "natural"),
]  # fmt: skip
DUTIES = [
    # kk, ru, en
    ("Мемлекеттік саясатты әзірлеуге және іске асыруға қатысу.",
     "Участие в разработке и реализации государственной политики.",
     "Taking part in developing and implementing state policy."),
    ("Нормативтік құқықтық актілердің жобаларын дайындау.",
     "Подготовка проектов нормативных правовых актов.",
     "Drafting regulations and legal acts."),
    ("Азаматтардың өтініштерін қарау.", "Рассмотрение обращений граждан.",
     "Handling citizens' requests."),
    ("Бюджеттік бағдарламалардың орындалуын талдау.",
     "Анализ исполнения бюджетных программ.",
     "Analysing how budget programmes are carried out."),
    ("Ақпараттық жүйелерді енгізуді үйлестіру.",
     "Координация внедрения информационных систем.",
     "Coordinating the introduction of information systems."),
    ("Мемлекеттік органдармен өзара іс-қимыл.",
     "Взаимодействие с государственными органами.",
     "Working with other state bodies."),
    ("Мемлекеттік қызметтердің сапасын бақылау.",
     "Контроль качества государственных услуг.",
     "Monitoring the quality of public services."),
    ("Халықаралық келісімдерді сараптау.", "Экспертиза международных соглашений.",
     "Reviewing international agreements."),
]  # fmt: skip

UNIVERSITIES = [
    "ҚазҰУ", "Л.Н. Гумилев атындағы ЕҰУ", "ҚазҰТЗУ", "Нархоз", "КИМЭП", "Назарбаев Университеті",
    "Қарағанды университеті", "М. Әуезов атындағы ОҚУ",
]  # fmt: skip
EMPLOYERS = [
    "Әкімдік", "ЖШС «Дала Трейд»", "АҚ «Қазпошта»", "ЖШС «Альфа Консалтинг»", "Министрлік",
    "ҰК «Қазақстан темір жолы»", "ЖШС «Цифрлық шешімдер»", "Облыстық басқарма",
]  # fmt: skip

COMPETENCIES = [
    ("professionalism", "Кәсібилік", "Профессионализм", "Professionalism"),
    ("citizen_focus", "Азаматқа бағдарлану", "Ориентация на граждан", "Citizen focus"),
    ("initiative", "Бастамашылық", "Инициативность", "Initiative"),
    ("integrity", "Адалдық", "Добропорядочность", "Integrity"),
]
KPIS = [
    # name, unit, direction, target, (low, high) of the actual
    ("Public services delivered on time", "%", "higher", 95, (75, 100)),
    ("Average processing time", "days", "lower", 5, (3, 9)),
    ("Procedures moved online", "pcs", "higher", 4, (1, 6)),
    ("Citizens' requests answered", "%", "higher", 98, (85, 100)),
]
EMPLOYEE_POSTS = [
    "Chief expert", "Leading specialist", "Expert", "Principal specialist", "Head of unit",
]  # fmt: skip

CASE_SUBJECTS = {
    # category: subjects (staff-visible: no names, as the form asks reporters)
    "ethics_breach": [
        "Rude treatment of a visitor at the front office",
        "Official used a service car for private trips",
        "Staff member publicly insulted colleagues online",
    ],
    "corruption_risk": [
        "Request for an informal payment to speed up a licence",
        "Tender specification written for one supplier",
        "Gifts accepted from a company under inspection",
    ],
    "conflict_of_interest": [
        "Relative hired in the same unit without a competition",
        "Inspector audits a company owned by a family member",
    ],
    "harassment": [
        "Repeated humiliating remarks by a head of unit",
        "Pressure to work unpaid overtime every weekend",
    ],
    "protection_request": [
        "Threats after refusing an unlawful instruction",
        "Demotion after reporting a breach",
    ],
    "competition_irregularity": [
        "Interview questions shared with one candidate in advance",
        "Commission member did not declare a conflict of interest",
    ],
}
CASE_DESCRIPTION = (
    "What happened, when and where, as the reporter described it. The names of the people "
    "involved are kept out of this field, as the form asks."
)
INTEGRITY_SIGNALS = [
    "response_time_anomaly",
    "rapid_guessing",
    "answer_copying",
    "focus_or_paste",
    "self_identification",
]
