"""The testing center's API: HR reads test-sitting results by anonymous code within their
bodies (and their token's); a candidate reads their own results item by item, as the result
page shows them."""

from __future__ import annotations

import pytest

from eqyzmet.api_auth import api_token_issue
from eqyzmet.codes import new_code
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.models import Application
from testing_center.delivery import attempt_start, attempt_submit
from testing_center.models import Attempt
from tests.factories import UserFactory, make_state_body
from tests.testing_center.factories import make_application, make_candidate
from tests.testing_center.helpers import answer_sections, label

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "fields"}


def _list_url(contest):
    return f"/api/v1/hr/competitions/{contest.competition.pk}/test-results/"


def _code_url(code):
    return f"/api/v1/hr/test-results/{code}/"


def _sit(contest, *, correct, submit=True, django_capture_on_commit_callbacks=None):
    user = make_candidate()
    application = make_application(contest, user=user)
    # Real codes look like K7-4QMX-9TZ2 (the testing-center factory's do not).
    application.code = new_code()
    Application.objects.filter(pk=application.pk).update(code=application.code)
    attempt = attempt_start(user=user, sitting=contest.sitting)
    answer_sections(attempt, correct)
    if submit:
        with django_capture_on_commit_callbacks(execute=True):
            attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
    attempt.refresh_from_db()
    return user, application, attempt


@pytest.fixture
def sit(contest, django_capture_on_commit_callbacks):
    def run(correct, submit=True):
        return _sit(
            contest,
            correct=correct,
            submit=submit,
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        )

    return run


@pytest.fixture
def hr_elsewhere(roles):
    user = UserFactory()
    staff_assign(user=user, role=Role.HR_OFFICER, state_body=make_state_body())
    return user


# --- HR ----------------------------------------------------------------------------------------


