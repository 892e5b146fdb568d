"""Civil-service job families and how an explorer profile is mapped to them.

The mapping, stated on every family page and the result page:

- each family has a three-letter interest code (the first letter weighs 3, the second 2,
  the third 1, the other three types 0) and the work values its posts reward (1 each, 0
  for the rest);
- a person's fit with a family is 0.8 × r(interests) + 0.2 × r(values), where r is the
  Pearson correlation between the person's six scores and the family's six weights (0 when
  either side is flat), shown on a 0–100 scale as (fit + 1) × 50;
- it is career guidance written for this portal, not a validated psychological test.

Pay ranges come from the portal's own published vacancies (``recruitment.public``),
matched to a family by the fields of education the vacancy accepts (or, for regional
administration, by the kind of state body), never from a fixed table.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from careers.explorer_items import INTEREST_TYPES, WORK_VALUES

INTEREST_WEIGHT = Decimal("0.8")
VALUE_WEIGHT = Decimal("0.2")
CODE_WEIGHTS = (3, 2, 1)
PAY_WINDOW_DAYS = 365

# The fields of education a vacancy may accept (recruitment's coarse list), as named here.
FIELD_LABELS: dict[str, Promise] = {
    "law": _("Law"),
    "economics": _("Economics and finance"),
    "public_admin": _("Public administration"),
    "it": _("Information technology"),
    "engineering": _("Engineering"),
    "education": _("Education"),
    "health": _("Healthcare"),
    "social": _("Social sciences and humanities"),
    "natural": _("Natural sciences"),
    "agriculture": _("Agriculture"),
}


@dataclass(frozen=True)
class JobFamily:
    slug: str
    name: Promise
    code: str  # three RIASEC letters, strongest first
    values: tuple[str, ...]
    summary: Promise
    positions: tuple[Promise, ...]
    grades: Promise
    requirements: Promise
    fields: tuple[str, ...]  # accepted fields of education that place a vacancy here
    body_kinds: tuple[str, ...] = ()  # kinds of state body that place a vacancy here

    @property
    def field_labels(self) -> list[Promise]:
        return [FIELD_LABELS[f] for f in self.fields]

    @property
    def code_names(self) -> list[Promise]:
        return [INTEREST_TYPES[letter] for letter in self.code]

    @property
    def value_names(self) -> list[Promise]:
        return [WORK_VALUES[v] for v in self.values]


FAMILIES: tuple[JobFamily, ...] = (
    JobFamily(
        slug="digital-services",
        name=_("Digital services and data"),
        code="ICR",
        values=("expertise", "variety", "autonomy"),
        summary=_(
            "Building and running the state's online services, registers and data: "
            "describing what citizens need, working with developers, keeping systems secure "
            "and turning data into decisions."
        ),
        positions=(
            _("Expert in digital transformation"),
            _("Chief expert in information security"),
            _("Data analyst of a ministry"),
            _("Head of the public services automation unit"),
        ),
        grades=_(
            "Mostly corps B: experts and chief experts (grades B-5, B-6) in ministries, "
            "C-O-5 and C-O-6 in regional offices; heads of units from B-4."
        ),
        requirements=_(
            "Higher education in information technology or engineering; for entry posts no "
            "work experience is required, for chief experts usually one to two years."
        ),
        fields=("it",),
    ),
    JobFamily(
        slug="finance-audit",
        name=_("Finance, budget and audit"),
        code="CIE",
        values=("stability", "expertise"),
        summary=_(
            "Planning and executing budgets, collecting taxes and customs duties, checking "
            "that public money is spent lawfully and effectively, and preparing financial "
            "reports."
        ),
        positions=(
            _("Expert in budget planning"),
            _("State auditor"),
            _("Chief expert of a state revenue office"),
            _("Head of the finance department of an akimat"),
        ),
        grades=_(
            "Corps B: experts and chief experts (B-5, B-6) in ministries and the audit "
            "chamber, C-O and C-R grades in regional and district offices."
        ),
        requirements=_(
            "Higher education in economics and finance; accounting or audit experience "
            "counts, including in the private sector."
        ),
        fields=("economics",),
    ),
    JobFamily(
        slug="law-enforcement-administration",
        name=_("Law enforcement administration and legal service"),
        code="CES",
        values=("stability", "influence", "helping"),
        summary=_(
            "The civilian side of justice and public order: drafting and checking legal "
            "acts, representing a state body in court, running registers, and organising the "
            "work of courts, prosecutors and the anti-corruption service."
        ),
        positions=(
            _("Legal expert of a ministry"),
            _("Chief expert of the legal department"),
            _("Court session secretary"),
            _("Expert in anti-corruption compliance"),
        ),
        grades=_(
            "Corps B: experts and chief experts (B-5, B-6), C-O and C-R grades in regional "
            "bodies; some bodies run their own special service with other ranks."
        ),
        requirements=_(
            "Higher education in law; for legal departments usually one to two years of "
            "legal practice, in any sector."
        ),
        fields=("law",),
    ),
    JobFamily(
        slug="social-policy",
        name=_("Social policy, health and education"),
        code="SIA",
        values=("helping", "variety"),
        summary=_(
            "Designing and delivering support for families, pensioners, people with "
            "disabilities and job seekers, and running the public side of schools and "
            "hospitals: benefits, standards, licensing and quality control."
        ),
        positions=(
            _("Expert of the employment and social programmes department"),
            _("Chief expert in education quality"),
            _("Expert in public health control"),
            _("Specialist of a public service centre"),
        ),
        grades=_(
            "Corps B: B-5 and B-6 in ministries, C-O, C-R and D grades in regional, city "
            "and district departments, where most of these posts are."
        ),
        requirements=_(
            "Higher education in social sciences, education or healthcare; experience in "
            "schools, hospitals or non-profit organisations counts."
        ),
        fields=("social", "education", "health"),
    ),
    JobFamily(
        slug="regional-administration",
        name=_("Regional and local administration"),
        code="ESC",
        values=("influence", "helping", "variety"),
        summary=_(
            "The work of akimats of regions, cities, districts and villages: local "
            "development plans, housing and utilities, land, transport, answering residents' "
            "appeals and coordinating all state bodies in the territory."
        ),
        positions=(
            _("Chief specialist of a district akimat"),
            _("Expert of the internal policy department"),
            _("Rural district akim's office specialist"),
            _("Head of a department of a city akimat"),
        ),
        grades=_(
            "Corps B in local executive bodies: C-O grades in regions, C-R and D grades in "
            "cities and districts, E grades in rural districts; akims' posts are political."
        ),
        requirements=_(
            "Higher education in public administration or in a field of the post; local "
            "knowledge and the state language are valued."
        ),
        fields=("public_admin",),
        body_kinds=("akimat",),
    ),
    JobFamily(
        slug="economy-infrastructure",
        name=_("Economy, agriculture and infrastructure"),
        code="RIE",
        values=("expertise", "variety"),
        summary=_(
            "Supporting industry, farming, energy, transport and construction: state "
            "programmes and subsidies, technical regulation, inspections on site and "
            "environmental protection."
        ),
        positions=(
            _("Expert in agricultural subsidies"),
            _("State inspector for construction quality"),
            _("Chief expert in energy efficiency"),
            _("Environmental control specialist"),
        ),
        grades=_(
            "Corps B: B-5 and B-6 in ministries and committees, C-O and C-R grades in "
            "territorial inspections and regional departments."
        ),
        requirements=_(
            "Higher education in engineering, agriculture or natural sciences; practical "
            "experience in the industry counts, private sector included."
        ),
        fields=("engineering", "agriculture", "natural"),
    ),
    JobFamily(
        slug="public-communication",
        name=_("International relations and public communication"),
        code="AES",
        values=("influence", "variety", "autonomy"),
        summary=_(
            "Explaining state policy to citizens and the world: press services, official "
            "websites and social networks, protocol, international cooperation and "
            "translation."
        ),
        positions=(
            _("Press secretary of a state body"),
            _("Expert of the international cooperation department"),
            _("Chief expert in public communication"),
            _("Translator of a ministry"),
        ),
        grades=_(
            "Corps B: B-5 and B-6 in ministries, C-O grades in regional akimats; "
            "diplomatic posts follow the diplomatic service's own ranks."
        ),
        requirements=_(
            "Higher education in social sciences and humanities (journalism, international "
            "relations, languages); fluent Kazakh and Russian, English is valued."
        ),
        fields=("social",),
    ),
)

FAMILIES_BY_SLUG: dict[str, JobFamily] = {f.slug: f for f in FAMILIES}


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pearson(xs: list[float], ys: list[float]) -> float:
    """The Pearson correlation of two equally long lists; 0.0 when either is flat."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    dx = [x - mx for x in xs]
    dy = [y - my for y in ys]
    sx = math.sqrt(sum(d * d for d in dx))
    sy = math.sqrt(sum(d * d for d in dy))
    if sx == 0 or sy == 0:
        return 0.0
    return sum(a * b for a, b in zip(dx, dy, strict=True)) / (sx * sy)


