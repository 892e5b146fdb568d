"""ethics.public: the surface other apps code against."""

from __future__ import annotations

import inspect

import pytest
from django.db import transaction

from eqyzmet.models import AuditEvent
from ethics.models import EthicsCase, Source, Status
from ethics.public import SYSTEM_CASE_KINDS, system_case_raise

pytestmark = pytest.mark.django_db


def test_signature_is_the_one_other_apps_code_against():
    signature = inspect.signature(system_case_raise)
    assert list(signature.parameters) == [
        "kind",
        "state_body_id",
        "summary",
        "evidence",
        "dedupe_key",
    ]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in signature.parameters.values())
    assert set(SYSTEM_CASE_KINDS) == {
        "integrity_flag",
        "identity_reveal",
        "personal_data_access",
        "evaluation_contest",
        "adverse_impact",
    }


@pytest.mark.parametrize("kind", SYSTEM_CASE_KINDS)
def test_a_system_case_arrives_new_with_its_evidence_and_one_audit_event(ministry, kind):
    case_id = system_case_raise(
        kind=kind,
        state_body_id=ministry.pk,
        summary="Near-duplicate essays in competition C-12",
        evidence={"codes": ["K7-4QMX-9TZ2", "K7-8PLA-1QQ3"], "similarity": 0.97},
        dedupe_key=f"dup:{kind}:1",
    )
    case = EthicsCase.objects.get(pk=case_id)
    assert case.source == Source.SYSTEM
    assert case.category == kind
    assert case.status == Status.NEW
    assert case.state_body == ministry
    assert case.evidence["similarity"] == 0.97
    assert case.receipt_hash == "" and case.receipt_lookup == ""
    assert (
        AuditEvent.objects.filter(action="ethics.case.raised", target_id=str(case_id)).count() == 1
    )


def test_a_second_call_with_the_same_dedupe_key_returns_the_same_case(ministry):
    arguments = {
        "kind": "identity_reveal",
        "state_body_id": ministry.pk,
        "summary": "Identity of K7-4QMX-9TZ2 revealed for document check",
        "evidence": {"application_code": "K7-4QMX-9TZ2"},
        "dedupe_key": "reveal:42",
    }
    first = system_case_raise(**arguments)
    second = system_case_raise(**{**arguments, "summary": "changed"})
    assert first == second
    assert EthicsCase.objects.filter(dedupe_key="reveal:42").count() == 1
    assert AuditEvent.objects.filter(action="ethics.case.raised").count() == 1


def test_callers_transaction_rolls_the_case_back_with_it(ministry):
    with pytest.raises(RuntimeError), transaction.atomic():
        system_case_raise(
            kind="evaluation_contest",
            state_body_id=ministry.pk,
            summary="Contested Q3 evaluation",
            evidence={"result": "R-1"},
            dedupe_key="eval:1",
        )
        raise RuntimeError("caller failed")
    assert not EthicsCase.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "gossip"}, "unknown system case kind"),
        ({"state_body_id": 10**9}, "no state body"),
        ({"evidence": {"email": "aidana@example.kz"}}, "e-mail"),
        ({"evidence": {"iin": "900101300123"}}, "IIN"),
        ({"evidence": ["not", "a", "dict"]}, "JSON object"),
        ({"dedupe_key": ""}, "dedupe_key"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_created(ministry, change, message):
    arguments = {
        "kind": "personal_data_access",
        "state_body_id": ministry.pk,
        "summary": "Unusual access",
        "evidence": {"access_count": 40},
        "dedupe_key": "pda:1",
    }
    with pytest.raises(ValueError, match=message):
        system_case_raise(**{**arguments, **change})
    assert not EthicsCase.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_callers_with_one_dedupe_key_get_one_case(postgresql_only, roles):
    import threading

    from django.db import connection

    from tests.factories import make_state_body

    body = make_state_body()
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def caller():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                results.append(
                    system_case_raise(
                        kind="integrity_flag",
                        state_body_id=body.pk,
                        summary="Near-duplicate answers",
                        evidence={"codes": ["K7-AAAA-0001"]},
                        dedupe_key="race:1",
                    )
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=caller) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(results) == 2 and results[0] == results[1]
    assert EthicsCase.objects.filter(dedupe_key="race:1").count() == 1
