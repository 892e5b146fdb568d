"""The ranking and the places it gives: the shortlist cut between stages, the final
ranking's order and tie-breaks, and winner, reserve and not selected down each vacancy's
ladder, with the reserve entries that are still live."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from eqyzmet.bulk import bulk_update_rows
from recruitment.models import Application, Competition, ReserveEntry, StageResult
from recruitment.services.stage_machine import _ordered_stages


def shortlist(scored: list[tuple[int, Decimal]], size: int | None) -> set[int]:
    """The best ``size`` by score; ties at the cut-off widen the group; a sole candidate is
    admitted. ``scored`` is (application id, score)."""
    if size is None or len(scored) <= size:
        return {pk for pk, _score in scored}
    ordered = sorted(scored, key=lambda item: item[1], reverse=True)
    cutoff = ordered[size - 1][1]
    return {pk for pk, score in ordered if score >= cutoff}


def _ranking_key(application: Application, scores: dict[int, dict[str, Decimal]], stages):
    """Final score descending; ties broken by the latest stage's score, then earlier stages
    in reverse order; last by the random anonymous code (a fair lottery nobody can steer)."""
    own = scores.get(application.pk, {})
    later_first = [-(own.get(s.kind) or Decimal(0)) for s in reversed(stages)]
    return (-(application.final_score or Decimal(0)), *later_first, application.code)


# Codes that hold a place in the final ranking: those still in the running at the lock, and
# after publication the winner, the reserve, the rest of the ranked, the appointed and the
# disqualified (who keep their rank for the record).
PLACED = (
    Application.Status.ADMITTED,
    Application.Status.WINNER,
    Application.Status.RESERVE,
    Application.Status.APPOINTED,
    Application.Status.DISQUALIFIED,
)


def _rank(competition: Competition) -> None:
    stages = _ordered_stages(competition)
    # Only what ranking reads and writes: loading whole applications (two JSON fields
    # each) was a third of the time for 10,000 codes.
    candidates = list(
        competition.applications.filter(
            Q(status__in=PLACED) | Q(status=Application.Status.NOT_SELECTED, rank__isnull=False)
        ).only("pk", "competition", "vacancy", "code", "final_score", "rank")
    )
    before = {a.pk: (a.final_score, a.rank) for a in candidates}
    rows = StageResult.objects.filter(application__competition=competition).values_list(
        "application_id", "stage__kind", "score"
    )
    scores: dict[int, dict[str, Decimal]] = {}
    for pk, kind, score in rows:
        scores.setdefault(pk, {})[kind] = score
    weights = {s.kind: s.weight for s in stages}
    by_vacancy: dict[int, list[Application]] = {}
    for application in candidates:
        total = sum(
            (weights[kind] * score for kind, score in scores.get(application.pk, {}).items()),
            Decimal(0),
        )
        application.final_score = total.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        by_vacancy.setdefault(application.vacancy_id, []).append(application)
    for group in by_vacancy.values():
        group.sort(key=lambda a: _ranking_key(a, scores, stages))
        for position, application in enumerate(group, start=1):
            application.rank = position
    # Only the codes whose score or place moved are written (a re-rank after one
    # correction rewrites a few rows, not all of them).
    moved = [a for a in candidates if (a.final_score, a.rank) != before[a.pk]]
    bulk_update_rows(moved, ["final_score", "rank"])


def _places_assign(competition: Competition) -> dict[int, tuple[str, str]]:
    """Winner, reserve and not selected down each vacancy's ladder of codes still standing;
    an appointed code keeps its post. Returns {application id: (old status, new status)} for
    the codes whose status changed."""
    if competition.kind == Competition.Kind.CONTRACT:
        # A contract post selection has no winner, reserve or appointment: its ranked codes
        # are the shortlist the responsible official recommends from (contracts.selection).
        return {}
    valid_until = timezone.localdate() + relativedelta(months=competition.reserve_validity_months)
    ranked = (
        competition.applications.exclude(rank=None)
        .exclude(status=Application.Status.DISQUALIFIED)
        .order_by("vacancy_id", "rank", "code")
    )
    by_vacancy: dict[int, list[Application]] = {}
    for application in ranked:
        by_vacancy.setdefault(application.vacancy_id, []).append(application)
    changed: dict[int, tuple[str, str]] = {}
    moved: list[Application] = []
    for ladder in by_vacancy.values():
        # Someone already appointed holds the post whatever a later correction says.
        ladder.sort(key=lambda a: a.status != Application.Status.APPOINTED)
        for position, application in enumerate(ladder):
            old = application.status
            if position == 0:
                new = old if old == Application.Status.APPOINTED else Application.Status.WINNER
            elif position <= competition.reserve_size:
                new = Application.Status.RESERVE
            else:
                new = Application.Status.NOT_SELECTED
            if new == Application.Status.RESERVE:
                ReserveEntry.objects.get_or_create(
                    application=application, defaults={"valid_until": valid_until}
                )
            elif old == Application.Status.RESERVE:
                ReserveEntry.objects.filter(application=application).delete()
            if new != old:
                application.status = new
                moved.append(application)
                changed[application.pk] = (old, new)
    bulk_update_rows(moved, ["status"])
    return changed


def _winners(competition: Competition) -> dict[int, int]:
    """The code at the top of each vacancy's ladder: {vacancy id: application id}."""
    top: dict[int, int] = {}
    rows = (
        competition.applications.exclude(rank=None)
        .exclude(status=Application.Status.DISQUALIFIED)
        .order_by("vacancy_id", "rank", "code")
        .values_list("vacancy_id", "pk", "status")
    )
    for vacancy_id, pk, status in rows:
        if status == Application.Status.APPOINTED or vacancy_id not in top:
            top[vacancy_id] = pk
    return top


def reserve_active() -> Q:
    return Q(valid_until__gte=timezone.localdate(), withdrawn_at=None)
