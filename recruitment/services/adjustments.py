"""Reasonable adjustments: the candidate's request and the adjustments officer's decision.

The rules, as a table (``adjustment_request`` and ``adjustment_decide`` enforce them):

====================  ==========================================================
state                 what may happen
====================  ==========================================================
(none)                the owner of an admitted application requests, while no
                      test window of the competition has opened
requested             the owner changes the request (same rules); an officer
                      approves (grants what was asked), partly approves (grants
                      less, with a note) or refuses (with a note)
approved / partly /   an officer changes the decision only with a reason for the
refused               change; the candidate cannot change the request
any                   nothing changes once a test window of the competition has
                      opened: the attempt clock is fixed when a paper starts
====================  ==========================================================

Audit events carry the code and the amounts, never the reason, the note or the file.
They target the adjustment, so they never appear in a competition's ledger (which reads
only events about competitions, applications, stages, seats and appeals).
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from eqyzmet.uploads import upload_check
from recruitment.models import Application, Competition, Stage
from recruitment.models_adjustments import (
    MAX_EXTRA_MINUTES,
    Adjustment,
    AdjustmentFormat,
    ExtraTime,
)
from recruitment.services.applications import _owned

MIN_REASON_CHARS = 10
MIN_REVISION_CHARS = 10
# Statuses of a competition before any stage has begun.
BEFORE_STAGES = (
    Competition.Status.DRAFT,
    Competition.Status.PUBLISHED,
    Competition.Status.APPLICATIONS_CLOSED,
)


def window_started(competition: Competition, *, now=None) -> bool:
    """Whether any stage of the competition has begun (or the competition moved past the
    point where adjustments can still change a clock). One query."""
    now = now or timezone.now()
    if competition.status not in BEFORE_STAGES:
        return True
    return Stage.objects.filter(
        competition_id=competition.pk, opens_at__isnull=False, opens_at__lte=now
    ).exists()


def _refuse_if_started(competition: Competition) -> None:
    if window_started(competition):
        raise ApplicationError(
            _(
                "Adjustments cannot be requested or changed once the competition's test "
                "window has opened."
            ),
            code="window_started",
        )


def _extra_time(extra_time: str, extra_minutes: int | None) -> tuple[int, int]:
    """(percent, minutes) from the candidate's choice."""
    if extra_time not in ExtraTime.values:
        raise ApplicationError(_("Choose how much extra time you need."), code="extra_time")
    if extra_time == ExtraTime.MINUTES:
        if not extra_minutes or not 1 <= int(extra_minutes) <= MAX_EXTRA_MINUTES:
            raise ApplicationError(
                _("Give the extra minutes as a number from 1 to %(max)s.")
                % {"max": MAX_EXTRA_MINUTES},
                code="extra_minutes",
            )
        return 0, int(extra_minutes)
    if extra_time == ExtraTime.NONE:
        return 0, 0
    return int(extra_time), 0


def _formats(formats, other_format: str) -> list[str]:
    chosen = list(dict.fromkeys(formats or []))
    if any(f not in AdjustmentFormat.values for f in chosen):
        raise ApplicationError(_("Choose formats from the list."), code="format")
    if AdjustmentFormat.OTHER in chosen and not other_format.strip():
        raise ApplicationError(
            _("Describe the other format you need."), code="other_format_missing"
        )
    return [f for f in AdjustmentFormat.values if f in chosen]


def _store_document(adjustment: Adjustment, upload) -> None:
    checked = upload_check(upload)
    # The stored name says nothing about the person or the original file name.
    upload.name = f"{secrets.token_hex(12)}{checked.extension}"
    adjustment.document = upload
    adjustment.document_content_type = checked.content_type
    adjustment.document_sha256 = checked.sha256


@transaction.atomic
def adjustment_request(
    *,
    user,
    application: Application,
    extra_time: str,
    extra_minutes: int | None = None,
    formats=(),
    other_format: str = "",
    reason: str,
    document=None,
) -> Adjustment:
    """The candidate asks for (or, before a decision, changes) reasonable adjustments."""
    _owned(user=user, application=application)
    application = (
        Application.objects.select_for_update()
        .select_related("competition__state_body")
        .get(pk=application.pk)
    )
    if application.status != Application.Status.ADMITTED:
        raise ApplicationError(
            _("Adjustments can be requested only for an application that is admitted."),
            code="not_admitted",
        )
    _refuse_if_started(application.competition)
    existing = Adjustment.objects.filter(application=application).first()
    if existing is not None and existing.is_decided:
        raise ApplicationError(
            _("Your request has been decided already; it cannot be changed."),
            code="already_decided",
        )
    percent, minutes = _extra_time(extra_time, extra_minutes)
    other_format = (other_format or "").strip()
    chosen = _formats(formats, other_format)
    if not (percent or minutes or chosen):
        raise ApplicationError(
            _("Ask for extra time, another format, or both."), code="nothing_asked"
        )
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ApplicationError(
            _("Explain what you need and why in at least %(count)s characters.")
            % {"count": MIN_REASON_CHARS},
            code="reason_short",
        )
    adjustment = existing or Adjustment(application=application)
    adjustment.extra_percent, adjustment.extra_minutes = percent, minutes
    adjustment.formats = chosen
    adjustment.other_format = other_format if AdjustmentFormat.OTHER in chosen else ""
    adjustment.reason = reason
    adjustment.requested_at = timezone.now()
    if document is not None:
        _store_document(adjustment, document)
    adjustment.save()
    audit_record(
        action="adjustment.changed" if existing else "adjustment.requested",
        target=adjustment,
        state_body=application.competition.state_body,
        details={
            "code": application.code,
            "extra_percent": percent,
            "extra_minutes": minutes,
            "formats": chosen,
            "document": bool(adjustment.document),
        },
    )
    return adjustment


