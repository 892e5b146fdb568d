"""E-mail to candidates at every event they can see, and a daily digest for staff.

How it stays anonymous: the services call the ``*_raised`` functions below inside their own
transaction, and each writes one ``Notification`` row holding the application id and the
event, nothing else (a stage's results or the final results write one broadcast row that is
fanned out into one row per code after the commit). The e-mail is rendered and addressed
only when it is sent: the recipient is found through the identity escrow, as the
candidate's own pages find their applications, and the message is written in the
candidate's language from ``DEFAULT_FROM_EMAIL``, about their own code only.

How it stays reliable: rows are written in the same transaction as the event and queued
with ``eqyzmet.queueing.enqueue`` after the commit; a send claims its row by a conditional
UPDATE (``sent_at`` from NULL) in the transaction that sends, so a failure leaves it
unclaimed and a retry or a second worker never sends twice; the beat sweeper queues rows
left unsent by a dead broker or worker.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation

from eqyzmet.models import StaffAssignment, StateBody, User
from eqyzmet.queueing import enqueue
from eqyzmet.roles import Role
from recruitment import procedure
from recruitment.eligibility import reason_text
from recruitment.models import (
    Appeal,
    Application,
    CommissionMark,
    CommissionMember,
    Competition,
    IdentityEscrow,
    Notification,
    ReserveEntry,
    StaffDigest,
    Stage,
    StageResult,
)
from recruitment.procedure import appeal_window_end

logger = logging.getLogger("recruitment.notifications")

E = Notification.Event
S = Competition.Status

# A row still unsent this long after it was written was lost with its broker message.
SWEEP_AFTER = dt.timedelta(minutes=5)
# After this many failed sends the sweeper stops trying (an address that bounces forever).
MAX_FAILURES = 10
# Staff digests go out once a day, from this local hour.
DIGEST_HOUR = 8


# --- Raising: one INSERT inside the service's transaction --------------------------------


def _send_later(notification: Notification) -> None:
    enqueue("recruitment.send_notification", notification.pk)


def _one(*, application_id: int, event: str, ref: int = 0) -> None:
    _send_later(Notification.objects.create(application_id=application_id, event=event, ref=ref))


def _broadcast(*, event: str, ref: int, params: dict | None = None) -> None:
    Notification.objects.bulk_create(
        [Notification(application_id=None, event=event, ref=ref, params=params or {})],
        ignore_conflicts=True,
    )
    enqueue("recruitment.fan_out_notification", event, ref)


def application_received_raised(*, application: Application) -> None:
    """Received, with the code, and admitted or not with the reasons."""
    _one(application_id=application.pk, event=E.APPLICATION_RECEIVED)


def application_withdrawn_raised(*, application: Application) -> None:
    _one(application_id=application.pk, event=E.WITHDRAWN)


def stage_opened_raised(*, stage: Stage) -> None:
    """The competition has moved into ``stage``: every code admitted to it is told."""
    _broadcast(event=E.STAGE_OPENED, ref=stage.pk)


def stage_opened_for_raised(*, application: Application, stage: Stage) -> None:
    """An upheld appeal brought ``application`` back into ``stage``, which opened while the
    code was out: it is told now, as the others were when the stage opened."""
    notification, created = Notification.objects.get_or_create(
        application_id=application.pk, event=E.STAGE_OPENED, ref=stage.pk
    )
    if created:
        _send_later(notification)


def stage_results_raised(*, stage: Stage) -> None:
    """A stage's results are published: each code with a result (or eliminated at it
    without one) gets its score and the appeal deadline."""
    _broadcast(event=E.STAGE_RESULT, ref=stage.pk)


def appeal_decided_raised(*, appeal: Appeal) -> None:
    _one(application_id=appeal.application_id, event=E.APPEAL_DECIDED, ref=appeal.pk)


def places_changed_raised(*, appeal: Appeal, changes: dict) -> None:
    """After an upheld appeal re-ranked a published competition: every other code whose
    rank or place changed (``changes`` as ``_rerank_after_correction`` returns it, keyed by
    code) is told its new place. Before publication ranks are not shown, so nothing is sent."""
    codes = sorted(set(changes.get("ranks", {})) | set(changes.get("places", {})))
    if codes:
        _broadcast(event=E.PLACE_CHANGED, ref=appeal.pk, params={"codes": codes})


def final_results_raised(*, competition: Competition) -> None:
    _broadcast(event=E.FINAL_RESULT, ref=competition.pk)


# --- Fanning a broadcast out -------------------------------------------------------------


def _broadcast_recipients(row: Notification) -> list[int]:
    if row.event == E.STAGE_OPENED:
        return list(
            Application.objects.filter(
                current_stage_id=row.ref, status=Application.Status.ADMITTED
            ).values_list("pk", flat=True)
        )
    if row.event == E.STAGE_RESULT:
        with_result = StageResult.objects.filter(stage_id=row.ref).values("application_id")
        return list(
            Application.objects.filter(
                Q(pk__in=with_result)
                | Q(current_stage_id=row.ref, status=Application.Status.ELIMINATED)
            ).values_list("pk", flat=True)
        )
    if row.event == E.FINAL_RESULT:
        # The ranked, and those eliminated at a stage whose results were never sent on
        # their own (an interview ends with the ranking lock).
        stages = Stage.objects.filter(competition_id=row.ref).values("pk")
        told = Notification.objects.filter(
            application_id=None, event=E.STAGE_RESULT, ref__in=stages
        ).values("ref")
        return list(
            Application.objects.filter(competition_id=row.ref)
            .filter(
                Q(rank__isnull=False)
                | (Q(status=Application.Status.ELIMINATED) & ~Q(current_stage_id__in=told))
            )
            .values_list("pk", flat=True)
        )
    if row.event == E.PLACE_CHANGED:
        appeal = Appeal.objects.filter(pk=row.ref).values_list("application_id", flat=True)
        return list(
            Application.objects.filter(code__in=row.params.get("codes", []))
            .exclude(pk__in=appeal)  # the appellant hears it in the answer to the appeal
            .filter(competition__status__in=(S.RESULTS_PUBLISHED, S.CLOSED))
            .values_list("pk", flat=True)
        )
    raise ValueError(row.event)


def broadcast_fan_out(*, event: str, ref: int) -> int:
    """One row per code for a broadcast, each queued for sending. Idempotent: the broadcast
    is claimed first, and per-code rows that exist already are left as they are."""
    with transaction.atomic():
        claimed = Notification.objects.filter(
            application_id=None, event=event, ref=ref, sent_at=None
        ).update(sent_at=timezone.now())
        if not claimed:
            return 0
        row = Notification.objects.get(application_id=None, event=event, ref=ref)
        ids = _broadcast_recipients(row)
        Notification.objects.bulk_create(
            [Notification(application_id=pk, event=event, ref=ref) for pk in ids],
            ignore_conflicts=True,
        )
        pending = list(
            Notification.objects.filter(
                event=event, ref=ref, application_id__in=ids, sent_at=None
            ).values_list("pk", flat=True)
        )
        for pk in pending:
            enqueue("recruitment.send_notification", pk)
    return len(pending)


# --- Sending: the recipient is found through the escrow, at send time ---------------------


def _recipient(application_id: int):
    owner = (
        IdentityEscrow.objects.filter(application_id=application_id)
        .values_list("owner", flat=True)
        .first()
    )
    if owner is None:
        return None
    return User.objects.filter(pk=int(owner), is_active=True).first()


def _stage_result_context(application: Application, stage: Stage) -> dict:
    result = StageResult.objects.filter(application=application, stage=stage).first()
    return {
        "stage": stage,
        "result": result,
        "appeal_deadline": procedure.appeal_deadline(stage=stage) if result is not None else None,
        # Passed, but not among the best admitted to the next stage.
        "not_shortlisted": result is not None
        and result.passed
        and application.status == Application.Status.NOT_SELECTED
        and application.current_stage_id == stage.pk,
    }


def _reserve_until(application: Application) -> dt.date | None:
    if application.status != Application.Status.RESERVE:
        return None
    entry = ReserveEntry.objects.filter(application=application, withdrawn_at=None).first()
    return entry.valid_until if entry is not None else None


def _context(notification: Notification, application: Application) -> dict | None:
    """What the e-mail says, read now. ``None``: nothing to say any more."""
    event = notification.event
    context: dict = {}
    if event == E.APPLICATION_RECEIVED:
        reasons = application.eligibility_reasons
        context["eligible"] = all(r["met"] for r in reasons)
        context["unmet"] = [reason_text(r) for r in reasons if not r["met"]]
    elif event == E.STAGE_OPENED:
        stage = Stage.objects.filter(pk=notification.ref).first()
        if stage is None:
            return None
        context["stage"] = stage
    elif event == E.STAGE_RESULT:
        stage = Stage.objects.filter(pk=notification.ref).select_related("competition").first()
        if stage is None:
            return None
        context.update(_stage_result_context(application, stage))
    elif event == E.APPEAL_DECIDED:
        appeal = Appeal.objects.filter(pk=notification.ref).select_related("stage").first()
        if appeal is None:
            return None
        context["appeal"] = appeal
        context["upheld"] = appeal.status == Appeal.Status.UPHELD
        context["result"] = StageResult.objects.filter(
            application=application, stage=appeal.stage
        ).first()
    elif event == E.FINAL_RESULT:
        until = appeal_window_end(application.competition)
        context["appeal_until"] = until if until and until > timezone.now() else None
        if application.rank is None and application.current_stage is not None:
            context.update(_stage_result_context(application, application.current_stage))
            context["eliminated"] = True
    elif event == E.RESERVE_EXPIRED:
        entry = ReserveEntry.objects.filter(pk=notification.ref).first()
        if entry is None:
            return None
        context["valid_until"] = entry.valid_until
    # Every e-mail after the results are out says where the code stands now.
    results_out = application.competition.status in (S.RESULTS_PUBLISHED, S.CLOSED)
    context["results_out"] = results_out and application.rank is not None
    context["reserve_until"] = _reserve_until(application) if results_out else None
    return context


def _number(value) -> str:
    """A score as people write it, in the reader's language: 4.5, 40, 3.75."""
    if value is None:
        return ""
    value = Decimal(value)
    places = max(0, -value.normalize().as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places)


