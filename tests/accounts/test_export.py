"""Download my data: everything the portal holds about me, as I may see it, and nothing
about anyone else."""

from __future__ import annotations

import json

import pytest

from eqyzmet.accounts.personal_data import personal_data_sources
from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from evaluation.models import Competency
from tests.accounts.builders import two_candidates_with_history
from tests.evaluation.factories import assessment_of, employee, open_cycle, person, score
from tests.factories import UserFactory, make_state_body

pytestmark = pytest.mark.django_db


def _download(client, user) -> tuple[dict, str]:
    client.force_login(user)
    response = client.get("/en/accounts/account/my-data.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    return json.loads(text), text


def test_the_export_holds_my_account_profile_applications_appeals_and_consents(client):
    _staff, me, _other = two_candidates_with_history()
    data, _text = _download(client, me.candidate.user)

    assert data["account"]["email"] == me.candidate.email
    assert [c["version"] for c in data["consents"]] == ["2026-1"]
    profile = data["recruitment"]["profile"]
    assert profile["full_name"] == me.candidate.full_name
    assert profile["iin"] == me.candidate.iin
    assert profile["phone"] == me.candidate.phone
    assert profile["education"][0]["institution"].startswith("University of Leaktestov")
    assert profile["experience"][0]["employer"].startswith("Office of Leaktestov")
    assert profile["documents"][0]["kind"] == "Diploma"
    assert profile["documents"][0]["content_type"] == "application/pdf"

    applications = {a["code"]: a for a in data["recruitment"]["applications"]}
    assert set(applications) == {me.running.code, me.finished.code}
    finished = applications[me.finished.code]
    assert finished["competition"] == me.finished.competition.number
    assert finished["rank"] == 2 and finished["final_score"] == "7.500"
    assert finished["stage_results"] == [
        {"stage": "Legislation test", "score": "41.000", "max_score": "55.00", "passed": True}
    ]
    assert finished["appeals"][0]["grounds"] == "A-GROUNDS my test was unfair"
    assert [n["event"] for n in finished["notifications"]] == [
        "application_received",
        "stage_result",
    ]
    running = applications[me.running.code]
    assert running["status"] == "Admitted"
    assert running["rank"] is None and running["stage_results"] == []
    assert AuditEvent.objects.filter(action="account.data_exported").count() == 1


def test_the_export_holds_nothing_of_another_candidate_or_of_the_staff(client):
    staff, me, other = two_candidates_with_history()
    _data, text = _download(client, me.candidate.user)
    for secret in [
        *other.candidate.markers,
        other.running.code,
        other.finished.code,
        "B-GROUNDS",
        # The commission's marks and comments, its members and internal flags.
        "MARK-COMMENT",
        "timing-anomaly-SECRET",
        *(member.email for member in staff.members),
        staff.hr.email,
    ]:
        assert secret not in text, secret


def test_a_person_without_a_candidate_profile_gets_the_account_part(client):
    user = UserFactory()
    data, _text = _download(client, user)
    assert data["account"]["email"] == user.email
    assert "recruitment" not in data
    assert data["format"] == "eqyzmet-personal-data/1"


def test_recruitment_and_evaluation_register_their_sources():
    assert {s.name for s in personal_data_sources()} >= {"recruitment", "evaluation"}


def test_the_export_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    _staff, me, _other = two_candidates_with_history()
    client.force_login(me.candidate.user)
    with django_assert_max_num_queries(30):
        assert client.get("/en/accounts/account/my-data.json").status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in [
        "/en/accounts/account/",
        "/en/accounts/account/my-data.json",
        "/en/accounts/account/email/",
        "/en/accounts/account/password/",
        "/en/accounts/account/delete/",
        "/en/accounts/account/consent/",
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/en/accounts/login/"), path


def test_an_employee_gets_their_own_evaluation_results_and_nobody_else_s(client):
    Competency.objects.create(
        code="professionalism",
        name_kk="Кәсібилік",
        name_ru="Профессионализм",
        name_en="Professionalism",
        position=1,
    )
    body = make_state_body()
    manager = person(Role.MANAGER, body)
    me = employee(body, supervisor=manager, unit_head=manager, position="Chief expert")
    colleague = employee(body, supervisor=manager, unit_head=manager, position="Senior expert")
    cycle = open_cycle(body)
    score(assessment_of(me, cycle), manager, mark=4)
    score(assessment_of(colleague, cycle), manager, mark=1)

    data, text = _download(client, me.user)
    evaluation = data["evaluation"]
    assert evaluation["employee"]["position"] == "Chief expert"
    [row] = evaluation["assessments"]
    assert row["period"] == cycle.label and row["status"] == "Result issued"
    assert row["composite"] == str(assessment_of(me, cycle).composite)
    assert colleague.user.email not in text and "Senior expert" not in text
    # Who scored is not the employee's data to download.
    assert manager.email not in text