def may_decide(*, user, adjustment: Adjustment) -> bool:
    """An adjustments officer of the competition's body (or a body above it)."""
    if not user.is_authenticated or not user.has_perm("recruitment.decide_adjustment"):
        return False
    if user.is_superuser:
        return True
    return (
        state_bodies_in_scope(user=user, role=Role.ADJUSTMENTS_OFFICER)
        .filter(pk=adjustment.application.competition.state_body_id)
        .exists()
    )


@transaction.atomic
def adjustment_decide(
    *,
    adjustment: Adjustment,
    actor,
    status: str,
    approved_percent: int = 0,
    approved_minutes: int = 0,
    approved_formats=(),
    note: str = "",
    revision_reason: str = "",
) -> Adjustment:
    """The adjustments officer's decision, by code. ``approved`` grants what was asked;
    ``partly_approved`` grants the given part of it; ``refused`` grants nothing. A decided
    request is changed only with ``revision_reason``."""
    adjustment = (
        Adjustment.objects.select_for_update()
        .select_related("application__competition__state_body")
        .get(pk=adjustment.pk)
    )
    if not may_decide(user=actor, adjustment=adjustment):
        raise ApplicationError(
            _("Only an adjustments officer of this competition's body may decide."),
            code="not_officer",
        )
    _refuse_if_started(adjustment.application.competition)
    S = Adjustment.Status
    if status not in (S.APPROVED, S.PARTLY_APPROVED, S.REFUSED):
        raise ApplicationError(_("Choose approve, partly approve or refuse."), code="status")
    note = (note or "").strip()
    revision_reason = (revision_reason or "").strip()
    revised = adjustment.is_decided
    if revised and len(revision_reason) < MIN_REVISION_CHARS:
        raise ApplicationError(
            _(
                "This request is decided already; give the reason for changing the decision "
                "in at least %(count)s characters."
            )
            % {"count": MIN_REVISION_CHARS},
            code="revision_reason",
        )
    if status == S.APPROVED:
        percent, minutes = adjustment.extra_percent, adjustment.extra_minutes
        granted = list(adjustment.formats)
    elif status == S.REFUSED:
        percent, minutes, granted = 0, 0, []
    else:
        percent, minutes = int(approved_percent or 0), int(approved_minutes or 0)
        granted = [f for f in AdjustmentFormat.values if f in set(approved_formats or [])]
        if (
            percent > adjustment.extra_percent
            or minutes > adjustment.extra_minutes
            or not set(granted) <= set(adjustment.formats)
        ):
            raise ApplicationError(
                _("A partial approval grants part of what was asked, never more."),
                code="more_than_asked",
            )
        asked = (adjustment.extra_percent, adjustment.extra_minutes, sorted(adjustment.formats))
        if not (percent or minutes or granted) or (percent, minutes, sorted(granted)) == asked:
            raise ApplicationError(
                _(
                    "A partial approval grants some but not all of what was asked: "
                    "approve or refuse otherwise."
                ),
                code="not_partial",
            )
    if status != S.APPROVED and not note:
        raise ApplicationError(
            _("Tell the candidate why (the note is required unless you approve in full)."),
            code="note_required",
        )
    previous = adjustment.status
    adjustment.status = status
    adjustment.approved_percent, adjustment.approved_minutes = percent, minutes
    adjustment.approved_formats = granted
    adjustment.decision_note = note
    if revised:
        adjustment.revision_reason = revision_reason
    adjustment.decided_at = timezone.now()
    adjustment.decided_by = actor
    adjustment.save()
    application = adjustment.application
    audit_record(
        action="adjustment.decided",
        actor=actor,
        target=adjustment,
        state_body=application.competition.state_body,
        details={
            "code": application.code,
            "from": previous,
            "to": status,
            "approved_percent": percent,
            "approved_minutes": minutes,
            "approved_formats": granted,
            "revised": revised,
        },
    )
    return adjustment


def adjustment_document_read(*, adjustment: Adjustment, actor):
    """Open the supporting document for a reader allowed to see it; every reading is on
    the record (health data). The caller checks the permission and the scope."""
    audit_record(
        action="adjustment.document_read",
        actor=actor,
        target=adjustment,
        state_body=adjustment.application.competition.state_body,
        details={"code": adjustment.application.code},
    )
    return adjustment.document.open("rb")