def test_hr_reads_every_attempt_by_code_with_sections(client, contest, sit):
    passer, passed_app, _ = sit({1: 3, 2: 2})
    _, failed_app, _ = sit({1: 3, 2: 0})
    _, pending_app, _ = sit({1: 1}, submit=False)
    client.force_login(contest.hr)
    response = client.get(_list_url(contest), headers={"accept-language": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    rows = {r["code"]: r for r in body["results"]}
    passed = rows[passed_app.code]
    assert passed["competition"] == contest.competition.number
    assert passed["stage"] == "legislation_test"
    assert (passed["status"], passed["correct_count"], passed["passed"]) == ("scored", 5, True)
    assert passed["score"] == "5.00"
    assert [
        (s["correct"], s["items"], s["min_correct"], s["passed"]) for s in passed["sections"]
    ] == [
        (3, 3, 1, True),
        (2, 3, 1, True),
    ]
    assert passed["sections"][0]["name"].endswith(" en")
    assert rows[failed_app.code]["passed"] is False
    assert rows[failed_app.code]["sections"][1]["passed"] is False
    pending = rows[pending_app.code]
    assert pending["status"] == "in_progress" and pending["score"] is None
    # Codes, stages and scores only: no user, application or attempt id.
    assert set(passed) == {
        "code",
        "competition",
        "stage",
        "attempt",
        "status",
        "started_at",
        "submitted_at",
        "submitted_by",
        "score",
        "correct_count",
        "passed",
        "sections",
    }
    assert passer.email not in response.content.decode()


def test_hr_looks_up_one_code(client, contest, sit):
    _, application, _ = sit({1: 3, 2: 3})
    client.force_login(contest.hr)
    response = client.get(_code_url(application.code.lower()))
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == application.code
    assert [r["correct_count"] for r in body["results"]] == [6]


def test_a_malformed_code_is_bad_input(client, contest):
    client.force_login(contest.hr)
    response = client.get(_code_url("not-a-code"), headers={"accept-language": "ru"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS and "code" in body["fields"]
    assert body["message"] == "Запрос содержит недопустимые поля."


def test_an_unknown_code_is_404(client, contest):
    client.force_login(contest.hr)
    response = client.get(_code_url(new_code()))
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS


def test_hr_of_another_body_and_other_roles_are_refused(
    client, contest, sit, hr_elsewhere, django_assert_max_num_queries
):
    user, application, _ = sit({1: 3, 2: 3})
    client.force_login(hr_elsewhere)
    assert client.get(_list_url(contest)).status_code == 404
    assert client.get(_code_url(application.code)).status_code == 404
    client.force_login(user)  # the candidate: no HR role
    for url in (_list_url(contest), _code_url(application.code)):
        response = client.get(url)
        assert response.status_code == 403
        assert set(response.json()) == ERROR_KEYS
    client.logout()
    for url in (_list_url(contest), _code_url(application.code)):
        assert client.get(url).status_code in (401, 403)


def test_a_token_never_reaches_beyond_its_state_body(client, contest, sit):
    _, application, _ = sit({1: 3, 2: 3})
    _t, elsewhere = api_token_issue(
        name="Other", user=contest.hr, state_body=make_state_body(), actor=contest.hr
    )
    _t, own = api_token_issue(
        name="Own", user=contest.hr, state_body=contest.body, actor=contest.hr
    )
    for url in (_list_url(contest), _code_url(application.code)):
        assert client.get(url, headers={"authorization": f"Token {elsewhere}"}).status_code == 404
        assert client.get(url, headers={"authorization": f"Token {own}"}).status_code == 200


def test_the_list_query_count_does_not_grow(client, contest, sit, django_assert_max_num_queries):
    sit({1: 3, 2: 3})
    client.force_login(contest.hr)
    with django_assert_max_num_queries(10) as few:
        client.get(_list_url(contest))
    for _ in range(4):
        sit({1: 2, 2: 2})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_list_url(contest)).json()["count"] == 5


# --- The candidate -------------------------------------------------------------------------------


def test_a_candidate_reads_their_own_results_item_by_item(client, contest, sit):
    user, application, attempt = sit({1: 3, 2: 1})
    sit({1: 3, 2: 3})  # somebody else
    client.force_login(user)
    response = client.get("/api/v1/me/test-results/", headers={"accept-language": "en"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    mine = body["results"][0]
    assert mine["code"] == application.code
    assert (mine["correct_count"], mine["passed"]) == (4, True)
    assert mine["test"] == "Test"
    assert len(mine["items"]) == 6
    first = mine["items"][0]
    assert set(first) == {"position", "section", "kind", "text", "options", "answer", "is_correct"}
    assert first["text"].startswith("Question")
    item = attempt.items.get(position=1)
    # Options under the labels the paper showed, never the bank's option ids.
    assert [o["id"] for o in first["options"]] == label(attempt, item, item.option_order)
    assert first["answer"] == label(attempt, item, item.answer)
    assert sum(1 for i in mine["items"] if i["is_correct"]) == 4
    # Never the key or the explanation.
    assert "key" not in response.content.decode() and "explanation" not in first


def test_items_are_hidden_when_the_test_does_not_show_them(client, contest, sit):
    contest.blueprint.show_item_results = False
    contest.blueprint.save(update_fields=["show_item_results"])
    user, _, _ = sit({1: 3, 2: 3})
    client.force_login(user)
    mine = client.get("/api/v1/me/test-results/").json()["results"][0]
    assert mine["items"] == [] and mine["correct_count"] == 6


def test_an_unfinished_paper_shows_no_items_yet(client, contest, sit):
    user, _, _ = sit({1: 3}, submit=False)
    client.force_login(user)
    mine = client.get("/api/v1/me/test-results/").json()["results"][0]
    assert mine["status"] == "in_progress" and mine["items"] == [] and mine["score"] is None


def test_my_results_need_a_sign_in_and_show_nobody_else(client, contest, sit):
    sit({1: 3, 2: 3})
    assert client.get("/api/v1/me/test-results/").status_code in (401, 403)
    client.force_login(contest.hr)
    assert client.get("/api/v1/me/test-results/").json()["count"] == 0


def test_my_results_query_count_does_not_grow(
    client, contest, sit, roles, django_assert_max_num_queries
):
    user, _, _ = sit({1: 3, 2: 3})
    client.force_login(user)
    with django_assert_max_num_queries(10) as few:
        client.get("/api/v1/me/test-results/")
    # A second competition's test for the same person.
    from tests.testing_center.factories import make_blueprint, make_contest, small_bank

    topics = small_bank(sections=2, per_topic=4)
    other = make_contest(blueprint=make_blueprint([(topics[0], 3, 1), (topics[1], 3, 1)]))
    make_application(other, user=user)
    attempt = attempt_start(user=user, sitting=other.sitting)
    attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/me/test-results/").json()["count"] == 2
