"""What the matcher knows about one candidate and one vacancy: the facts of the pair (which
also write its explanation) and the numbers the model reads.

Pure functions over the plain data ``recruitment.public`` hands over; the same code computes
the features of the generated training pairs, of the benchmark and of real candidates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from careers.matching.vocabulary import FIELD_INTERESTS, FIELD_TERMS
from recruitment.public import CandidateFacts, OpenVacancy, vacancy_eligibility

FEATURES = (
    "education_in_accepted_field",
    "education_in_post_field",
    "education_level_margin",
    "experience_margin_years",
    "experience_in_post_field_years",
    "public_sector_years",
    "language_margin",
    "region_preference",
    "text_similarity",
    "explorer_fit",
    "explorer_top_types",
    "explorer_main_type_top",
    "explorer_kept",
    "managerial",
)
YEARS_CAP = 10.0


@dataclass(frozen=True)
class Candidate:
    """A candidate as the matcher sees them: declared facts, the regions they chose (empty:
    any) and the interest scores of a kept explorer result (or None)."""

    facts: CandidateFacts
    regions: tuple[str, ...] = ()
    interests: dict[str, float] | None = None


@dataclass
class ExperienceGroup:
    sector: str
    field: str
    years: float


@dataclass
class Pair:
    """The facts of one candidate and one (open, eligible or not) vacancy."""

    eligible: bool
    counted_years: float
    required_years: float
    best_level: int
    required_level: int
    accepted_education: tuple[dict, ...]
    fields_restricted: bool
    post_field: str
    education_in_post_field: bool
    post_field_years: float
    public_years: float
    best_group: ExperienceGroup | None
    languages_met: tuple[str, ...]
    language_margin: float
    region: str
    region_state: str  # "chosen", "any", "other"
    text_similarity: float
    explorer_fit: float | None
    explorer_types: tuple[str, ...] = field(default_factory=tuple)

    @property
    def explorer_main_type_top(self) -> bool:
        """The kind of work the post's field suits most is one of the person's two strongest
        interests."""
        letters = FIELD_INTERESTS.get(self.post_field, "")
        return bool(letters) and letters[0] in self.explorer_types

    def vector(self, managerial: bool) -> list[float]:
        return [
            1.0 if self.accepted_education else 0.0,
            1.0 if self.education_in_post_field else 0.0,
            float(self.best_level - self.required_level),
            min(self.counted_years - self.required_years, YEARS_CAP),
            min(self.post_field_years, YEARS_CAP),
            min(self.public_years, YEARS_CAP),
            self.language_margin,
            {"chosen": 1.0, "any": 0.5, "other": 0.0}[self.region_state],
            self.text_similarity,
            0.5 if self.explorer_fit is None else self.explorer_fit,
            float(len(self.explorer_types)),
            1.0 if self.explorer_main_type_top else 0.0,
            0.0 if self.explorer_fit is None else 1.0,
            1.0 if managerial else 0.0,
        ]


def _periods(experience, *, as_of: dt.date, keep) -> list[tuple[dt.date, dt.date]]:
    periods = []
    for item in experience:
        if not keep(item):
            continue
        start = dt.date.fromisoformat(item["from"])
        end = min(dt.date.fromisoformat(item["to"]) if item.get("to") else as_of, as_of)
        if end > start:
            periods.append((start, end))
    return sorted(periods)


def merged_years(experience, *, as_of: dt.date, keep=lambda item: True) -> float:
    """Years of the periods ``keep`` selects, two jobs at once counted once."""
    total, start, end = 0, None, None
    for a, b in _periods(experience, as_of=as_of, keep=keep):
        if end is None or a > end:
            if end is not None:
                total += (end - start).days
            start, end = a, b
        else:
            end = max(end, b)
    if end is not None:
        total += (end - start).days
    return total / 365.25


def _counts(vacancy: OpenVacancy, item: dict) -> bool:
    """Whether the vacancy's rules count this job (sector and field), as eligibility does."""
    if item["sector"] == "private" and not vacancy.private_sector_counts:
        return False
    return not vacancy.experience_fields or item["field"] in vacancy.experience_fields


def best_group(facts: CandidateFacts, vacancy: OpenVacancy, as_of: dt.date):
    """The sector and field of work that counts most toward the post's requirement."""
    groups = {(x["sector"], x["field"]) for x in facts.experience if _counts(vacancy, x)}
    best = None
    for sector, field_ in sorted(groups):
        years = merged_years(
            facts.experience,
            as_of=as_of,
            keep=lambda x, s=sector, f=field_: x["sector"] == s and x["field"] == f,
        )
        if years > 0 and (best is None or years > best.years):
            best = ExperienceGroup(sector=sector, field=field_, years=years)
    return best


def explorer_fit(interests: dict[str, float] | None, post_field: str):
    """The candidate's interest in the kinds of work the post's field suits (0–1), and the
    types behind it; None without a kept explorer result."""
    if not interests:
        return None, ()
    letters = FIELD_INTERESTS.get(post_field, "")
    if not letters:
        return 0.5, ()
    scores = [float(interests.get(letter, 0)) / 100 for letter in letters]
    top_two = sorted(interests, key=lambda k: -float(interests[k]))[:2]
    return sum(scores) / len(scores), tuple(letter for letter in letters if letter in top_two)


def pair_facts(
    candidate: Candidate,
    vacancy: OpenVacancy,
    *,
    post_field: str,
    text_similarity: float,
    as_of: dt.date,
) -> Pair:
    facts = candidate.facts
    outcome = vacancy_eligibility(facts=facts, vacancy=vacancy, as_of=as_of)
    best_level = max((e["level"] for e in facts.education), default=0)
    accepted = tuple(
        e
        for e in facts.education
        if e["level"] >= vacancy.min_education_level
        and (not vacancy.education_fields or e["field"] in vacancy.education_fields)
    )
    languages_met = tuple(
        sorted(
            lang
            for lang, level in vacancy.required_languages.items()
            if facts.languages.get(lang, 0) >= level
        )
    )
    margins = [
        facts.languages.get(lang, 0) - level for lang, level in vacancy.required_languages.items()
    ]
    if not vacancy.region or not candidate.regions:
        region_state = "any"
    else:
        region_state = "chosen" if vacancy.region in candidate.regions else "other"
    fit, types = explorer_fit(candidate.interests, post_field)
    return Pair(
        eligible=outcome.eligible,
        counted_years=float(outcome.counted_years),
        required_years=float(vacancy.min_experience_years),
        best_level=best_level,
        required_level=vacancy.min_education_level,
        accepted_education=accepted,
        fields_restricted=bool(vacancy.education_fields),
        post_field=post_field,
        education_in_post_field=any(e["field"] == post_field for e in facts.education),
        post_field_years=merged_years(
            facts.experience, as_of=as_of, keep=lambda x: x["field"] == post_field
        ),
        public_years=merged_years(
            facts.experience, as_of=as_of, keep=lambda x: x["sector"] == "public"
        ),
        best_group=best_group(facts, vacancy, as_of),
        languages_met=languages_met,
        language_margin=sum(margins) / len(margins) if margins else 0.0,
        region=vacancy.region,
        region_state=region_state,
        text_similarity=text_similarity,
        explorer_fit=fit,
        explorer_types=types,
    )


def accepted_fields(vacancy: OpenVacancy) -> tuple[str, ...]:
    """The fields a vacancy names (education or experience), or every field."""
    named = tuple(dict.fromkeys([*vacancy.education_fields, *vacancy.experience_fields]))
    return named or tuple(FIELD_TERMS)
