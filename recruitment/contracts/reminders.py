"""The reminder 30 days before a contract ends, to HR of the body and the responsible
official, so that someone decides to extend it (while the project runs) or to end it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from eqyzmet.audit import audit_record
from eqyzmet.formats import format_day
from eqyzmet.models import StaffAssignment, StateBody, User
from eqyzmet.roles import Role
from recruitment.models_contracts import Contract, ExpiryReminder

REMINDER_DAYS = 30


def hr_officers(state_body: StateBody) -> list[User]:
    """The active HR officers of the body or of a body above it."""
    rows = StaffAssignment.objects.filter(
        role=Role.HR_OFFICER, user__is_active=True
    ).select_related("state_body", "user")
    people = {row.user for row in rows if state_body.path.startswith(row.state_body.path)}
    return sorted(people, key=lambda user: user.email)


def mail_each(people: list[User], compose: Callable[[], tuple[str, str]]) -> int:
    """One e-mail per person, worded in their own language; returns how many went out."""
    sent = 0
    for person in people:
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject, body = compose()
        send_mail(subject, body, None, [person.email])
        sent += 1
    return sent


def expiry_reminders_send(*, today: dt.date | None = None) -> int:
    """Send one reminder per contract and end date once the end is 30 days away or less
    (so a beat that was down still sends it); a second run sends nothing. Returns the count."""
    today = today or timezone.localdate()
    due = Contract.objects.filter(
        status=Contract.Status.ACTIVE,
        ends_on__gte=today,
        ends_on__lte=today + dt.timedelta(days=REMINDER_DAYS),
    ).select_related("project__responsible_official", "state_body", "employee")
    sent = 0
    for contract in due:
        if expiry_remind(contract=contract):
            sent += 1
    return sent


@transaction.atomic
def expiry_remind(*, contract: Contract) -> bool:
    try:
        with transaction.atomic():
            ExpiryReminder.objects.create(contract=contract, ends_on=contract.ends_on)
    except IntegrityError:
        return False
    recipients = hr_officers(contract.state_body)
    official = contract.project.responsible_official
    if official.is_active and official not in recipients:
        recipients.append(official)

    def compose() -> tuple[str, str]:
        subject = gettext("A contract ends on %(date)s: extend or end it") % {
            "date": format_day(contract.ends_on)
        }
        body = gettext(
            'The contract of %(email)s on the project "%(project)s" ends on %(date)s. '
            "Record the decision: extend it (only while the project is active, with the "
            "reason) or end it.\n\nOpen it: %(path)s"
        ) % {
            "email": contract.employee.email,
            "project": contract.project.name,
            "date": format_day(contract.ends_on),
            "path": reverse("recruitment:contracts_official"),
        }
        return subject, body

    mail_each(recipients, compose)
    audit_record(
        action="contracts.contract.expiry_reminded",
        target=contract,
        state_body=contract.state_body,
        details={"ends_on": contract.ends_on.isoformat(), "recipients": len(recipients)},
    )
    return True
