"""Integrity events the test page reports (focus lost, paste, time per item): recorded,
never judged here."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from testing_center.delivery.answers import MAX_POSITION
from testing_center.models import (
    Attempt,
    IntegrityEvent,
)

# A page sends a few events every 15 seconds; these caps only stop a script from filling
# the table. Past the per-attempt cap, events are counted by kind on the attempt, so the
# focus/paste detector still sees every one of them.
MAX_EVENTS_PER_POST = 100
MAX_EVENTS_PER_ATTEMPT = 500
MAX_EVENT_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class EventsRecorded:
    stored: int
    counted: int


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _integrity_event(event) -> tuple[str, int | None, int] | None:
    """(kind, position, ms) of one posted event; None for a kind this server does not know
    (a newer page); ApplicationError when the event is malformed."""
    bad = ApplicationError(_("The integrity events could not be read."), code="bad_events")
    if not isinstance(event, dict):
        raise bad
    kind = event.get("kind")
    if not isinstance(kind, str):
        raise bad
    position = event.get("position")
    if position is not None and not (
        isinstance(position, int)
        and not isinstance(position, bool)
        and 1 <= position <= MAX_POSITION
    ):
        raise bad
    ms = event.get("ms")
    if ms is None:
        ms = 0
    if not _is_number(ms):
        raise bad
    if kind not in IntegrityEvent.Kind.values:
        return None
    return kind, position, int(max(0, min(ms, MAX_EVENT_MS)))


def integrity_events_record(*, attempt: Attempt, events: list) -> EventsRecorded:
    """Store what the page reported. Recorded, never judged here.

    All or nothing: a malformed event or more than ``MAX_EVENTS_PER_POST`` refuses the
    post. At most ``MAX_EVENTS_PER_ATTEMPT`` rows per attempt; the rest are counted.
    """
    if not isinstance(events, list):
        raise ApplicationError(_("The integrity events could not be read."), code="bad_events")
    if len(events) > MAX_EVENTS_PER_POST:
        raise ApplicationError(
            _("Too many integrity events in one request: at most %(n)s.")
            % {"n": MAX_EVENTS_PER_POST},
            code="too_many_events",
        )
    parsed = [e for e in (_integrity_event(event) for event in events) if e is not None]
    if attempt.status != Attempt.Status.IN_PROGRESS or attempt.is_practice or not parsed:
        return EventsRecorded(stored=0, counted=0)
    now = timezone.now()
    with transaction.atomic():
        # The attempt's row is the lock: two posts at once cannot both fill the last room.
        locked = (
            Attempt.objects.select_for_update().only("pk", "events_over_cap").get(pk=attempt.pk)
        )
        room = max(
            0, MAX_EVENTS_PER_ATTEMPT - IntegrityEvent.objects.filter(attempt=attempt).count()
        )
        IntegrityEvent.objects.bulk_create(
            IntegrityEvent(
                attempt=attempt, kind=kind, position=position, value_ms=ms, created_at=now
            )
            for kind, position, ms in parsed[:room]
        )
        over = parsed[room:]
        if over:
            counts = dict(locked.events_over_cap or {})
            for kind, _position, _ms in over:
                counts[kind] = counts.get(kind, 0) + 1
            Attempt.objects.filter(pk=attempt.pk).update(events_over_cap=counts)
    return EventsRecorded(stored=len(parsed[:room]), counted=len(over))
