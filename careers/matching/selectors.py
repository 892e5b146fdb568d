"""Matching's reads: the signed-in candidate's own matches with the open vacancies they name,
their preferences and the regions to choose from. Six queries, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from careers.matching.explain import line_text
from careers.matching.services import MATCHES_KEPT
from careers.models_matching import Match, MatchPreference
from recruitment import public as recruitment


@dataclass
class MatchRow:
    match: Match
    vacancy: recruitment.OpenVacancy
    title: str
    body: str
    lines: list[str]


@dataclass
class MatchesPage:
    has_profile: bool
    preference: MatchPreference | None
    rows: list[MatchRow] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)

    @property
    def needs_matching(self) -> bool:
        return self.has_profile and (self.preference is None or self.preference.matched_at is None)


def my_matches(*, user) -> MatchesPage:
    language = (get_language() or "kk")[:2]
    preference = MatchPreference.objects.filter(user=user).first()
    has_profile = recruitment.candidate_has_profile(user=user)
    matches = list(Match.objects.filter(user=user).order_by("-score", "vacancy_id")[:MATCHES_KEPT])
    vacancies = {
        v.vacancy_id: v
        for v in (
            recruitment.open_vacancies(vacancy_ids=[m.vacancy_id for m in matches])
            if matches
            else []
        )
    }
    rows = [
        MatchRow(
            match=m,
            vacancy=vacancies[m.vacancy_id],
            title=vacancies[m.vacancy_id].title(language),
            body=vacancies[m.vacancy_id].body_name(language),
            lines=[t for t in (line_text(x) for x in m.explanation) if t],
        )
        for m in matches
        if m.vacancy_id in vacancies
    ]
    return MatchesPage(
        has_profile=has_profile,
        preference=preference,
        rows=rows,
        regions=recruitment.open_vacancy_regions(),
    )
