"""Word lists for :mod:`testing_center.redaction`: first names, cities, employers.

Names and cities are written once, in Cyrillic; the redaction module compares words through a
coarse Latin "skeleton" (қ/q/k/kh → k, ж/zh/j → j, ы/y/i → i …), so "Бақытжан",
"Bakhytzhan" and "Baqytjan" are one entry. Only data lives here.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
абай абылай адиль әділ азамат айбар айбек айдар айдос айдын ақжол алдияр алихан әлихан
алмас алпамыс аманжол амангелді арман арсен арслан арыстан асқар асхат асылбек ахмет
әлібек бағдат бағлан бақытжан бауыржан бейбіт бекзат бекжан бексұлтан бекнұр болат ғалым
ғабит дамир данияр дархан дәулет дәурен дидар досжан дулат ербол ерболат ерғали ерден
ержан еркебұлан еркін ерлан ермек ернар ертай есбол есен жандос жанат жасұлан жақсылық
жанболат жәнібек ілияс ильяс қайрат қанат қасым қуаныш мағжан мақсат марат мейрам
мейржан мирас мұрат мұхтар нұрбек нұрболат нұржан нұрлан нұрсұлтан нұртас олжас омар
ораз рамазан ринат руслан рүстем самат санжар сәкен серік серікбол талғат тимур темірлан
төлеген ұлықбек шыңғыс ерасыл елдос елнұр әлішер нұрасыл расул жомарт ғани хамит
қайыржан мұхаммед мұхамед ислам сабыр сапар серғазы төлеу қуандық бақдаулет бахтияр
ғазиз әсет әлімжан саят тұрар ақан бағжан ерқанат мақсұт мұратбек нұрғиса нұрислам
әбілқайыр берік бекболат дастан ерсұлтан жарас кенжебек қалдыбек мейірбек нұрдәулет
талғатбек тілек ұланбек
айгерім айжан айнұр айым айсұлу айдана айша айгүл ақбота ақерке ақмарал алия аружан
әсел әсем ардақ аяулым балжан ботагөз гүлжан гүлмира гүлнар гүлнара гүлнұр гүлсім
гүлназ дана дариға дария дилназ динара дина жадыра жазира жамиля жаннат жанар жанель
жансая зарина зәуре индира камила қарлығаш лаура ләззат лейла мадина мақпал малика
меруерт мөлдір назерке назым нұргүл перизат раушан салтанат сания сәуле сымбат толғанай
томирис ұлжан ұлпан фариза шолпан шынар эльмира баян бибігүл гаухар ғалия жібек күнсұлу
сабина самира тоғжан айзада әйгерім ақниет аида алтынай анель асылзат бағдагүл ботакөз
гүлдана гүлшат дильназ ерке жұпар зере кәмила қымбат мәдина нәзира нұрай сәбина тамилла
ұмит әлфия
анна мария иван сергей ольга елена дмитрий алексей наталья татьяна андрей александр
александра екатерина ирина светлана юлия виктор владимир николай михаил павел евгений
евгения игорь олег артём максим денис роман константин людмила галина оксана марина
валентина вадим виталий юрий антон кирилл никита илья егор анастасия дарья виктория
ксения полина алина кристина вероника лариса нина тамара лидия григорий станислав
вячеслав валерий геннадий борис пётр фёдор василий анатолий леонид ярослав тимофей
john mary
""")

# English given names that are not also ordinary words (no "Mark", "Grace", "Jordan").
FIRST_NAMES_LATIN = _words(
    """
    james robert michael william david richard joseph thomas charles christopher daniel matthew
    anthony steven paul andrew joshua kevin brian george edward ronald timothy jason jeffrey
    ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
    gregory alexander patrick dennis jerry tyler aaron henry peter douglas nathan zachary kyle
    walter harold jeremy ethan carl keith gerald sean arthur noah jesse albert dylan bruce
    gabriel alan logan ralph eugene vincent philip bradley oliver harry jack
    patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy margaret
    sandra ashley kimberly emily donna michelle amanda dorothy melissa deborah stephanie rebecca
    sharon cynthia kathleen amy angela shirley brenda pamela emma nicole helen samantha
    katherine christine rachel carolyn janet catherine heather diane julie olivia joyce
    virginia kelly lauren christina evelyn judith megan andrea cheryl hannah jacqueline
    martha gloria teresa abigail alice sophia denise danielle beverly isabella natalie
    charlotte
    """
)

