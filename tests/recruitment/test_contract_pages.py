"""Contract pages and admin (issue 16): who may see and do what, and what they see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.models_contracts import Contract, Extension, QuarterReport
from tests.factories import UserFactory, make_state_body
from tests.recruitment.contract_factories import make_contract, make_project

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _july():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setup(roles):
    body = make_state_body()
    hr = UserFactory()
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=body)
    project = make_project(body=body, hr=hr)
    contract = make_contract(project=project)
    return hr, project, contract


def _report_data(contract, **values):
    ids = list(contract.indicators.order_by("pk").values_list("pk", flat=True))
    prefix = f"c{contract.pk}"
    data = {f"{prefix}-year": 2026, f"{prefix}-quarter": 2, f"{prefix}-comment": ""}
    data[f"{prefix}-actual_{ids[0]}"] = values.get("first", "10")
    data[f"{prefix}-actual_{ids[1]}"] = values.get("second", "4")
    return data


# --- The contract employee's page --------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, setup):
    response = client.get("/en/my/contract/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_person_without_a_contract_is_refused(client, setup):
    client.force_login(UserFactory())
    assert client.get("/en/my/contract/").status_code == 403


def test_the_employee_sees_their_contract_and_reports_a_quarter(
    client, setup, django_assert_max_num_queries
):
    _hr, project, contract = setup
    client.force_login(contract.employee)
    with django_assert_max_num_queries(15):
        page = client.get("/en/my/contract/").content.decode()
    assert project.name in page
    assert "Services moved online" in page
    assert "Report a quarter" in page
    response = client.post(f"/en/my/contract/{contract.pk}/report/", _report_data(contract))
    assert response.status_code == 302
    report = QuarterReport.objects.get(contract=contract)
    assert (report.year, report.quarter, report.status) == (2026, 2, QuarterReport.Status.SUBMITTED)
    page = client.get("/en/my/contract/").content.decode()
    assert "Submitted" in page


def test_the_project_is_named_in_the_readers_language_else_as_registered(client, setup):
    _hr, project, contract = setup
    project.name_ru = "Цифровое лицензирование"
    project.save(update_fields=["name_ru"])
    client.force_login(contract.employee)
    russian = client.get("/ru/my/contract/").content.decode()
    english = client.get("/en/my/contract/").content.decode()
    assert "Цифровое лицензирование" in russian and project.name not in russian
    assert project.name in english and "Цифровое лицензирование" not in english


def test_a_bad_report_shows_a_message_and_saves_nothing(client, setup):
    _hr, _project, contract = setup
    client.force_login(contract.employee)
    data = _report_data(contract)
    data[f"c{contract.pk}-quarter"] = 4  # the fourth quarter has not started in July
    response = client.post(f"/en/my/contract/{contract.pk}/report/", data)
    assert response.status_code == 400
    assert "Report a quarter that has started" in response.content.decode()
    assert not QuarterReport.objects.exists()


def test_another_persons_contract_cannot_be_reported_by_url_guessing(client, setup):
    _hr, _project, contract = setup
    other = make_contract(project=contract.project)
    client.force_login(other.employee)
    response = client.post(f"/en/my/contract/{contract.pk}/report/", _report_data(contract))
    assert response.status_code == 404
    assert not QuarterReport.objects.exists()


# --- The responsible official's page -----------------------------------------------------


def test_only_a_responsible_official_opens_the_officials_page(client, setup):
    _hr, project, contract = setup
    for person in (contract.employee, UserFactory()):
        client.force_login(person)
        assert client.get("/en/contracts/official/").status_code == 403
    client.force_login(project.responsible_official)
    page = client.get("/en/contracts/official/").content.decode()
    assert project.name in page
    assert contract.employee.email in page


def test_the_official_confirms_a_quarter_and_sees_the_pay(
    client, setup, django_assert_max_num_queries
):
    _hr, project, contract = setup
    client.force_login(contract.employee)
    client.post(
        f"/en/my/contract/{contract.pk}/report/", _report_data(contract, first="9", second="5")
    )
    report = QuarterReport.objects.get()
    client.force_login(project.responsible_official)
    with django_assert_max_num_queries(15):
        page = client.get("/en/contracts/official/").content.decode()
    assert "Confirm 2026 Q2" in page
    response = client.post(f"/en/contracts/reports/{report.pk}/confirm/", follow=True)
    report.refresh_from_db()
    assert report.status == QuarterReport.Status.CONFIRMED
    assert report.results_pay == Decimal("180000.00")
    assert "180000" in response.content.decode()


def test_another_official_or_the_employee_cannot_confirm(client, setup):
    _hr, _project, contract = setup
    client.force_login(contract.employee)
    client.post(f"/en/my/contract/{contract.pk}/report/", _report_data(contract))
    report = QuarterReport.objects.get()
    other_official = make_project().responsible_official
    for person in (contract.employee, other_official):
        client.force_login(person)
        assert client.post(f"/en/contracts/reports/{report.pk}/confirm/").status_code == 404
    assert QuarterReport.objects.get().status == QuarterReport.Status.SUBMITTED


# --- HR admin ----------------------------------------------------------------------------


def test_hr_sees_only_their_bodys_projects_and_contracts(client, setup):
    hr, project, contract = setup
    elsewhere = make_contract(project=make_project())
    client.force_login(hr)
    page = client.get("/admin/recruitment/contract/").content.decode()
    assert contract.employee.email in page
    assert elsewhere.employee.email not in page
    assert client.get(f"/admin/recruitment/contract/{elsewhere.pk}/change/").status_code == 302
    assert client.get(f"/admin/recruitment/contract/{elsewhere.pk}/decide/").status_code == 404
    page = client.get("/admin/recruitment/project/").content.decode()
    assert project.name in page


def test_hr_concludes_a_contract_and_one_over_a_year_is_refused(client, setup):
    hr, project, _contract = setup
    employee = UserFactory(email="new.contractor@example.kz")
    client.force_login(hr)
    client.cookies["eqyzmet_language"] = "en"
    data = {
        "project": project.pk,
        "employee_email": employee.email,
        "tasks": "Data platform",
        "recommendation": "Strong record on the pilot",
        "starts_on": "2026-08-01",
        "ends_on": "2027-08-01",
        "base_pay": "400000",
        "results_pay_max": "200000",
        "indicators-TOTAL_FORMS": "5",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "Datasets published",
        "indicators-0-kind": "quantitative",
        "indicators-0-direction": "higher",
        "indicators-0-target": "20",
        "indicators-0-weight": "100",
    }
    for n in range(1, 5):
        data[f"indicators-{n}-kind"] = "quantitative"
        data[f"indicators-{n}-direction"] = "higher"
    response = client.post("/admin/recruitment/contract/conclude/", data)
    assert response.status_code == 200
    assert "at most one calendar year" in response.content.decode()
    assert not Contract.objects.filter(employee=employee).exists()
    data["ends_on"] = "2027-07-31"
    response = client.post("/admin/recruitment/contract/conclude/", data)
    assert response.status_code == 302
    assert Contract.objects.get(employee=employee).indicators.get().weight == 100


def test_hr_extends_with_a_reason_in_the_admin(client, setup):
    hr, _project, contract = setup
    client.force_login(hr)
    response = client.post(
        f"/admin/recruitment/contract/{contract.pk}/decide/",
        {"decision": "extend", "ends_on": "2027-06-30", "reason": "Second phase"},
    )
    assert response.status_code == 302
    assert Extension.objects.get(contract=contract).reason == "Second phase"
    assert AuditEvent.objects.filter(action="contracts.contract.extended").exists()


def test_people_who_are_not_hr_cannot_open_the_contract_admin(client, setup):
    _hr, project, contract = setup
    for person in (contract.employee, project.responsible_official):
        client.force_login(person)
        response = client.get("/admin/recruitment/contract/conclude/")
        assert response.status_code in (302, 403, 404)
        assert not response.content.decode().count("Conclude the contract")


def test_a_flagged_contract_shows_the_missed_indicator_to_the_employee_and_the_official(
    client, setup
):
    _hr, project, contract = setup
    Contract.objects.filter(pk=contract.pk).update(
        flagged_at=TODAY, flag_note="Services moved online"
    )
    for person, url in (
        (contract.employee, "/en/my/contract/"),
        (project.responsible_official, "/en/contracts/official/"),
    ):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "Indicator missed in two quarters: Services moved online." in page


def test_my_data_holds_my_contract_and_a_contract_in_force_stops_deleting_the_account(
    client, setup
):
    import json

    from eqyzmet.accounts.personal_data import account_deletion_blockers

    _hr, project, contract = setup
    client.force_login(contract.employee)
    data = json.loads(client.get("/en/accounts/account/my-data.json").content)
    exported = data["recruitment.contracts"]["contracts"][0]
    assert exported["project"] == project.name
    assert [i["name"] for i in exported["indicators"]] == [
        "Services moved online",
        "Citizen complaints",
    ]
    blockers = account_deletion_blockers(user_id=contract.employee.pk)
    assert any("is in force until" in str(b.message) for b in blockers)
    assert not account_deletion_blockers(user_id=project.responsible_official.pk)
