"""schemathesis against the live OpenAPI schema, in process: no server errors, no response
that breaks the schema, and no endpoint that answers without the right permission.

Each operation is exercised twice: anonymously, and as an HR officer with an API token
scoped to a body that has a competition with applications. A bounded number of examples
per operation keeps the run short.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from eqyzmet.api_auth import api_token_issue
from eqyzmet.wsgi import application
from recruitment import services
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hr_token(db):
    from eqyzmet.services import roles_setup

    roles_setup()
    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    for _ in range(2):
        services.application_submit(
            user=make_candidate().user,
            competition=competition,
            vacancy=competition.vacancies.get(),
            consent=True,
        )
    _token, plain = api_token_issue(
        name="schemathesis", user=staff.hr, state_body=staff.body, actor=staff.hr
    )
    return plain


def _operations():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the schema lists no operation"
    return operations


def _exercise(operation, check) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def run(case):
        check(case)

    run()


def test_api_conforms_to_its_schema_anonymously():
    def check(case):
        response = case.call()
        assert response.status_code < 500, f"{case.operation.label}: {response.text[:500]}"
        if response.status_code in (401, 403):
            assert set(response.json()) == {"code", "message", "fields"}
        else:
            case.validate_response(response)

    for operation in _operations():
        _exercise(operation, check)


def test_api_conforms_to_its_schema_with_a_token(hr_token):
    def check(case):
        headers = {"Authorization": f"Token {hr_token}"}
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.operation.label}: {response.text[:500]}"
        case.validate_response(response, headers=headers)

    for operation in _operations():
        _exercise(operation, check)