# First names that are also ordinary words ("dream", "star", "steel" …): only a name when
# they are not the first word of a sentence or stand next to another name.
AMBIGUOUS_FIRST_NAMES = _words("""
арман болат жұпар қымбат тілек ұмит ерке дана алма самал баян жібек роза вера надежда
любовь айдын сабыр ислам абай есен нина омар роман дария жаннат лаура әсет мирас жомарт
қуаныш мейрам ардақ мақсат қанат серік ақжол сымбат салтанат сәуле раушан ләззат бейбіт
еркін берік жарас дархан ақниет рамазан дастан мұрат
""")

# Prefixes of city and region names; a capitalised word starting with one is a place.
CITY_ROOTS = _words("""
астан алмат шымкент қарағанд караганд ақтөбе актобе тараз павлодар өскемен оскемен
усть-каменогорск семей атырау қостанай костанай қызылорд кызылорд уральск петропавл
ақтау актау түркістан туркестан көкшетау кокшетау талдықорған талдыкорган жезқазған
жезказган екібастұз экибастуз теміртау темиртау нұр-сұлтан нур-султан жаңаөзен жанаозен
қонаев конаев қапшағай капчагай балқаш балхаш сәтбаев сатпаев рудный байқоңыр байконур
арқалық аркалык кентау степногорск щучинск лисаковск риддер жетісай жетысай сарыағаш
сарыагаш қаскелең каскелен талғар талгар аягөз аягоз зайсан құлсары кульсары маңғыстау
мангистау мангыстау жетісу жетысу ұлытау улытау шардара қазалы аральск ақсу аксу
шахтинск сарань
""")
# Short names that are also the start of ordinary words: these exact forms only.
CITY_FORMS = frozenset(_words("орал оралда оралға оралдан оралдың оралды"))
# Ordinary words that begin like a city ("Семейные ценности …").
CITY_LOOKALIKES = ("семейн", "семейств")
# Latin spellings that the skeleton of a Cyrillic root does not reach.
CITY_ROOTS_LATIN = _words("""
astana almaty alma-ata shymkent karaganda karagandy qaragandy aktobe aqtobe taraz pavlodar
oskemen ust-kamenogorsk semey semei atyrau kostanay kostanai qostanai kyzylorda qyzylorda
uralsk petropavl aktau aqtau turkistan turkestan kokshetau taldykorgan taldyqorgan
zhezkazgan zhezqazgan ekibastuz temirtau nur-sultan zhanaozen konaev qonaev kapchagay
balkhash satpayev baikonur baikonyr arkalyk kentau stepnogorsk ridder kaskelen talgar
mangystau mangistau zhetysu ulytau
""")

# Words that look like names or places but identify no one (one's country, the state).
NOT_IDENTIFYING = frozenset(
    _words("""
    казахстан казахстана казахстане казахстаном казахстану қазақстан қазақстанның
    қазақстанда қазақстанға қазақстанды қазақстаннан республика республики республикасы
    республикасының республикой kazakhstan kazakh russia россия россии ресей президент
    президента президенті президентінің president конституция конституциясы constitution
    министров депутатов граждан органов законов прав интересов кодекс кодексі code
    парламент парламенті parliament мәжіліс мажилис сенат senate uzbek uzbeks өзбек узбек
    узбеки өзбектер azerbaijan әзірбайжан азербайджан
    """)
)

NOT_IDENTIFYING_STEMS = (
    "казахстан",
    "қазақстан",
    "kazakhstan",
    "республик",
    "конституц",
    "президент",
    "парламент",
    "правительств",
    "үкімет",
    "елбасы",
)

