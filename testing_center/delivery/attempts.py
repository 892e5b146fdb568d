"""Attempts: starting a test (real or practice), handing it in, and the clock."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody
from eqyzmet.queueing import enqueue
from testing_center.delivery.drawing import _create_paper
from testing_center.models import (
    Attempt,
    Blueprint,
    Sitting,
)
from testing_center.ports import competitions
from testing_center.scoring.papers import attempt_score


def _deadline(blueprint: Blueprint, now, window_closes=None, extra_seconds: int = 0):
    """When the paper's time is up. ``extra_seconds`` is a reasonable adjustment granted
    to this application; it lengthens the test but not the window: the stage is ended after
    its window closes, so no paper may run past it (a candidate with extra time is told to
    start early enough)."""
    deadline = now + timezone.timedelta(seconds=blueprint.time_limit_seconds + extra_seconds)
    # A test started late in the window still ends when the window does.
    if window_closes is not None and window_closes < deadline:
        deadline = window_closes
    return deadline


@transaction.atomic
def attempt_start(*, user, sitting: Sitting, language: str = "kk") -> Attempt:
    """Start (or return the running) attempt of the signed-in candidate at a sitting."""
    info = competitions.stage_info(sitting.stage_id)
    application_id = competitions.candidate_application_id(
        user=user, competition_id=info.competition_id
    )
    if application_id is None or not competitions.is_admitted(
        application_id=application_id, stage_id=info.stage_id
    ):
        raise ApplicationError(_("You are not admitted to this test."), code="not_admitted")
    # Lock the sitting row: two clicks on "start" make one attempt, not two.
    Sitting.objects.select_for_update().filter(pk=sitting.pk).first()
    previous = list(
        Attempt.objects.filter(sitting=sitting, application_id=application_id).order_by("number")
    )
    running = [a for a in previous if a.status == Attempt.Status.IN_PROGRESS]
    if running:
        return running[0]
    if not info.is_open:
        raise ApplicationError(
            _("The test can be started only while its window is open."), code="window_closed"
        )
    blueprint = sitting.blueprint
    if len(previous) >= blueprint.max_attempts:
        raise ApplicationError(
            _("You have used all the attempts this test allows."), code="no_attempts_left"
        )
    now = timezone.now()
    # Asked of the orchestrator when the paper starts; the deadline (which the server and
    # the fast autosave both check) carries it from then on.
    extra = competitions.extra_time(application_id).seconds_for(blueprint.time_limit_seconds)
    attempt = Attempt.objects.create(
        sitting=sitting,
        blueprint=blueprint,
        application_id=application_id,
        number=len(previous) + 1,
        seed=secrets.token_hex(8),
        language=language[:8],
        started_at=now,
        deadline=_deadline(blueprint, now, info.closes_at, extra),
        grace_seconds=blueprint.grace_seconds,
    )
    _create_paper(attempt)
    audit_record(
        action="attempt.started",
        target=attempt,
        state_body=StateBody(pk=info.state_body_id),
        details={
            "code": competitions.application_code(application_id),
            "stage": info.kind,
            "number": attempt.number,
        },
    )
    return attempt


@transaction.atomic
def practice_attempt_start(
    *, blueprint: Blueprint, token: str, language: str = "kk", tag: str = ""
) -> Attempt:
    """A practice attempt for anyone. It never touches competitions or the real bank.

    ``tag`` groups anonymous attempts (a school class code) for aggregates only.

    Not written to the audit ledger: anonymous practice is not an act of the competition,
    and a ledger entry per visitor would let anyone grow it at will.
    """
    if not blueprint.is_practice:
        raise ApplicationError(_("This is not a practice test."), code="not_practice")
    if not token:
        raise ApplicationError(_("Your session has expired; start again."), code="no_session")
    now = timezone.now()
    attempt = Attempt.objects.create(
        blueprint=blueprint,
        practice_token=token,
        practice_tag=tag[:32],
        seed=secrets.token_hex(8),
        language=language[:8],
        started_at=now,
        deadline=_deadline(blueprint, now),
        grace_seconds=blueprint.grace_seconds,
    )
    _create_paper(attempt)
    return attempt


ATTEMPT_TRANSITIONS = {
    Attempt.Status.IN_PROGRESS: {Attempt.Status.SUBMITTED},
    Attempt.Status.SUBMITTED: {Attempt.Status.SCORED},
    Attempt.Status.SCORED: set(),
}


@transaction.atomic
def attempt_submit(*, attempt: Attempt, by: str, now=None) -> bool:
    """Hand the paper in. Returns False if it was already handed in (idempotent)."""
    now = now or timezone.now()
    if by == Attempt.SubmittedBy.CANDIDATE and now >= attempt.deadline:
        by = Attempt.SubmittedBy.TIMER
    changed = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
        status=Attempt.Status.SUBMITTED, submitted_at=now, submitted_by=by
    )
    if not changed:
        return False
    attempt.status, attempt.submitted_at, attempt.submitted_by = (
        Attempt.Status.SUBMITTED,
        now,
        by,
    )
    if attempt.is_practice:
        # Practice is scored on the spot: the visitor is waiting for the explanations.
        attempt_score(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        return True
    info = competitions.stage_info(attempt.sitting.stage_id)
    audit_record(
        action="attempt.submitted",
        target=attempt,
        state_body=StateBody(pk=info.state_body_id),
        details={"by": by, "stage": info.kind},
    )

    enqueue("testing_center.score_attempt", attempt.pk)
    return True


def attempt_expire_if_due(*, attempt: Attempt, now=None) -> bool:
    """The check every request makes: a paper past its deadline and grace is handed in."""
    now = now or timezone.now()
    if attempt.status == Attempt.Status.IN_PROGRESS and now > attempt.closes_at:
        return attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.TIMER, now=now)
    return False


def attempts_expire_sweep(*, now=None, limit: int = 500) -> int:
    """Beat's half of the clock: hand in papers whose time ran out while nobody looked."""
    now = now or timezone.now()
    due = Attempt.objects.select_related("sitting").filter(
        status=Attempt.Status.IN_PROGRESS, deadline__lt=now
    )[:limit]
    return sum(attempt_expire_if_due(attempt=a, now=now) for a in due)
