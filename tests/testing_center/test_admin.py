"""The admin side: results by code for the HR officer of the body, nothing for others;
the bank for its owners; item analysis flags weak items."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from testing_center.analysis import sitting_analyse
from testing_center.delivery import attempt_start, attempt_submit
from testing_center.models import Attempt, ItemStatistic, Question, SittingStatistic
from tests.factories import UserFactory, make_state_body
from tests.testing_center.factories import make_application, make_candidate
from tests.testing_center.helpers import answer_sections

pytestmark = pytest.mark.django_db

RESULTS = "/admin/testing_center/attempt/"


@pytest.fixture
def scored(contest, django_capture_on_commit_callbacks):
    """Five candidates sat the test and were scored."""
    codes = []
    for n in range(5):
        user = make_candidate()
        application = make_application(contest, user=user)
        codes.append(application.code)
        attempt = attempt_start(user=user, sitting=contest.sitting)
        answer_sections(attempt, {1: min(n, 3), 2: max(0, n - 2)})
        with django_capture_on_commit_callbacks(execute=True):
            attempt_submit(attempt=attempt, by="candidate")
    return codes


def test_hr_officer_sees_stage_results_by_code(
    client, contest, scored, django_assert_max_num_queries
):
    client.force_login(contest.hr)
    with django_assert_max_num_queries(15):
        html = client.get(RESULTS).content.decode()
    for code in scored:
        assert code in html
    assert "@" not in html.split('id="result_list"')[1].split("</table>")[0]
    attempt = Attempt.objects.first()
    assert client.get(f"{RESULTS}{attempt.pk}/change/").status_code == 200


def test_hr_officer_of_another_body_sees_no_results(client, contest, scored):
    other = UserFactory()
    staff_assign(user=other, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(other)
    html = client.get(RESULTS).content.decode()
    assert not any(code in html for code in scored)
    attempt = Attempt.objects.first()
    assert client.get(f"{RESULTS}{attempt.pk}/change/").status_code == 302  # admin's "not found"


@pytest.mark.parametrize("who", ["anonymous", "candidate"])
def test_results_admin_is_closed_to_non_staff(client, contest, scored, candidate, who):
    if who == "candidate":
        client.force_login(candidate)
    response = client.get(RESULTS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_results_list_query_count_does_not_grow(
    client, contest, scored, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(contest.hr)
    for _ in range(5):
        user = make_candidate()
        make_application(contest, user=user)
        attempt = attempt_start(user=user, sitting=contest.sitting)
        with django_capture_on_commit_callbacks(execute=True):
            attempt_submit(attempt=attempt, by="candidate")
    with django_assert_max_num_queries(15):
        assert client.get(RESULTS).status_code == 200


def test_item_analysis_of_a_closed_sitting_flags_weak_items(contest, scored):
    stats = sitting_analyse(sitting_id=contest.sitting.pk)
    assert isinstance(stats, SittingStatistic) and stats.attempts == 5
    assert ItemStatistic.objects.filter(sitting=contest.sitting).exists()
    assert ItemStatistic.objects.filter(flagged=True).exists()


def test_hr_officer_imports_into_their_own_bank_only(client, contest):
    client.force_login(contest.hr)
    doc = {
        "format": "eqyzmet-question-bank",
        "version": 1,
        "topics": [{"code": "own-topic", "name_ru": "Свой"}],
        "questions": [
            {"id": "own-1", "topic": "own-topic", "kind": "essay", "text": {"ru": "Эссе"}}
        ],
    }
    upload = SimpleUploadedFile("bank.json", json.dumps(doc).encode(), "application/json")
    response = client.post("/admin/testing_center/question/import/", {"file": upload})
    assert response.status_code == 302
    question = Question.objects.get(external_id="own-1")
    assert question.topic.owner_body == contest.body
    assert client.get("/admin/testing_center/question/").status_code == 200


def test_an_import_with_errors_shows_them_and_imports_nothing(client, contest):
    client.force_login(contest.hr)
    before = Question.objects.count()
    bad = b'{"format": "eqyzmet-question-bank", "version": 1, "questions": [{"id": "x"}]}'
    response = client.post(
        "/admin/testing_center/question/import/", {"file": SimpleUploadedFile("bank.json", bad)}
    )
    assert response.status_code == 200
    assert 'id="import-errors"' in response.content.decode()
    assert Question.objects.count() == before


def test_a_candidate_cannot_open_the_bank_admin(client, candidate):
    client.force_login(candidate)
    assert client.get("/admin/testing_center/question/").status_code == 302
