"""The ethics API: anonymous intake and follow-up by receipt code, under the same rules and
limits as the public pages, showing the reporter nothing the follow-up page hides."""

from __future__ import annotations

import pytest

from ethics import services, throttling
from ethics.models import CaseMessage, EthicsCase, Status
from tests.ethics.conftest import CLIENT_IP, USER_AGENT, all_ethics_rows_text
from tests.ethics.factories import HTML_BYTES, PDF_BYTES, pdf, report

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/ethics/reports/"
FOLLOW = "/api/v1/ethics/follow/"
MESSAGES = "/api/v1/ethics/follow/messages/"
ERROR_KEYS = {"code", "message", "fields"}


def _report_data(body, **extra):
    return {
        "category": "corruption_risk",
        "state_body": body.pk,
        "subject": "Bribe at the licensing desk",
        "description": "On 3 March a specialist asked for money to speed up a licence.",
        **extra,
    }


def _file(client, body, **extra):
    response = client.post(REPORTS, _report_data(body, **extra), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _follow(client, code, **headers):
    return client.get(FOLLOW, headers={"x-receipt-code": code, **headers})


# --- Intake --------------------------------------------------------------------------------


def test_an_anonymous_report_returns_its_receipt_code_once_and_stores_no_address(
    reporter_client, ministry
):
    response = reporter_client.post(
        REPORTS, _report_data(ministry), content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "receipt_code"}
    assert "no-store" in response["Cache-Control"]
    case = EthicsCase.objects.get()
    assert body["reference"] == case.reference
    assert case.status == Status.NEW and not case.identity_given
    code = body["receipt_code"]
    stored = all_ethics_rows_text()
    assert code.replace(" ", "") not in stored and code not in stored
    assert CLIENT_IP not in stored and USER_AGENT not in stored
    assert _follow(reporter_client, code).json()["reference"] == case.reference


def test_a_signed_in_person_reports_without_their_account_being_attached(
    client, ministry, hr_officer
):
    client.force_login(hr_officer)
    _file(client, ministry)
    case = EthicsCase.objects.get()
    assert not case.identity_given and case.reporter_contact == ""
    assert hr_officer.email not in all_ethics_rows_text()


def test_a_reporter_may_give_a_name_and_files(client, ministry):
    data = _report_data(ministry, reporter_name="Aigerim", attachments=[pdf("scan.pdf")])
    response = client.post(REPORTS, data)  # multipart
    assert response.status_code == 201, response.content
    case = EthicsCase.objects.get()
    assert case.identity_given and case.reporter_name == "Aigerim"
    assert [a.original_name for a in case.attachments.all()] == ["scan.pdf"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "integrity_flag"}, "category"),  # a system category, not for people
        ({"state_body": 999_999}, "state_body"),
        ({"subject": ""}, "subject"),
        ({"description": "x" * 20_001}, "description"),
    ],
)
def test_bad_input_is_refused_with_a_translated_message_and_files_nothing(
    client, ministry, change, field
):
    response = client.post(
        REPORTS,
        _report_data(ministry, **change),
        content_type="application/json",
        headers={"accept-language": "ru"},
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == "invalid"
    assert field in body["fields"]
    assert body["message"] == "Запрос содержит недопустимые поля."
    assert not EthicsCase.objects.exists()


def test_a_disguised_file_is_refused_by_content_and_nothing_is_filed(client, ministry):
    fake = pdf("report.pdf", content=HTML_BYTES)
    response = client.post(REPORTS, _report_data(ministry, attachments=[fake]))
    assert response.status_code == 400
    assert response.json()["code"] == "file_type"
    assert not EthicsCase.objects.exists()


def test_reports_are_limited_per_connection_like_the_page(reporter_client, ministry):
    for _ in range(throttling.LIMITS["report"][0]):
        _file(reporter_client, ministry)
    response = reporter_client.post(
        REPORTS,
        _report_data(ministry),
        content_type="application/json",
        headers={"accept-language": "ru"},
    )
    assert response.status_code == 429
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == "throttled"
    assert "слишком много" in body["message"]
    assert EthicsCase.objects.count() == throttling.LIMITS["report"][0]


# --- Follow-up -----------------------------------------------------------------------------


def test_the_reporter_sees_what_the_page_shows_and_no_internals(client, ministry, commissioner):
    submitted = report(ministry, attachments=[pdf("proof.pdf")], reporter_name="Aigerim")
    case = submitted.case
    services.case_assign(case=case, actor=commissioner, assignee=commissioner)
    services.case_note_add(case=case, actor=commissioner, body="INTERNAL-NOTE-7731")
    services.case_reply(case=case, actor=commissioner, body="Thank you, we are looking.")
    services.case_transition(case=case, actor=commissioner, to_status=Status.ACKNOWLEDGED)

    response = _follow(client, submitted.receipt_code)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["reference"] == case.reference
    assert body["status"] == "acknowledged"
    assert body["state_body"]["id"] == ministry.pk
    assert body["accepts_messages"] is True
    assert body["answer_expected_by"]
    assert [a["name"] for a in body["attachments"]] == ["proof.pdf"]
    assert [(m["author"], m["body"]) for m in body["messages"]] == [
        ("commissioner", "Thank you, we are looking.")
    ]
    text = response.content.decode()
    for secret in ("INTERNAL-NOTE-7731", commissioner.email, "Aigerim", "evidence"):
        assert secret not in text


def test_a_wrong_code_is_404_and_ten_wrong_codes_lock_the_connection(reporter_client, ministry):
    submitted = report(ministry)
    for n in range(throttling.LIMITS["receipt_failure"][0]):
        response = _follow(reporter_client, f"{n:016d}", **{"accept-language": "ru"})
        assert response.status_code == 404
        assert set(response.json()) == ERROR_KEYS
        assert "квитанции" in response.json()["message"].lower()
    response = _follow(reporter_client, submitted.receipt_code)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_a_missing_code_is_bad_input(client):
    response = client.get(FOLLOW, headers={"accept-language": "ru"})
    assert response.status_code == 400
    assert response.json()["fields"] == {"X-Receipt-Code": ["Обязательное поле."]}


def test_the_code_is_never_taken_from_the_url(client, ministry):
    submitted = report(ministry)
    response = client.get(FOLLOW, {"code": submitted.receipt_code})
    assert response.status_code == 400


def test_the_reporter_writes_to_the_commissioner(client, ministry):
    submitted = report(ministry)
    response = client.post(
        MESSAGES,
        {"body": "One more detail.", "attachments": [pdf("more.pdf", content=PDF_BYTES)]},
        headers={"x-receipt-code": submitted.receipt_code},
    )
    assert response.status_code == 201, response.content
    assert response.json()["author"] == "reporter"
    assert response.json()["attachments"][0]["name"] == "more.pdf"
    message = CaseMessage.objects.get()
    assert message.author == CaseMessage.Author.REPORTER and message.commissioner_id is None
    thread = _follow(client, submitted.receipt_code).json()["messages"]
    assert [m["body"] for m in thread] == ["One more detail."]


def test_an_empty_message_or_a_closed_case_changes_nothing(client, ministry, commissioner):
    submitted = report(ministry)
    headers = {"x-receipt-code": submitted.receipt_code, "accept-language": "ru"}
    response = client.post(MESSAGES, {"body": ""}, content_type="application/json", headers=headers)
    assert response.status_code == 400 and "body" in response.json()["fields"]
    services.case_transition(
        case=submitted.case,
        actor=commissioner,
        to_status=Status.DISMISSED,
        reasoning="Out of scope",
    )
    assert _follow(client, submitted.receipt_code).json()["accepts_messages"] is False
    response = client.post(
        MESSAGES, {"body": "Hello?"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "closed"
    assert response.json()["message"] == "Это дело закрыто; сообщения больше не принимаются."
    assert not CaseMessage.objects.exists()


def test_a_message_needs_the_right_code(client, ministry):
    report(ministry)
    response = client.post(
        MESSAGES,
        {"body": "Hello"},
        content_type="application/json",
        headers={"x-receipt-code": "1234 5678 9012 3456"},
    )
    assert response.status_code == 404
    assert not CaseMessage.objects.exists()


def test_messages_are_limited_per_connection_like_the_page(client, ministry, monkeypatch):
    monkeypatch.setitem(throttling.LIMITS, "message", (2, 2000))
    submitted = report(ministry)
    headers = {"x-receipt-code": submitted.receipt_code}
    for n in range(2):
        response = client.post(
            MESSAGES, {"body": f"Message {n}"}, content_type="application/json", headers=headers
        )
        assert response.status_code == 201
    response = client.post(
        MESSAGES, {"body": "One too many"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 429
    assert CaseMessage.objects.count() == 2


def test_an_api_token_or_staff_session_reaches_no_case_without_its_code(
    client, ministry, commissioner
):
    report(ministry)
    client.force_login(commissioner)
    assert client.get(FOLLOW, headers={"x-receipt-code": "0" * 16}).status_code == 404


def test_a_report_posted_from_another_website_is_refused_and_files_nothing(client, ministry):
    response = client.post(
        REPORTS,
        _report_data(ministry),
        content_type="application/json",
        headers={"origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert set(response.json()) == ERROR_KEYS
    assert not EthicsCase.objects.exists()
    # From the portal's own pages, or from a server (no Origin), it is accepted.
    same_site = client.post(
        REPORTS,
        _report_data(ministry),
        content_type="application/json",
        headers={"origin": "http://testserver"},
    )
    assert same_site.status_code == 201
    _file(client, ministry)
    assert EthicsCase.objects.count() == 2
