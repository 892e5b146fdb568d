"""Who may be revealed, and for what: the one rule every reveal path calls.

Identities open only after the ranking is locked, and only as far down a vacancy's ranking
as the procedure needs. Picture the vacancy's ranked codes in rank order with the
disqualified ones struck out; the codes still standing form a ladder:

- the first standing code may be revealed as the **winner** (or, once a disqualification
  has happened above it, for the **document check** of the code that moved up);
- the next ``reserve_size`` standing codes may be revealed for the **reserve**;
- nobody further down.

Each disqualification strikes out one code and so opens exactly one more place at the
bottom of that window, in rank order: three disqualifications, three more codes, never a
run of reveals down the list. Interview reveals are the one exception: before the final
lock, the shortlisted codes that stand in the interview stage are shown to the commission
(DESIGN.md §3).

A contract post selection has no winner, reserve or appointment: after the lock the only
ground for a reveal is the responsible official's live recommendation of that code
(purpose **contract**, ``recruitment.contracts.selection``).
"""

from __future__ import annotations

from dataclasses import dataclass

from recruitment.models import Application, Competition, IdentityReveal, Stage
from recruitment.models_contracts import ContractRecommendation

S = Competition.Status
P = IdentityReveal.Purpose
RANKED = (S.RANKING_LOCKED, S.RESULTS_PUBLISHED, S.CLOSED)


@dataclass(frozen=True, slots=True)
class Ladder:
    """A vacancy's ranked codes: ``standing`` in rank order, and how many were struck out
    above each of them."""

    standing: tuple[int, ...]
    struck_above: dict[int, int]


def vacancy_ladder(*, competition: Competition, vacancy_id: int) -> Ladder:
    rows = (
        Application.objects.filter(competition=competition, vacancy_id=vacancy_id)
        .exclude(rank=None)
        .order_by("rank", "code")
        .values_list("pk", "status")
    )
    standing: list[int] = []
    struck_above: dict[int, int] = {}
    struck = 0
    for pk, status in rows:
        if status == Application.Status.DISQUALIFIED:
            struck += 1
            continue
        standing.append(pk)
        struck_above[pk] = struck
    return Ladder(standing=tuple(standing), struck_above=struck_above)


def reveal_permitted(*, application: Application, purpose: str) -> bool:
    """Whether ``application`` may be revealed for ``purpose`` now."""
    competition = application.competition
    if purpose == P.INTERVIEW:
        return (
            competition.status in (S.WRITTEN_LOCKED, S.INTERVIEW)
            and application.status == Application.Status.ADMITTED
            and application.current_stage is not None
            and application.current_stage.kind == Stage.Kind.INTERVIEW
        )
    if competition.status not in RANKED or application.rank is None:
        return False
    if competition.kind == Competition.Kind.CONTRACT or purpose == P.CONTRACT:
        return (
            purpose == P.CONTRACT
            and competition.kind == Competition.Kind.CONTRACT
            and application.status != Application.Status.DISQUALIFIED
            and ContractRecommendation.objects.filter(
                application=application, withdrawn_at=None
            ).exists()
        )
    ladder = vacancy_ladder(competition=competition, vacancy_id=application.vacancy_id)
    if application.pk not in ladder.struck_above:
        return False  # disqualified: already revealed, nothing more to see
    position = ladder.standing.index(application.pk)
    if purpose == P.WINNER:
        return position == 0
    if purpose == P.DOCUMENT_CHECK:
        return position == 0 and ladder.struck_above[application.pk] > 0
    if purpose == P.RESERVE:
        return 1 <= position <= competition.reserve_size
    return False
