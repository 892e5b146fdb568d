"""The public statistics page's reads: selection rates by group across the locked
competitions of a state body and a year. "Selected" is reaching the final ranking; the
people counted are those who sat at least one stage. Small cells are suppressed as in
the commissioner's report (``recruitment.fairness``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import ExtractYear

from eqyzmet.models import StateBody
from recruitment.selectors_fairness import (
    CharacteristicTable,
    characteristic_tables,
    equality_answers_by_competition,
    locked_competitions,
    selection_outcomes,
)


@dataclass(frozen=True)
class PublicStatistics:
    bodies: list[StateBody]
    years: list[int]
    body: StateBody | None
    year: int | None
    competitions: int
    entrants: int
    tables: list[CharacteristicTable]


def _number(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def public_statistics(*, body_id=None, year=None) -> PublicStatistics:
    """Five queries: the bodies and years on offer, the competitions, their outcomes and
    their equality answers. An unknown body or year is ignored (all are shown)."""
    locked = locked_competitions()
    bodies = list(StateBody.objects.filter(competitions__in=locked).distinct().order_by("path"))
    years = sorted(
        set(locked.annotate(y=ExtractYear("applications_close_at")).values_list("y", flat=True)),
        reverse=True,
    )
    body = next((b for b in bodies if b.pk == _number(body_id)), None)
    chosen_year = _number(year) if _number(year) in years else None
    if body is not None:
        locked = locked.filter(state_body=body)
    if chosen_year is not None:
        locked = locked.filter(applications_close_at__year=chosen_year)
    ids = list(locked.values_list("pk", flat=True))
    outcomes_by_competition = selection_outcomes(ids)
    answers_by_competition = equality_answers_by_competition(ids)
    outcomes: list[tuple[int, bool]] = []
    answers: dict[int, dict[str, str]] = {}
    for competition_id in ids:
        outcomes.extend(outcomes_by_competition.get(competition_id, []))
        answers.update(answers_by_competition.get(competition_id, {}))
    return PublicStatistics(
        bodies=bodies,
        years=years,
        body=body,
        year=chosen_year,
        competitions=len(ids),
        entrants=len(outcomes),
        tables=characteristic_tables(outcomes, answers),
    )
