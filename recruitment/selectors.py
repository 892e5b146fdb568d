"""Reads for recruitment. Staff-facing selectors return anonymous models only."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from recruitment.models import Application, Competition, StageResult


def applications_admitted_to_stage(*, stage_id: int) -> QuerySet[Application]:
    return Application.objects.filter(
        current_stage_id=stage_id, status=Application.Status.ADMITTED
    ).order_by("code")


def competitions_for_staff(*, user, role: Role = Role.HR_OFFICER) -> QuerySet[Competition]:
    """Competitions of the bodies where ``user`` holds ``role`` (and their sub-bodies)."""
    return Competition.objects.filter(
        state_body__in=state_bodies_in_scope(user=user, role=role)
    ).select_related("state_body")


def applications_for_review(*, competition: Competition) -> QuerySet[Application]:
    """The staff view of a competition's applications: codes, results, ranks. Three queries
    whatever the number of applications."""
    return (
        Application.objects.filter(competition=competition)
        .select_related("vacancy", "current_stage")
        .prefetch_related(Prefetch("results", queryset=StageResult.objects.select_related("stage")))
        .order_by("rank", "code")
    )
