"""Deadlines (acknowledge in 7 days, answer in 3 months, per-body settings) and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from eqyzmet.models import AuditEvent
from ethics.deadlines import DeadlineRules, add_months, answer_due, deadline_rules_for
from ethics.models import EthicsBodySettings, EthicsCase, Status
from ethics.selectors import CaseFilters, cases_for_dashboard
from ethics.services import case_assign, case_transition, deadline_reminders_send
from ethics.tasks import send_deadline_reminders
from tests.ethics.factories import report, system_case

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def test_default_deadlines_are_7_days_and_3_months_after_that(ministry):
    case = report(ministry).case
    assert case.acknowledge_due_at - case.created_at == dt.timedelta(days=7)
    assert case.answer_due_at == add_months(case.acknowledge_due_at, 3)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(dt.datetime(2026, 11, 30, 9, tzinfo=UTC), 3) == dt.datetime(
        2027, 2, 28, 9, tzinfo=UTC
    )
    assert add_months(dt.datetime(2027, 11, 30, 9, tzinfo=UTC), 3) == dt.datetime(
        2028, 2, 29, 9, tzinfo=UTC
    )
    assert add_months(dt.datetime(2026, 1, 15, tzinfo=UTC), 12) == dt.datetime(
        2027, 1, 15, tzinfo=UTC
    )


def test_acknowledging_early_starts_the_answer_clock_early_but_late_never_extends_it():
    received = dt.datetime(2026, 3, 1, 10, tzinfo=UTC)
    rules = DeadlineRules()
    early = answer_due(received, rules, acknowledged_at=received + dt.timedelta(days=2))
    late = answer_due(received, rules, acknowledged_at=received + dt.timedelta(days=20))
    assert early == dt.datetime(2026, 6, 3, 10, tzinfo=UTC)
    assert late == answer_due(received, rules) == dt.datetime(2026, 6, 8, 10, tzinfo=UTC)


def test_acknowledgement_recomputes_the_answer_deadline(ministry, commissioner):
    case = report(ministry).case
    case = case_transition(case=case, actor=commissioner, to_status=Status.ACKNOWLEDGED)
    assert case.answer_due_at == add_months(case.acknowledged_at, 3)


def test_a_body_setting_applies_to_it_and_the_bodies_beneath(ministry, department, other_ministry):
    EthicsBodySettings.objects.create(state_body=ministry, acknowledge_days=3, answer_months=1)
    assert deadline_rules_for(department) == DeadlineRules(3, 1, 2)
    assert deadline_rules_for(other_ministry) == DeadlineRules()
    EthicsBodySettings.objects.create(state_body=department, acknowledge_days=5, answer_months=2)
    assert deadline_rules_for(department) == DeadlineRules(5, 2, 2)
    case = report(department).case
    assert case.acknowledge_due_at - case.created_at == dt.timedelta(days=5)


def test_overdue_cases_stand_out_in_the_overdue_queue(ministry, commissioner):
    late = report(ministry).case
    EthicsCase.objects.filter(pk=late.pk).update(
        acknowledge_due_at=timezone.now() - dt.timedelta(hours=1)
    )
    on_time = report(ministry).case
    overdue = list(cases_for_dashboard(user=commissioner, filters=CaseFilters(queue="overdue")))
    assert overdue == [EthicsCase.objects.get(pk=late.pk)]
    assert EthicsCase.objects.get(pk=late.pk).overdue
    assert not EthicsCase.objects.get(pk=on_time.pk).overdue


def _age(case, days):
    """Move a case's clock back by ``days``."""
    shift = dt.timedelta(days=days)
    EthicsCase.objects.filter(pk=case.pk).update(
        created_at=case.created_at - shift,
        acknowledge_due_at=case.acknowledge_due_at - shift,
        answer_due_at=case.answer_due_at - shift,
    )


def test_a_reminder_goes_once_per_case_and_deadline_kind(ministry, commissioner, department):
    case = report(department).case
    assert deadline_reminders_send() == 0  # 7 days ahead: no reminder yet
    _age(case, 6)  # acknowledgement due in one day, inside the 2-day window
    assert deadline_reminders_send() == 1
    assert deadline_reminders_send() == 0
    assert send_deadline_reminders.delay().get() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [commissioner.email]
    assert case.reference in message.subject
    assert AuditEvent.objects.filter(action="ethics.reminder.sent").count() == 1


def test_the_answer_deadline_has_its_own_single_reminder(ministry, commissioner):
    case = report(ministry).case
    case_transition(case=case, actor=commissioner, to_status=Status.ACKNOWLEDGED)
    case.refresh_from_db()
    EthicsCase.objects.filter(pk=case.pk).update(
        answer_due_at=timezone.now() + dt.timedelta(days=1)
    )
    assert deadline_reminders_send() == 1
    assert deadline_reminders_send() == 0
    case.refresh_from_db()
    assert case.answer_reminder_sent_at and case.acknowledge_reminder_sent_at is None


def test_a_missed_deadline_still_gets_one_overdue_reminder(ministry, commissioner):
    case = report(ministry).case
    _age(case, 30)
    sent = deadline_reminders_send()
    assert sent == 1  # acknowledgement; the answer deadline is months away
    assert "overdue" in mail.outbox[0].subject


def test_the_assigned_commissioner_alone_is_reminded(ministry, commissioner):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from tests.factories import UserFactory

    colleague = UserFactory()
    staff_assign(user=colleague, role=Role.ETHICS_COMMISSIONER, state_body=ministry)
    case = report(ministry).case
    case_assign(case=case, actor=commissioner, assignee=colleague)
    _age(case, 6)
    deadline_reminders_send()
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_no_reminders_for_closed_cases_and_no_acknowledgement_reminder_once_acknowledged(
    ministry, commissioner
):
    closed = report(ministry).case
    case_transition(case=closed, actor=commissioner, to_status=Status.DISMISSED, reasoning="Spam")
    acknowledged = report(ministry).case
    case_transition(case=acknowledged, actor=commissioner, to_status=Status.ACKNOWLEDGED)
    for case in (closed, acknowledged):
        case.refresh_from_db()
        _age(case, 6)
    assert deadline_reminders_send() == 0


def test_commissioners_of_other_bodies_are_not_reminded(ministry, commissioner, other_commissioner):
    case = EthicsCase.objects.get(pk=system_case(ministry))
    _age(case, 6)
    deadline_reminders_send()
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {commissioner.email}


def test_the_beat_schedule_runs_the_reminder_task():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["ethics-deadline-reminders"]
    assert entry["task"] == send_deadline_reminders.name


def test_reminders_are_written_in_each_readers_language(ministry, commissioner):
    commissioner.language = "ru"
    commissioner.save(update_fields=["language"])
    case = report(ministry).case
    _age(case, 30)
    assert deadline_reminders_send() == 1
    assert case.reference in mail.outbox[0].subject
    assert "просроч" in mail.outbox[0].subject
