"""The audit ledger: append-only, hash-chained, and any tampering is found."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from eqyzmet.audit import audit_record, audit_verify
from eqyzmet.models import AuditEvent

pytestmark = pytest.mark.django_db


def _ledger(n: int = 5) -> list[AuditEvent]:
    return [
        audit_record(action="test.event", target_type="thing", target_id=i, details={"n": i})
        for i in range(1, n + 1)
    ]


def _raw(sql: str, params: list) -> None:
    """Tamper with the table the way an attacker with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE eqyzmet_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE eqyzmet_auditevent ENABLE TRIGGER USER")


def test_an_untouched_ledger_verifies():
    _ledger()
    report = audit_verify()
    assert report.ok
    assert report.checked == 5


def test_each_event_links_to_the_previous_hash():
    events = _ledger(3)
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert [e.seq for e in events] == [1, 2, 3]


def test_an_edited_row_is_detected():
    events = _ledger()
    _raw(
        "UPDATE eqyzmet_auditevent SET details = %s WHERE id = %s",
        ['{"n": 99}', events[2].pk],
    )
    report = audit_verify()
    assert not report.ok
    assert any(p.seq == 3 and "edited" in p.message for p in report.problems)


def test_a_deleted_row_is_detected():
    events = _ledger()
    _raw("DELETE FROM eqyzmet_auditevent WHERE id = %s", [events[1].pk])
    report = audit_verify()
    assert not report.ok
    assert any(p.seq == 3 for p in report.problems)


def test_deleting_the_newest_rows_is_detected_by_the_chain_head():
    events = _ledger()
    _raw("DELETE FROM eqyzmet_auditevent WHERE id = %s", [events[-1].pk])
    report = audit_verify()
    assert not report.ok
    assert any(p.seq is None for p in report.problems)


def test_a_swapped_pair_is_detected():
    events = _ledger()
    a, b = events[1], events[2]
    # Exchange the two rows' positions in the table (ids), as a reordering would.
    _raw("UPDATE eqyzmet_auditevent SET id = %s WHERE id = %s", [-1, a.pk])
    _raw("UPDATE eqyzmet_auditevent SET id = %s WHERE id = %s", [a.pk, b.pk])
    _raw("UPDATE eqyzmet_auditevent SET id = %s WHERE id = %s", [b.pk, -1])
    report = audit_verify()
    assert not report.ok
    assert any("reordered" in p.message for p in report.problems)


def test_the_orm_refuses_to_change_or_delete_events():
    event = _ledger(1)[0]
    event.action = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.all().delete()
    assert audit_verify().ok


def test_postgresql_itself_refuses_update_and_delete(postgresql_only):
    event = _ledger(1)[0]
    for sql in (
        "UPDATE eqyzmet_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM eqyzmet_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_an_event_rolls_back_with_the_change_it_describes():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.doomed", target_type="thing")
        raise RuntimeError("the service failed after recording")
    assert not AuditEvent.objects.filter(action="test.doomed").exists()
    audit_record(action="test.after", target_type="thing")
    assert audit_verify().ok


def test_details_hold_unicode_and_nested_values_and_still_verify():
    audit_record(
        action="test.unicode",
        target_type="thing",
        details={"code": "K7-4QMX-9TZ2", "сөз": "мемлекеттік", "list": [1, 2.5, None, True]},
    )
    assert audit_verify().ok


def test_verify_audit_command_fails_loudly_on_tampering(capsys):
    events = _ledger(3)
    call_command("verify_audit")
    assert "intact: 3 events" in capsys.readouterr().out
    _raw("UPDATE eqyzmet_auditevent SET action = %s WHERE id = %s", ["forged", events[0].pk])
    with pytest.raises(CommandError, match="NOT intact"):
        call_command("verify_audit")