# Determiners and pronouns that start a phrase but never a proper name.
STOPWORDS = frozenset(
    _words("""
    бұл осы сол біздің менің оның әр барлық ол мен сіздің олардың бір қай кей біз олар
    кейбір көптеген барша мұндай сондай қазір бұрын кейін сосын содан онда мұнда ал және
    сондай-ақ сейчас сегодня теперь раньше потом затем также now then today currently
    previously later also
    это эта этот эти тот та те наш наша наше наши мой моя моё мое мои ваш каждый любой
    такой такая один одна весь вся все их его её ее свой своя я мы он она они в на из
    the a an this that these those our my his her their its every each any some new old
    in at on of to from by with for and or i we he she they
    """)
)

# Large employers people name without a legal form.
KNOWN_EMPLOYERS = _words("""
КазНУ ЕНУ КБТУ КИМЭП ҚазҰУ ЕҰУ КарГУ ҚарМУ КазНМУ КазНПУ КазАТУ ЮКГУ ОҚМУ АУЭС СДУ МУИТ
AITU KBTU KIMEP ENU SDU NU KazNU KazGUU Narxoz Казахтелеком Қазақтелеком Kazakhtelecom Казпочта
Қазпошта Kazpost КТЖ ҚТЖ Самрук-Казына Самұрық-Қазына Samruk-Kazyna КазМунайГаз ҚазМұнайГаз
KazMunayGas Казатомпром Қазатомөнеркәсіп Kazatomprom Kaspi Каспи Halyk Халык Freedom Beeline
Kcell Tele2 Altel
""")

# People essays quote (heads of state, classics): naming them identifies no candidate.
PUBLIC_FIGURES = frozenset(
    _words("""
    тоқаев токаев tokayev tokaev қасым-жомарт касым-жомарт kassym-jomart qasym-jomart
    назарбаев nazarbayev нұрсұлтан нурсултан nursultan құнанбайұлы кунанбаев qunanbaiuly
    kunanbayev байтұрсынұлы байтурсынов baitursynuly әуезов ауэзов auezov уәлиханов
    валиханов ualikhanov жұмабаев жумабаев zhumabayev алтынсарин altynsarin
    әл-фараби аль-фараби al-farabi абай abai abay
    """)
)
# Their first names: dropped only together with one of the names above («Ахмет Байтұрсынұлы»).
PUBLIC_FIGURES_GIVEN = frozenset(
    _words("абылай ахмет шоқан мағжан мұхтар ыбырай елбасы мемлекет басшысы")
)

# Bodies essays quote as sources («по данным Всемирного банка»): nobody's employer is revealed
# by naming them. Regular expressions matched against a whole ORG span, lower-cased.
QUOTED_BODIES = (
    r"(?:the\s+)?world\s+bank",
    r"всемирн\w*\s+банк\w*",
    r"дүниежүзілік\s+банк\w*",
    r"(?:the\s+)?united\s+nations(?:\s+organi[sz]ation)?",
    r"біріккен\s+ұлттар\s+ұйым\w*",
    r"организаци\w*\s+объедин[её]нных\s+наций",
    r"(?:the\s+)?international\s+monetary\s+fund",
    r"международн\w*\s+валютн\w*\s+фонд\w*",
    r"халықаралық\s+валюта\s+қор\w*",
    r"transparency\s+international",
    r"(?:the\s+)?anti-corruption\s+agency",
    r"(?:the\s+)?(?:civil|public)\s+service\s+agency",
    r"агентств\w*(?:\s+республики\s+казахстан)?\s+по\s+(?:делам\s+государственной\s+службы"
    r"|противодействию\s+коррупции)",
    r"мемлекеттік\s+қызмет\s+істері\s+агенттіг\w*",
    r"сыбайлас\s+жемқорлыққа\s+қарсы\s+іс-қимыл\s+агенттіг\w*",
    r"oecd|оэср|эыдұ|бұұ|оон|imf|мвф|who|воз|unesco|юнеско|unicef|юнисеф",
)
