"""The case workflow: transitions, assignment, messages, notes — each step audited once."""

from __future__ import annotations

import pytest

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from ethics.models import Status
from ethics.selectors import reporter_thread
from ethics.services import (
    TRANSITIONS,
    case_assign,
    case_note_add,
    case_reply,
    case_transition,
    reporter_message_add,
)
from tests.ethics.factories import report, system_case

pytestmark = pytest.mark.django_db


def _events(case, action):
    return AuditEvent.objects.filter(target_id=str(case.pk), action=action)


def test_a_report_moves_new_acknowledged_under_review_decided(ministry, commissioner):
    case = report(ministry).case
    case = case_transition(case=case, actor=commissioner, to_status=Status.ACKNOWLEDGED)
    assert case.acknowledged_at is not None
    case = case_transition(case=case, actor=commissioner, to_status=Status.UNDER_REVIEW)
    case = case_transition(
        case=case, actor=commissioner, to_status=Status.DECIDED, reasoning="Breach confirmed."
    )
    assert (
        case.status == Status.DECIDED and case.closed_at and case.resolution == "Breach confirmed."
    )
    assert _events(case, "ethics.case.status_changed").count() == 3
    assert (
        list(_events(case, "ethics.case.status_changed").values_list("actor_id", flat=True))
        == [commissioner.pk] * 3
    )


@pytest.mark.parametrize(
    ("start_path", "illegal"),
    [
        ([], Status.DECIDED),
        ([], Status.UNDER_REVIEW),
        ([Status.ACKNOWLEDGED], Status.NEW),
        ([Status.DISMISSED], Status.ACKNOWLEDGED),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    ministry, commissioner, start_path, illegal
):
    case = report(ministry).case
    for step in start_path:
        case = case_transition(case=case, actor=commissioner, to_status=step, reasoning="r")
    before = (case.status, AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as error:
        case_transition(case=case, actor=commissioner, to_status=illegal, reasoning="r")
    assert error.value.code == "illegal_transition"
    case.refresh_from_db()
    assert (case.status, AuditEvent.objects.count()) == before


def test_closed_states_are_final_in_the_table():
    for closed in (Status.DECIDED, Status.REFERRED, Status.DISMISSED):
        assert TRANSITIONS[closed] == frozenset()


def test_closing_needs_reasoning_and_a_referral_needs_its_addressee(ministry, commissioner):
    case = report(ministry).case
    with pytest.raises(ApplicationError) as error:
        case_transition(case=case, actor=commissioner, to_status=Status.DISMISSED)
    assert error.value.code == "reasoning_required"
    with pytest.raises(ApplicationError) as error:
        case_transition(case=case, actor=commissioner, to_status=Status.REFERRED, reasoning="Crime")
    assert error.value.code == "referral_required"
    case = case_transition(
        case=case,
        actor=commissioner,
        to_status=Status.REFERRED,
        reasoning="Possible crime",
        referred_to="Anti-Corruption Agency",
    )
    assert case.referred_to == "Anti-Corruption Agency"


def test_assignment_only_to_a_commissioner_of_the_body_or_above(
    ministry, department, commissioner, other_commissioner
):
    case = report(department).case
    case = case_assign(case=case, actor=commissioner, assignee=commissioner)
    assert case.assigned_to == commissioner
    with pytest.raises(ApplicationError):
        case_assign(case=case, actor=commissioner, assignee=other_commissioner)
    assert _events(case, "ethics.case.assigned").count() == 1


def test_internal_notes_never_reach_the_reporter(ministry, commissioner):
    submitted = report(ministry)
    case_note_add(case=submitted.case, actor=commissioner, body="Suspect is the desk clerk")
    case_reply(case=submitted.case, actor=commissioner, body="We are looking into it.")
    reporter_message_add(case=submitted.case, body="Thank you.")
    thread = reporter_thread(case=submitted.case)
    assert [m.body for m in thread] == ["We are looking into it.", "Thank you."]
    assert _events(submitted.case, "ethics.note.added").count() == 1
    assert _events(submitted.case, "ethics.message.to_reporter").count() == 1
    assert _events(submitted.case, "ethics.message.from_reporter").get().actor_id is None


def test_a_closed_case_takes_no_more_reporter_messages(ministry, commissioner):
    submitted = report(ministry)
    case_transition(
        case=submitted.case, actor=commissioner, to_status=Status.DISMISSED, reasoning="Spam"
    )
    with pytest.raises(ApplicationError):
        reporter_message_add(case=submitted.case, body="Hello?")


def test_a_system_case_has_no_reporter_to_reply_to(ministry, commissioner):
    from ethics.models import EthicsCase

    case = EthicsCase.objects.get(pk=system_case(ministry))
    with pytest.raises(ApplicationError):
        case_reply(case=case, actor=commissioner, body="?")


def test_empty_messages_are_refused(ministry, commissioner):
    submitted = report(ministry)
    with pytest.raises(ApplicationError):
        reporter_message_add(case=submitted.case, body="   ")
    with pytest.raises(ApplicationError):
        case_note_add(case=submitted.case, actor=commissioner, body="")
    assert not submitted.case.messages.exists() and not submitted.case.notes.exists()


def test_a_report_writes_one_audit_event_without_content_or_identity(ministry):
    submitted = report(
        ministry,
        description="Secret description text",
        reporter_name="Айгерім Сапарова",
        reporter_contact="+7 701 555 12 34",
    )
    event = _events(submitted.case, "ethics.case.reported").get()
    text = repr(event.details)
    for secret in ("Secret description", "Айгерім", "555 12 34", submitted.receipt_code):
        assert secret not in text
    assert event.details["identity_given"] is True


def test_identity_is_stored_encrypted(ministry):
    from django.db import connection

    submitted = report(
        ministry, reporter_name="Айгерім Сапарова", reporter_contact="aigerim@mail.kz"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_contact FROM ethics_ethicscase")
        raw = cursor.fetchone()
    assert "Айгерім" not in raw[0] and "aigerim" not in raw[1]
    submitted.case.refresh_from_db()
    assert submitted.case.reporter_name == "Айгерім Сапарова"
