"""Receipt codes: one code opens exactly one case, and the code is stored nowhere."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from eqyzmet.models import StateBody
from ethics import receipts, throttling
from ethics.models import EthicsCase
from ethics.selectors import case_for_receipt
from tests.ethics.conftest import CLIENT_IP, USER_AGENT, all_ethics_rows_text
from tests.ethics.factories import report

pytestmark = pytest.mark.django_db

WRONG_CODE_TEXT = "This receipt code does not open a case"


def _file_report(client, body, **extra):
    data = {
        "category": "corruption_risk",
        "state_body": body.pk,
        "subject": "Bribe at the licensing desk",
        "description": "On 3 March a specialist asked for money to speed up a licence.",
        **extra,
    }
    response = client.post(reverse("ethics:report_new"), data, follow=True)
    assert response.redirect_chain == [(reverse("ethics:report_receipt"), 302)]
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    match = re.search(r'data-testid="receipt-code">([\d ]+)<', html)
    assert match, "the receipt page shows the code"
    return match.group(1), response


def _open(client, code):
    return client.post(reverse("ethics:follow"), {"code": code})


def test_the_receipt_code_is_16_digits_in_groups_of_four_and_shown_once(reporter_client, ministry):
    shown, response = _file_report(reporter_client, ministry)
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown)
    assert "no-store" in response["Cache-Control"]
    # Back on the form: no code anywhere.
    again = reporter_client.get(reverse("ethics:report_new")).content.decode()
    assert shown not in again and shown.replace(" ", "") not in again


def test_a_receipt_code_opens_exactly_its_own_case(reporter_client, ministry):
    mine, _ = _file_report(reporter_client, ministry, subject="Mine")
    theirs = report(ministry, subject="Somebody else's report")
    response = _open(reporter_client, mine)
    assert response.status_code == 302
    assert response["Location"] == reverse("ethics:follow_case")
    page = reporter_client.get(reverse("ethics:follow_case")).content.decode()
    assert "Mine" in page
    assert "Somebody else&#x27;s report" not in page and "Somebody else's report" not in page
    # The case page takes no id: there is nothing to guess.
    assert str(theirs.case.pk) not in reverse("ethics:follow_case")


def test_the_code_is_accepted_with_or_without_spaces_and_dashes(ministry):
    submitted = report(ministry)
    code = submitted.receipt_code
    for typed in (
        code,
        receipts.receipt_code_display(code),
        "-".join(code[i : i + 4] for i in range(0, 16, 4)),
    ):
        assert case_for_receipt(code=typed) == submitted.case


def test_a_code_that_shares_a_lookup_value_still_needs_the_right_hash(ministry):
    first = report(ministry)
    second = report(ministry)
    # Force a lookup collision: both rows share one lookup value.
    EthicsCase.objects.filter(pk=second.case.pk).update(receipt_lookup=first.case.receipt_lookup)
    assert case_for_receipt(code=first.receipt_code) == first.case
    # The second code's own lookup value now finds nothing, so it is refused, not mixed up.
    assert case_for_receipt(code=second.receipt_code) is None


def test_a_wrong_code_is_refused_with_the_same_answer_whether_or_not_a_case_exists(
    reporter_client, ministry
):
    submitted = report(ministry)
    code = submitted.receipt_code
    near_miss = code[:-1] + str((int(code[-1]) + 1) % 10)
    # A code whose lookup value matches a real case but whose hash does not ...
    EthicsCase.objects.filter(pk=submitted.case.pk).update(
        receipt_lookup=receipts.receipt_lookup(near_miss)
    )
    with_case = _open(reporter_client, near_miss)
    # ... and a code matching nothing at all.
    without_case = _open(reporter_client, "1111 2222 3333 4444")
    malformed = _open(reporter_client, "12")
    for response in (with_case, without_case, malformed):
        assert response.status_code == 200
        assert WRONG_CODE_TEXT in response.content.decode()
        assert "eqyzmet_ethics_case" not in response.cookies
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(with_case) == strip(without_case) == strip(malformed)


def test_wrong_codes_from_one_client_are_throttled_even_for_the_right_code(
    reporter_client, ministry, monkeypatch
):
    monkeypatch.setitem(throttling.LIMITS, "receipt_failure", (3, 1000))
    submitted = report(ministry)
    for n in range(3):
        assert _open(reporter_client, f"0000 0000 0000 000{n}").status_code == 200
    blocked = _open(reporter_client, submitted.receipt_code)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert "eqyzmet_ethics_case" not in blocked.cookies


def test_another_client_is_not_blocked_by_one_clients_failures(client, ministry, monkeypatch):
    monkeypatch.setitem(throttling.LIMITS, "receipt_failure", (2, 1000))
    submitted = report(ministry)
    for n in range(2):
        client.post(
            reverse("ethics:follow"), {"code": f"9999 0000 0000 000{n}"}, REMOTE_ADDR="198.51.100.1"
        )
    response = client.post(
        reverse("ethics:follow"), {"code": submitted.receipt_code}, REMOTE_ADDR="198.51.100.2"
    )
    assert response.status_code == 302


def test_failures_across_many_clients_never_lock_out_the_right_code(client, ministry):
    # No global failure limit: strangers' wrong codes must not lock a reporter out of the
    # case (the code's strength, 10^16 behind a slow hash, is the defence against a botnet).
    assert throttling.LIMITS["receipt_failure"][1] is None
    submitted = report(ministry)
    for n in range(30):
        client.post(
            reverse("ethics:follow"),
            {"code": f"9999 0000 0000 00{n:02d}"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
    response = client.post(
        reverse("ethics:follow"), {"code": submitted.receipt_code}, REMOTE_ADDR="192.0.2.200"
    )
    assert response.status_code == 302


def test_reports_are_flood_limited_per_client(reporter_client, ministry, monkeypatch):
    monkeypatch.setitem(throttling.LIMITS, "report", (2, 1000))
    _file_report(reporter_client, ministry)
    _file_report(reporter_client, ministry)
    response = reporter_client.post(
        reverse("ethics:report_new"),
        {"category": "harassment", "state_body": ministry.pk, "subject": "x", "description": "y"},
    )
    assert response.status_code == 429
    assert EthicsCase.objects.count() == 2


def test_reports_are_flood_limited_globally(client, ministry, monkeypatch):
    monkeypatch.setitem(throttling.LIMITS, "report", (100, 2))
    data = {"category": "harassment", "state_body": ministry.pk, "subject": "x", "description": "y"}
    for n in range(2):
        client.post(reverse("ethics:report_new"), data, REMOTE_ADDR=f"198.51.100.{n}")
    response = client.post(reverse("ethics:report_new"), data, REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 429
    assert EthicsCase.objects.count() == 2


def test_the_code_ip_and_user_agent_are_stored_nowhere_and_never_logged(
    reporter_client, ministry, commissioner, caplog, client_factory=None
):
    caplog.set_level(logging.DEBUG)
    shown, _ = _file_report(reporter_client, ministry)
    code = shown.replace(" ", "")
    assert _open(reporter_client, shown).status_code == 302
    reporter_client.post(reverse("ethics:follow_case"), {"body": "More details: window 4."})
    _open(reporter_client, "0000 0000 0000 0000")
    case = EthicsCase.objects.get()
    # A commissioner works the case: every step writes an audit row.
    from ethics.services import case_reply, case_transition

    case_transition(case=case, actor=commissioner, to_status="acknowledged")
    case_reply(case=case, actor=commissioner, body="Thank you.")

    stored = all_ethics_rows_text()
    assert stored, "the scan saw the rows"
    for secret in (code, shown, CLIENT_IP, USER_AGENT, "UniqueTestAgent"):
        assert secret not in stored
        assert secret not in caplog.text
    # Not even a plain unsalted digest of the code.
    import hashlib

    for digest in (
        hashlib.sha256(code.encode()).hexdigest(),
        hashlib.md5(code.encode()).hexdigest(),  # noqa: S324
    ):
        assert digest not in stored


def test_the_stored_hash_is_a_slow_salted_hash_under_the_production_hashers(ministry, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    one = report(ministry)
    two = report(ministry)
    assert one.case.receipt_hash.startswith("argon2$")
    assert len(one.case.receipt_lookup) == receipts.LOOKUP_CHARS
    assert case_for_receipt(code=one.receipt_code) == one.case
    assert two.case.receipt_hash != one.case.receipt_hash


def test_a_system_case_cannot_be_opened_with_any_code(ministry):
    from tests.ethics.factories import system_case

    system_case(ministry)
    assert case_for_receipt(code="") is None
    assert not EthicsCase.objects.exclude(receipt_lookup="").exists()


def test_the_reporter_page_without_a_code_sends_back_to_the_code_form(client):
    response = client.get(reverse("ethics:follow_case"))
    assert response.status_code == 302
    assert response["Location"] == reverse("ethics:follow")


def test_a_forged_access_cookie_opens_nothing(client, ministry):
    submitted = report(ministry)
    client.cookies["eqyzmet_ethics_case"] = str(submitted.case.pk)
    assert client.get(reverse("ethics:follow_case")).status_code == 302


def test_leaving_forgets_the_access(reporter_client, ministry):
    submitted = report(ministry)
    _open(reporter_client, submitted.receipt_code)
    assert reporter_client.get(reverse("ethics:follow_case")).status_code == 200
    reporter_client.post(reverse("ethics:follow_leave"))
    assert reporter_client.get(reverse("ethics:follow_case")).status_code == 302


def test_the_state_body_list_is_offered_on_the_form(client, ministry):
    html = client.get(reverse("ethics:report_new")).content.decode()
    assert StateBody.objects.get(pk=ministry.pk).name in html


def test_a_freshly_drawn_code_already_in_use_is_drawn_again(ministry, monkeypatch):
    first = report(ministry)
    draws = iter([first.receipt_code, first.receipt_code, "5555666677778888"])
    monkeypatch.setattr(receipts, "receipt_code_new", lambda: next(draws))
    second = report(ministry)
    assert second.receipt_code == "5555666677778888"
    assert case_for_receipt(code=first.receipt_code) == first.case
    assert case_for_receipt(code=second.receipt_code) == second.case


def test_reloading_the_receipt_page_files_nothing_and_shows_the_code_no_more(
    reporter_client, ministry
):
    """Post/redirect/get: the receipt page is a GET, so a reload (or Back and Forward) never
    sends the report again; the code itself is shown once and kept nowhere."""
    code, _response = _file_report(reporter_client, ministry)
    assert EthicsCase.objects.count() == 1
    again = reporter_client.get(reverse("ethics:report_receipt"))
    assert again.status_code == 200
    html = again.content.decode()
    assert code not in html
    assert "has already been shown" in html
    assert EthicsCase.objects.count() == 1
    assert "no-store" in again["Cache-Control"]