def interest_weights(family: JobFamily) -> list[float]:
    weights = dict(zip(family.code, CODE_WEIGHTS, strict=True))
    return [float(weights.get(letter, 0)) for letter in INTEREST_TYPES]


def value_weights(family: JobFamily) -> list[float]:
    return [1.0 if v in family.values else 0.0 for v in WORK_VALUES]


@dataclass(frozen=True)
class FamilyFit:
    family: JobFamily
    fit: int  # 0–100
    interest_r: float
    value_r: float


def family_fits(*, interests: dict[str, int], work_values: dict[str, int]) -> list[FamilyFit]:
    """Every family with the person's fit, best first (ties keep the families' order)."""
    person_i = [float(interests.get(letter, 0)) for letter in INTEREST_TYPES]
    person_v = [float(work_values.get(v, 0)) for v in WORK_VALUES]
    fits = []
    for family in FAMILIES:
        r_i = pearson(person_i, interest_weights(family))
        r_v = pearson(person_v, value_weights(family))
        combined = INTEREST_WEIGHT * Decimal(str(round(r_i, 6))) + VALUE_WEIGHT * Decimal(
            str(round(r_v, 6))
        )
        fits.append(
            FamilyFit(
                family=family,
                fit=_round((combined + 1) * 50),
                interest_r=round(r_i, 3),
                value_r=round(r_v, 3),
            )
        )
    order = {f.slug: i for i, f in enumerate(FAMILIES)}
    return sorted(fits, key=lambda f: (-f.fit, order[f.family.slug]))


