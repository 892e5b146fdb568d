"""The contract payroll API (issue 16): confirmed quarters only, for HR officers of the
contract's body (and platform administrators), filtered by year and quarter, never beyond a
token's state body, in the one error shape, with a query count that does not grow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from eqyzmet.api_auth import api_token_issue
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.contracts import results
from tests.factories import UserFactory, make_state_body
from tests.recruitment.contract_factories import make_contract, make_project

pytestmark = pytest.mark.django_db

URL = "/api/v1/hr/contract-results/"
ERROR_KEYS = {"code", "message", "fields"}


@pytest.fixture(autouse=True)
def _november():
    with time_machine.travel(dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def body(roles):
    return make_state_body()


@pytest.fixture
def hr(body):
    officer = UserFactory()
    staff_assign(user=officer, role=Role.HR_OFFICER, state_body=body)
    return officer


@pytest.fixture
def contract(body, hr):
    return make_contract(project=make_project(body=body, hr=hr))


def quarter(contract, year, number, *, confirm=True, first="10", second="4"):
    ids = list(contract.indicators.order_by("pk").values_list("pk", flat=True))
    report = results.report_submit(
        contract=contract,
        year=year,
        quarter=number,
        actuals={ids[0]: Decimal(first), ids[1]: Decimal(second)},
        actor=contract.employee,
    )
    if confirm:
        report = results.report_confirm(report=report, actor=contract.project.responsible_official)
    return report


def _rows(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_hr_of_the_body_gets_the_confirmed_quarters(client, contract, hr, admin_user):
    report = quarter(contract, 2026, 1)
    for user in (hr, admin_user):
        client.force_login(user)
        body = _rows(client)
        assert body["count"] == 1
        assert body["results"][0] == {
            "contract_id": contract.pk,
            "employee_id": contract.employee_id,
            "email": contract.employee.email,
            "project_id": contract.project_id,
            "project": contract.project.name,
            "state_body": contract.state_body.code,
            "year": 2026,
            "quarter": 1,
            "score": f"{report.score:.4f}",
            "results_pay": f"{report.results_pay:.2f}",
            "base_pay": "450000.00",
            "rules_version": 1,
            "confirmed_at": "2026-11-10T14:00:00+05:00",  # Astana time
        }
    assert report.results_pay == Decimal("300000.00")


def test_a_quarter_awaiting_confirmation_is_left_out(client, contract, hr):
    quarter(contract, 2026, 1)
    quarter(contract, 2026, 2, confirm=False)
    client.force_login(hr)
    assert [(r["year"], r["quarter"]) for r in _rows(client)["results"]] == [(2026, 1)]


def test_hr_of_another_body_sees_none_of_these_rows(client, contract):
    quarter(contract, 2026, 1)
    elsewhere = UserFactory()
    staff_assign(user=elsewhere, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(elsewhere)
    assert _rows(client)["count"] == 0


def test_hr_of_a_parent_body_sees_the_contracts_beneath(client, roles):
    ministry = make_state_body()
    department = make_state_body(parent=ministry)
    contract = make_contract(project=make_project(body=department))
    quarter(contract, 2026, 1)
    officer = UserFactory()
    staff_assign(user=officer, role=Role.HR_OFFICER, state_body=ministry)
    client.force_login(officer)
    assert _rows(client)["count"] == 1


def test_a_token_reaches_only_its_own_body(client, contract, hr, body):
    quarter(contract, 2026, 1)
    _t, elsewhere = api_token_issue(name="Payroll", user=hr, state_body=make_state_body(), actor=hr)
    _t, own = api_token_issue(name="Payroll", user=hr, state_body=body, actor=hr)
    response = client.get(URL, headers={"authorization": f"Token {elsewhere}"})
    assert response.status_code == 200 and response.json()["count"] == 0
    response = client.get(URL, headers={"authorization": f"Token {own}"})
    assert response.json()["count"] == 1


def test_the_employee_the_official_a_candidate_and_anonymous_are_refused(client, contract, body):
    quarter(contract, 2026, 1)
    response = client.get(URL)
    assert response.status_code in (401, 403)
    assert set(response.json()) == ERROR_KEYS
    candidate = UserFactory()
    staff_assign(user=candidate, role=Role.CANDIDATE, state_body=None)
    manager = UserFactory()
    staff_assign(user=manager, role=Role.MANAGER, state_body=body)
    for user in (contract.employee, contract.project.responsible_official, candidate, manager):
        client.force_login(user)
        response = client.get(URL, headers={"accept-language": "ru"})
        assert response.status_code == 403, user
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["code"] == "permission_denied"


def test_year_and_quarter_filter_the_rows(client, roles, body, hr):
    project = make_project(body=body, hr=hr)
    earlier = make_contract(project=project, starts_on=dt.date(2025, 10, 1))
    quarter(earlier, 2025, 4)
    quarter(earlier, 2026, 1)
    quarter(earlier, 2026, 2)
    client.force_login(hr)
    assert _rows(client)["count"] == 3
    assert _rows(client, year=2026)["count"] == 2
    assert [(r["year"], r["quarter"]) for r in _rows(client, year=2026, quarter=2)["results"]] == [
        (2026, 2)
    ]
    assert _rows(client, quarter=4)["count"] == 1
    assert [(r["year"], r["quarter"]) for r in _rows(client)["results"]] == [
        (2025, 4),
        (2026, 1),
        (2026, 2),
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": "last"}, "year"), ({"quarter": 5}, "quarter"), ({"year": 1999}, "year")],
)
def test_bad_filters_are_refused_with_a_translated_message(client, contract, hr, params, field):
    client.force_login(hr)
    response = client.get(URL, params, headers={"accept-language": "ru"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS and field in body["fields"]
    assert body["message"] == "Запрос содержит недопустимые поля."


def test_the_query_count_does_not_grow_with_rows(
    client, body, hr, contract, django_assert_max_num_queries
):
    quarter(contract, 2026, 1)
    client.force_login(hr)
    with django_assert_max_num_queries(12) as few:
        assert _rows(client)["count"] == 1
    project = make_project(body=body, hr=hr)
    for _ in range(6):
        more = make_contract(project=project)
        quarter(more, 2026, 1)
        quarter(more, 2026, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _rows(client)["count"] == 13


def test_the_schema_documents_the_operation(client):
    schema = client.get("/api/schema/", headers={"accept": "application/json"})
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/hr/contract-results/" in text
    assert "ContractResult" in text