def _numbers(application: Application, context: dict) -> dict[str, str]:
    stage = context.get("stage") or getattr(context.get("appeal"), "stage", None)
    result = context.get("result")
    appeal = context.get("appeal")
    return {
        "score": _number(result.score if result is not None else None),
        "max": _number(stage.max_score if stage is not None else None),
        "pass": _number(stage.pass_score if stage is not None else None),
        "corrected": _number(appeal.corrected_score if appeal is not None else None),
        "final": _number(application.final_score),
    }


def _message(notification: Notification) -> EmailMessage | None:
    application = (
        Application.objects.select_related("competition__state_body", "vacancy", "current_stage")
        .filter(pk=notification.application_id)
        .first()
    )
    user = _recipient(notification.application_id) if application is not None else None
    if user is None:
        return None
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = _context(notification, application)
        if context is None:
            return None
        context.update(
            application=application,
            competition=application.competition,
            vacancy_title=application.vacancy.title,
            body_name=application.competition.state_body.name,
            status_label=Application.Status(application.status).label,
            path=reverse("recruitment:my_application", args=[application.pk]),
        )
        context["numbers"] = _numbers(application, context)
        template = f"recruitment/email/{notification.event}"
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    # No reply-to, no copy: the message goes from the service to the candidate alone.
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def notification_send(*, notification_id: int) -> bool:
    """Send one candidate e-mail; ``False`` if it was sent already (or is a broadcast).

    The claim and the send share a transaction: if sending raises, the claim rolls back and
    the row waits for the retry; once sent, every later attempt finds it claimed.
    """
    with transaction.atomic():
        claimed = Notification.objects.filter(
            pk=notification_id, sent_at=None, application_id__isnull=False
        ).update(sent_at=timezone.now())
        if not claimed:
            return False
        message = _message(Notification.objects.get(pk=notification_id))
        if message is not None:
            message.send()
    return True


