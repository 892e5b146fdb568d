"""Deadline arithmetic for ethics cases (EU whistleblowing directive's clock by default).

Acknowledge within ``acknowledge_days`` of receipt. Give a substantive answer within
``answer_months`` of the acknowledgement or, if none was sent in time, of the end of the
acknowledgement period (Directive (EU) 2019/1937, Art. 9(1)(f)). A late acknowledgement
never extends the answer deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from eqyzmet.models import StateBody
from ethics.models import EthicsBodySettings

DEFAULT_ACKNOWLEDGE_DAYS = 7
DEFAULT_ANSWER_MONTHS = 3
DEFAULT_REMINDER_DAYS = 2


@dataclass(frozen=True)
class DeadlineRules:
    acknowledge_days: int = DEFAULT_ACKNOWLEDGE_DAYS
    answer_months: int = DEFAULT_ANSWER_MONTHS
    reminder_days: int = DEFAULT_REMINDER_DAYS


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """Same day of the month ``months`` later, clamped to the month's end (31 Jan → 28 Feb)."""
    month_index = moment.month - 1 + months
    year = moment.year + month_index // 12
    month = month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def deadline_rules_for(state_body: StateBody) -> DeadlineRules:
    """The body's own settings, else its nearest ancestor's, else the defaults. One query."""
    ids = [int(part) for part in state_body.path.strip("/").split("/") if part] or [state_body.pk]
    found = {s.state_body_id: s for s in EthicsBodySettings.objects.filter(state_body_id__in=ids)}
    for body_id in reversed(ids):
        if body_id in found:
            s = found[body_id]
            return DeadlineRules(s.acknowledge_days, s.answer_months, s.reminder_days)
    return DeadlineRules()


def acknowledge_due(received_at: dt.datetime, rules: DeadlineRules) -> dt.datetime:
    return received_at + dt.timedelta(days=rules.acknowledge_days)


def answer_due(
    received_at: dt.datetime, rules: DeadlineRules, acknowledged_at: dt.datetime | None = None
) -> dt.datetime:
    start = acknowledge_due(received_at, rules)
    if acknowledged_at is not None:
        start = min(start, acknowledged_at)
    return add_months(start, rules.answer_months)
