"""Reminders: one mail per assessment and deadline to the evaluator who must score or
the employee who must answer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from eqyzmet.audit import audit_record
from eqyzmet.formats import format_day
from evaluation.models import Assessment, Cycle, ReminderSent
from evaluation.services.transitions import EDITABLE, S


def _reminder_targets(assessment: Assessment) -> tuple[str, dt.date, list[str]] | None:
    employee = assessment.employee
    if assessment.status == S.OPEN:
        person = employee.supervisor or employee.unit_head
        return "evaluate", assessment.cycle.due_date, [person.email] if person else []
    if assessment.status == S.SUPERVISOR_DONE:
        person = employee.unit_head or employee.supervisor
        return "evaluate", assessment.cycle.due_date, [person.email] if person else []
    if assessment.status == S.FINALIZED and assessment.respond_by:
        return "respond", assessment.respond_by, [employee.user.email]
    return None


def reminders_send(*, today: dt.date | None = None) -> int:
    """Send each due reminder once: one per assessment and deadline, whatever the number of
    runs or workers (the unique row is claimed before the mail goes out)."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=30)
    candidates = (
        Assessment.objects.filter(cycle__status=Cycle.Status.OPEN)
        .filter(
            Q(status__in=EDITABLE, cycle__due_date__lte=horizon)
            | Q(status=S.FINALIZED, respond_by__lte=horizon, respond_by__gte=today)
        )
        .select_related("cycle", "cycle__state_body", "employee__user", "employee__supervisor")
        .select_related("employee__unit_head")
    )
    sent = 0
    for assessment in candidates.iterator(chunk_size=500):
        target = _reminder_targets(assessment)
        if target is None:
            continue
        kind, deadline, recipients = target
        days = int(assessment.cycle.rules.get("reminder_days", 5))
        if today < deadline - dt.timedelta(days=days):
            continue
        if assessment_remind(
            assessment=assessment, kind=kind, deadline=deadline, recipients=recipients
        ):
            sent += 1
    return sent


@transaction.atomic
def assessment_remind(
    *, assessment: Assessment, kind: str, deadline: dt.date, recipients: list[str]
) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(assessment=assessment, kind=kind, deadline=deadline)
    except IntegrityError:
        return False
    recipients = [r for r in recipients if r]
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            if kind == "evaluate":
                subject = gettext("Evaluation due by %(date)s") % {"date": format_day(deadline)}
                body = gettext(
                    "The quarterly evaluation %(period)s of an employee in your unit is due by "
                    "%(date)s.\n\nOpen it: %(path)s"
                ) % {
                    "period": assessment.cycle.label,
                    "date": format_day(deadline),
                    "path": reverse("evaluation:score", args=[assessment.pk]),
                }
            else:
                subject = gettext("Your evaluation result: answer by %(date)s") % {
                    "date": format_day(deadline)
                }
                body = gettext(
                    "Your evaluation result for %(period)s is ready. Acknowledge or contest it "
                    "by %(date)s.\n\nOpen it: %(path)s"
                ) % {
                    "period": assessment.cycle.label,
                    "date": format_day(deadline),
                    "path": reverse("evaluation:my_assessment", args=[assessment.pk]),
                }
        send_mail(subject, body, None, recipients)
    audit_record(
        action="evaluation.reminder.sent",
        target=assessment,
        state_body=assessment.cycle.state_body,
        details={"kind": kind, "deadline": deadline.isoformat(), "recipients": len(recipients)},
    )
    return True