def notification_failed(*, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id).update(failures=F("failures") + 1)


# --- The sweeper -------------------------------------------------------------------------


def reserve_expiry_raise(*, today: dt.date | None = None) -> int:
    """A reserve entry that lapsed (in the last 30 days) owes its holder one e-mail."""
    today = today or timezone.localdate()
    entries = ReserveEntry.objects.filter(
        withdrawn_at=None, valid_until__lt=today, valid_until__gte=today - dt.timedelta(days=30)
    ).values_list("pk", "application_id")
    rows = [
        Notification(application_id=application_id, event=E.RESERVE_EXPIRED, ref=pk)
        for pk, application_id in entries
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def unsent_notifications(
    *, now: dt.datetime | None = None
) -> list[tuple[int, int | None, str, int]]:
    """(id, application id, event, ref) of rows left unsent past ``SWEEP_AFTER``."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            sent_at=None, created_at__lt=now - SWEEP_AFTER, failures__lt=MAX_FAILURES
        )
        .order_by("created_at")
        .values_list("pk", "application_id", "event", "ref")[:500]
    )


# --- The staff digest --------------------------------------------------------------------


def _stage_can_end(competition: Competition, now: dt.datetime) -> bool:
    if competition.status in (S.TESTING, S.ESSAY):
        return not procedure.advance_blockers(competition, now=now)
    if competition.status == S.INTERVIEW:
        return not procedure.lock_ranking_blockers(competition)
    return False


def _hr_lines(now: dt.datetime) -> dict[int, list[tuple[str, str, int]]]:
    """{state body id: [(kind, competition number, count)]} of what waits for HR: open appeals,
    a stage that can be ended, applications that can be closed, a winner who can be
    appointed now that the appeal windows have passed."""
    waiting: dict[int, list[tuple[str, str, int]]] = {}
    active = Competition.objects.exclude(status__in=(S.DRAFT, S.CLOSED, S.CANCELLED))
    appeals = dict(
        Appeal.objects.filter(status=Appeal.Status.SUBMITTED, application__competition__in=active)
        .values_list("application__competition_id")
        .annotate(n=Count("pk"))
    )
    for competition in active.select_related("state_body").order_by("number"):
        items = waiting.setdefault(competition.state_body_id, [])
        if appeals.get(competition.pk):
            items.append(("appeals", competition.number, appeals[competition.pk]))
        status = competition.status
        if status == S.PUBLISHED and competition.applications_close_at <= now:
            items.append(("close", competition.number, 0))
        elif _stage_can_end(competition, now):
            items.append(("advance", competition.number, 0))
        elif status == S.RESULTS_PUBLISHED:
            closes = procedure.appeal_window_end(competition)
            winners = competition.applications.filter(status=Application.Status.WINNER)
            if (closes is None or closes <= now) and winners.exists():
                items.append(("appoint", competition.number, 0))
    return waiting


def _commission_lines() -> dict[int, list[tuple[str, str, int]]]:
    """{user id: [("marks", competition number, codes awaiting the member's mark)]}."""
    waiting: dict[int, list[tuple[str, str, int]]] = {}
    seats = CommissionMember.objects.filter(
        competition__status__in=(S.ESSAY, S.INTERVIEW),
        declared_at__isnull=False,
        has_conflict=False,
    ).exclude(role=CommissionMember.Role.SECRETARY)
    for seat in seats.select_related("competition").order_by("competition__number"):
        due = Application.objects.filter(
            competition_id=seat.competition_id,
            status=Application.Status.ADMITTED,
            current_stage__kind__in=(Stage.Kind.ESSAY, Stage.Kind.INTERVIEW),
            current_stage__locked_at=None,
        ).exclude(
            pk__in=CommissionMark.objects.filter(
                member=seat, stage_id=F("application__current_stage_id")
            ).values("application_id")
        )
        count = due.count()
        if count:
            waiting.setdefault(seat.user_id, []).append(("marks", seat.competition.number, count))
    return waiting


def _hr_officers() -> dict[int, set[int]]:
    """{user id: ids of the state bodies whose competitions the HR officer sees}."""
    scope: dict[int, set[int]] = {}
    rows = StaffAssignment.objects.filter(role=Role.HR_OFFICER, user__is_active=True).values_list(
        "user_id", "state_body__path"
    )
    bodies = list(StateBody.objects.values_list("pk", "path"))
    for user_id, path in rows:
        scope.setdefault(user_id, set()).update(pk for pk, p in bodies if p.startswith(path))
    return scope


def staff_digests_send(*, now: dt.datetime | None = None) -> int:
    """Each HR officer and commission member with something waiting gets one e-mail a day:
    counts and competition numbers, never a code or anything about a candidate."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < DIGEST_HOUR:
        return 0
    today = timezone.localdate(now)
    per_user: dict[int, list[tuple[str, str, int]]] = {}
    by_body = _hr_lines(now)
    for user_id, bodies in _hr_officers().items():
        for body_id in sorted(bodies):
            per_user.setdefault(user_id, []).extend(by_body.get(body_id, []))
    for user_id, lines in _commission_lines().items():
        per_user.setdefault(user_id, []).extend(lines)
    per_user = {pk: lines for pk, lines in per_user.items() if lines}
    already = set(
        StaffDigest.objects.filter(day=today, user_id__in=per_user).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    for user in User.objects.filter(pk__in=set(per_user) - already, is_active=True):
        try:
            with transaction.atomic():
                StaffDigest.objects.create(user=user, day=today)
                _digest_message(user=user, lines=per_user[user.pk]).send()
        except IntegrityError:
            continue  # another run sent it
        except OSError:
            logger.warning("recruitment: staff digest not sent, will retry")
            continue
        sent += 1
    return sent


def _digest_message(*, user, lines: list[tuple[str, str, int]]) -> EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "appeals": [(number, n) for kind, number, n in lines if kind == "appeals"],
            "close": [number for kind, number, _n in lines if kind == "close"],
            "advance": [number for kind, number, _n in lines if kind == "advance"],
            "appoint": [number for kind, number, _n in lines if kind == "appoint"],
            "marks": [(number, n) for kind, number, n in lines if kind == "marks"],
        }
        subject = " ".join(
            render_to_string("recruitment/email/staff_digest_subject.txt", context).split()
        )
        body = render_to_string("recruitment/email/staff_digest.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
