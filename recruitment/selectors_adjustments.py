"""Reads about reasonable adjustments: the candidate's own request, and the requests the
readers of the reason (ethics commissioners, adjustments officers) may see."""

from __future__ import annotations

from dataclasses import dataclass

from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope, user_has_role
from recruitment.models import Application
from recruitment.models_adjustments import Adjustment, formats_text, time_text
from recruitment.services.adjustments import window_started


@dataclass(frozen=True)
class MyAdjustment:
    adjustment: Adjustment | None
    may_request: bool

    @property
    def asked_time(self) -> str:
        a = self.adjustment
        return time_text(a.extra_percent, a.extra_minutes) if a else ""

    @property
    def asked_formats(self) -> str:
        return formats_text(self.adjustment.formats) if self.adjustment else ""

    @property
    def granted_time(self) -> str:
        a = self.adjustment
        return time_text(a.approved_percent, a.approved_minutes) if a else ""

    @property
    def granted_formats(self) -> str:
        return formats_text(self.adjustment.approved_formats) if self.adjustment else ""


def adjustment_of(application_id: int) -> Adjustment | None:
    return Adjustment.objects.filter(application_id=application_id).first()


def my_adjustment(application: Application) -> MyAdjustment:
    """The request on the candidate's application page, and whether the form is offered
    (``adjustment_request`` still decides). Two queries."""
    adjustment = adjustment_of(application.pk)
    may_request = (
        application.status == Application.Status.ADMITTED
        and (adjustment is None or not adjustment.is_decided)
        and not window_started(application.competition)
    )
    return MyAdjustment(adjustment=adjustment, may_request=may_request)


# --- Readers of the reason: ethics commissioners and adjustments officers -----------------

READER_ROLES = (Role.ETHICS_COMMISSIONER, Role.ADJUSTMENTS_OFFICER)


def is_reason_reader(user) -> bool:
    return any(user_has_role(user=user, role=role) for role in READER_ROLES)


def reader_bodies(user) -> list[int]:
    """The state bodies whose adjustments ``user`` may read (as either reader role)."""
    ids: set[int] = set()
    for role in READER_ROLES:
        ids.update(state_bodies_in_scope(user=user, role=role).values_list("pk", flat=True))
    return sorted(ids)


def adjustments_for_reader(*, user, limit: int = 200) -> list[Adjustment]:
    """Requests in the reader's bodies, newest first, at most ``limit``. Three queries."""
    return list(
        Adjustment.objects.filter(application__competition__state_body_id__in=reader_bodies(user))
        .select_related("application__competition")
        .order_by("-requested_at", "pk")[:limit]
    )


def adjustment_for_reader(*, user, adjustment_id: int) -> Adjustment | None:
    return (
        Adjustment.objects.filter(
            pk=adjustment_id, application__competition__state_body_id__in=reader_bodies(user)
        )
        .select_related("application__competition__state_body")
        .first()
    )