# --- Pay and grades from the portal's published vacancies --------------------------------


@dataclass(frozen=True)
class FamilyPay:
    """What the published vacancies of a family pay; ``vacancies`` 0 means none published."""

    vacancies: int
    since: dt.date
    lowest: int | None = None
    highest: int | None = None
    median_low: int | None = None
    median_high: int | None = None
    grades: tuple[tuple[str, str, int], ...] = ()  # (category, grade, count)


def _belongs(family: JobFamily, post) -> bool:
    if family.body_kinds and post.body_kind in family.body_kinds:
        return True
    return any(f in family.fields for f in post.education_fields)


def family_pay(family: JobFamily, posts, *, since: dt.date) -> FamilyPay:
    mine = [p for p in posts if _belongs(family, p)]
    if not mine:
        return FamilyPay(vacancies=0, since=since)
    counts: dict[tuple[str, str], int] = {}
    for post in mine:
        counts[(post.category, post.grade)] = counts.get((post.category, post.grade), 0) + 1
    return FamilyPay(
        vacancies=len(mine),
        since=since,
        lowest=min(p.salary_min for p in mine),
        highest=max(p.salary_max for p in mine),
        median_low=int(statistics.median(p.salary_min for p in mine)),
        median_high=int(statistics.median(p.salary_max for p in mine)),
        grades=tuple((category, grade, n) for (category, grade), n in sorted(counts.items())),
    )


def published_pay(family: JobFamily) -> FamilyPay:
    """The family's pay from vacancies announced on the portal in the last year. One query."""
    from recruitment.public import published_posts

    since = timezone.now() - dt.timedelta(days=PAY_WINDOW_DAYS)
    return family_pay(family, published_posts(since=since), since=timezone.localdate(since))
