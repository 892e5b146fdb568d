"""A generated, labelled set of candidates × vacancies: what the matcher learns from and what
the benchmark (``benchmarks/matching.py``) measures it on.

No real candidate's data is used to train or to judge the matcher. The generator draws
profiles and vacancies shaped like the portal's (fields, levels, periods of work in four
sectors, languages, regions, an explorer result for some), and each pair is labelled by the
written rules below, which a hand-checked sample (``benchmarks/data/matching_hand_checked.json``)
tests against a person's judgement.

Labelling rules (the grade of a candidate × vacancy pair, 0–3):

1. A vacancy the candidate is not eligible for (the application's own check) is grade 0:
   it is never a post they can win.
2. Otherwise the pair earns a point for each of:
   a. an education in the post's own field (the field its title and duties are about,
      which the generator knows and the matcher must infer from the text);
   b. at least two years of work in the post's field, in any sector;
   c. a region preference that names the post's region;
   d. a kept explorer result whose two strongest interest types include the type the
      post's field suits most.
3. The grade is the points, at most 3; if the candidate named regions and the post is in
   none of them, the grade is at most 1 (they said they would not move there).
4. A pair is *suitable* when its grade is 2 or more.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from careers.matching.features import Candidate, merged_years
from careers.matching.vocabulary import FIELD_INTERESTS, FIELD_TERMS, GENERIC_TERMS
from recruitment.public import (
    CandidateFacts,
    OpenCompetition,
    OpenVacancy,
    vacancy_eligibility,
)

AS_OF = dt.date(2026, 6, 1)
REGIONS = (
    "Astana",
    "Almaty",
    "Shymkent",
    "Karaganda region",
    "Aktobe region",
    "East Kazakhstan region",
    "Turkistan region",
    "Mangystau region",
)
FIELD_WEIGHTS = {
    "law": 3,
    "economics": 3,
    "public_admin": 3,
    "it": 3,
    "engineering": 1.5,
    "education": 1,
    "health": 1,
    "social": 1,
    "natural": 1,
    "agriculture": 1,
}
SECTORS = (("public", 40), ("private", 35), ("quasi_public", 15), ("non_profit", 10))
SUITABLE = 2


@dataclass(frozen=True)
class Dataset:
    candidates: list[Candidate]
    vacancies: list[OpenVacancy]
    post_fields: dict[int, str]  # the field each vacancy is really about (the labels' truth)
    as_of: dt.date = AS_OF


def _field(rng: random.Random) -> str:
    fields, weights = zip(*FIELD_WEIGHTS.items(), strict=True)
    return rng.choices(fields, weights=weights)[0]


def _say(terms) -> dict[str, str]:
    return {lang: ", ".join(t[i] for t in terms) for i, lang in enumerate(("en", "ru", "kk"))}


def _vacancy(rng: random.Random, vacancy_id: int) -> tuple[OpenVacancy, str]:
    post_field = _field(rng)
    managerial = rng.random() < 0.15
    roll = rng.random()
    if roll < 0.1:
        education_fields: tuple[str, ...] = ()
    elif roll < 0.55:
        education_fields = (post_field,)
    else:
        education_fields = tuple(sorted({post_field, "law", "public_admin"}))
    languages = {}
    kk = rng.choices((0, 1, 2, 3), weights=(30, 20, 35, 15))[0]
    if kk:
        languages["kk"] = kk
    if rng.random() < 0.4:
        languages["ru"] = rng.choice((2, 3))
    if rng.random() < 0.1:
        languages["en"] = 2
    own = list(FIELD_TERMS[post_field])
    rng.shuffle(own)
    duties = own[: rng.randint(2, 3)] + rng.sample(GENERIC_TERMS, 1)
    if rng.random() < 0.3:
        other = rng.choice([f for f in FIELD_WEIGHTS if f != post_field])
        duties.append(rng.choice(FIELD_TERMS[other]))
    head = own[0]
    titles = {
        "en": f"{'Head' if managerial else 'Chief expert'}, {head[0]} division",
        "ru": f"{'Руководитель' if managerial else 'Главный эксперт'}: {head[1]}",
        "kk": f"{head[2]} {'басшысы' if managerial else 'бас сарапшысы'}",
    }
    kind = "internal_all" if rng.random() < 0.15 else "general"
    vacancy = OpenVacancy(
        vacancy_id=vacancy_id,
        titles=titles,
        duties=_say(duties),
        body_names={"en": "Ministry", "ru": "Министерство", "kk": "Министрлік"},
        region=rng.choice(REGIONS),
        is_managerial=managerial,
        min_education_level=rng.choice((3, 4)) if managerial else rng.choice((2, 3, 3, 3, 4)),
        education_fields=education_fields,
        min_experience_years=Decimal(
            rng.choice((3, 4, 5, 6)) if managerial else rng.choice((0, 0, 1, 2, 2, 3, 4, 5))
        ),
        experience_fields=(post_field,) if rng.random() < 0.3 else (),
        private_sector_counts=rng.random() < 0.85,
        required_languages=languages,
        competitions=(
            OpenCompetition(
                competition_id=vacancy_id,
                kind=kind,
                body_path="/1/",
                closes_at=None,
                published_at=None,
            ),
        ),
    )
    return vacancy, post_field


def _candidate(rng: random.Random, user_id: int, as_of: dt.date) -> Candidate:
    main = _field(rng)
    education = [
        {
            "level": rng.choice((2, 3, 3, 3, 4, 4, 5)),
            "field": main if rng.random() < 0.8 else _field(rng),
        }
    ]
    if rng.random() < 0.25:
        education.append({"level": rng.choice((3, 4)), "field": _field(rng)})
    experience = []
    end: dt.date | None = None  # the latest job may be the current one
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        months = rng.randint(6, 120)
        finish = end or as_of
        start = finish - dt.timedelta(days=int(months * 30.44))
        sectors, weights = zip(*SECTORS, strict=True)
        experience.append(
            {
                "sector": rng.choices(sectors, weights=weights)[0],
                "field": main if rng.random() < 0.6 else _field(rng),
                "from": start.isoformat(),
                "to": None if end is None and rng.random() < 0.6 else finish.isoformat(),
            }
        )
        end = start - dt.timedelta(days=rng.randint(0, 200))
    languages = {}
    kk = rng.choice((0, 1, 2, 3, 4, 4))
    if kk:
        languages["kk"] = kk
    languages["ru"] = rng.choice((2, 3, 4, 4))
    if rng.random() < 0.4:
        languages["en"] = rng.choice((1, 2, 3))
    civil_servant = any(x["sector"] == "public" and x["to"] is None for x in experience)
    regions = () if rng.random() < 0.45 else tuple(sorted(rng.sample(REGIONS, rng.randint(1, 2))))
    interests = None
    if rng.random() < 0.5:
        interests = {letter: float(rng.randint(10, 60)) for letter in "RIASEC"}
        for letter in FIELD_INTERESTS[main]:
            interests[letter] = min(100.0, interests[letter] + rng.randint(15, 40))
    facts = CandidateFacts(
        user_id=user_id,
        education=tuple(education),
        experience=tuple(experience),
        languages=languages,
        civil_servant=civil_servant,
        body_path="",
    )
    return Candidate(facts=facts, regions=regions, interests=interests)


def generate(*, candidates: int, vacancies: int, seed: int, as_of: dt.date = AS_OF) -> Dataset:
    rng = random.Random(seed)  # noqa: S311 - generated training data, not a secret
    posts = [_vacancy(rng, n) for n in range(1, vacancies + 1)]
    return Dataset(
        candidates=[_candidate(rng, n, as_of) for n in range(1, candidates + 1)],
        vacancies=[v for v, _ in posts],
        post_fields={v.vacancy_id: f for v, f in posts},
        as_of=as_of,
    )


def grade(candidate: Candidate, vacancy: OpenVacancy, *, post_field: str, as_of: dt.date) -> int:
    """The labelling rules of the module docstring."""
    facts = candidate.facts
    if not vacancy_eligibility(facts=facts, vacancy=vacancy, as_of=as_of).eligible:
        return 0
    points = 0
    if any(e["field"] == post_field for e in facts.education):
        points += 1
    if merged_years(facts.experience, as_of=as_of, keep=lambda x: x["field"] == post_field) >= 2:
        points += 1
    if candidate.regions and vacancy.region in candidate.regions:
        points += 1
    if candidate.interests:
        top_two = sorted(candidate.interests, key=lambda k: -candidate.interests[k])[:2]
        if FIELD_INTERESTS[post_field][0] in top_two:
            points += 1
    points = min(points, 3)
    if candidate.regions and vacancy.region not in candidate.regions:
        points = min(points, 1)
    return points
