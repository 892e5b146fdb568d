"""The payroll results API: the export page's rule (HR officers of the cycle's body and
platform administrators), across cycles, filtered by year and quarter, never beyond a
token's state body."""

from __future__ import annotations

import pytest

from eqyzmet.api_auth import api_token_issue
from tests.evaluation.factories import Role, assessment_of, employee, open_cycle, person, score

pytestmark = pytest.mark.django_db

URL = "/api/v1/hr/evaluation-results/"
ERROR_KEYS = {"code", "message", "fields"}


@pytest.fixture
def emp(department, manager, competencies):
    return employee(department, supervisor=manager, unit_head=manager)


@pytest.fixture
def result(emp, department, manager):
    cycle = open_cycle(department, year=2025, quarter=1)
    return score(assessment_of(emp, cycle), manager)


def _rows(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_hr_of_the_body_gets_the_export_rows(client, result, emp, hr_officer, admin_user):
    for user in (hr_officer, admin_user):
        client.force_login(user)
        body = _rows(client)
        assert body["count"] == 1
        row = body["results"][0]
        assert row == {
            "employee_id": emp.pk,
            "email": emp.user.email,
            "position": emp.position,
            "unit": emp.state_body.code,
            "state_body": result.cycle.state_body.code,
            "period": "2025 Q1",
            "kind": "quarter",
            "year": 2025,
            "quarter": 1,
            "status": result.status,
            "composite": f"{result.composite:.2f}",
            "band": result.band,
            "bonus_tier": result.bonus_tier,
            "bonus_percent": result.bonus_percent,
        }
        assert result.has_result


def test_rows_without_an_issued_result_carry_no_score(client, emp, department, hr_officer):
    open_cycle(department, year=2025, quarter=2)
    client.force_login(hr_officer)
    row = _rows(client)["results"][0]
    assert row["status"] == "open"
    assert (row["composite"], row["band"], row["bonus_tier"], row["bonus_percent"]) == (
        None,
        "",
        None,
        0,
    )


def test_other_roles_and_anonymous_are_refused_in_the_one_error_shape(
    client, result, manager, emp, candidate, department
):
    response = client.get(URL)
    assert response.status_code in (401, 403)
    assert set(response.json()) == ERROR_KEYS
    for user in (manager, emp.user, candidate, person(Role.ETHICS_COMMISSIONER, department)):
        client.force_login(user)
        response = client.get(URL, headers={"accept-language": "ru"})
        assert response.status_code == 403, user
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["code"] == "permission_denied"


def test_hr_of_another_body_sees_none_of_these_rows(client, result, other_hr_officer):
    client.force_login(other_hr_officer)
    assert _rows(client)["count"] == 0


def test_a_token_reaches_only_its_own_body(
    client, result, hr_officer, ministry, department, other_ministry
):
    _t, elsewhere = api_token_issue(
        name="Payroll", user=hr_officer, state_body=other_ministry, actor=hr_officer
    )
    _t, own = api_token_issue(
        name="Payroll", user=hr_officer, state_body=department, actor=hr_officer
    )
    response = client.get(URL, headers={"authorization": f"Token {elsewhere}"})
    assert response.status_code == 200 and response.json()["count"] == 0
    response = client.get(URL, headers={"authorization": f"Token {own}"})
    assert response.json()["count"] == 1


def test_year_quarter_and_kind_filter_the_rows(client, emp, department, manager, hr_officer):
    score(assessment_of(emp, open_cycle(department, year=2025, quarter=1)), manager)
    score(assessment_of(emp, open_cycle(department, year=2025, quarter=2)), manager)
    open_cycle(department, year=2026, quarter=1)
    client.force_login(hr_officer)
    assert _rows(client)["count"] == 3
    assert _rows(client, year=2025)["count"] == 2
    assert [r["period"] for r in _rows(client, year=2025, quarter=2)["results"]] == ["2025 Q2"]
    assert _rows(client, kind="annual")["count"] == 0
    assert [r["period"] for r in _rows(client)["results"]] == ["2025 Q1", "2025 Q2", "2026 Q1"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": "last"}, "year"), ({"quarter": 5}, "quarter"), ({"kind": "monthly"}, "kind")],
)
def test_bad_filters_are_refused_with_a_translated_message(
    client, result, hr_officer, params, field
):
    client.force_login(hr_officer)
    response = client.get(URL, params, headers={"accept-language": "ru"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS and field in body["fields"]
    assert body["message"] == "Запрос содержит недопустимые поля."


def test_the_query_count_does_not_grow_with_rows(
    client, department, manager, hr_officer, competencies, django_assert_max_num_queries
):
    employee(department, supervisor=manager, unit_head=manager)
    open_cycle(department, year=2025, quarter=1)
    client.force_login(hr_officer)
    with django_assert_max_num_queries(12) as few:
        _rows(client)
    for _ in range(8):
        employee(department, supervisor=manager, unit_head=manager)
    open_cycle(department, year=2025, quarter=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _rows(client)["count"] == 10
