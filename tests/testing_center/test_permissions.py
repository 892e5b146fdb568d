"""Every page per role: anonymous, a candidate not admitted, the candidate of another
application, the admitted candidate, and an HR officer of another body."""

from __future__ import annotations

import json

import pytest

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from testing_center.delivery import attempt_start
from testing_center.models import Attempt
from tests.factories import UserFactory, make_state_body
from tests.testing_center.factories import make_application, make_candidate
from tests.testing_center.helpers import stamp

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(contest, admitted, candidate):
    return attempt_start(user=candidate, sitting=contest.sitting)


@pytest.fixture
def people(contest, candidate):
    not_admitted = make_candidate()
    make_application(contest, user=not_admitted, status="eliminated")
    other = make_candidate()
    make_application(contest, user=other)
    hr_other = UserFactory()
    staff_assign(user=hr_other, role=Role.HR_OFFICER, state_body=make_state_body())
    return {
        "anonymous": None,
        "not_admitted": not_admitted,
        "other_candidate": other,
        "hr_other_body": hr_other,
        "admitted": candidate,
    }


ATTEMPT_PAGES = [
    ("get", "/ru/tests/attempt/{pk}/", {}),
    ("post", "/ru/tests/attempt/{pk}/save/", {"position": 1, "answer": '"a"', "changed_at": 0}),
    ("post", "/ru/tests/attempt/{pk}/events/", {"events": json.dumps([{"kind": "paste"}])}),
    ("post", "/ru/tests/attempt/{pk}/flag/", {"position": 1, "flagged": "1"}),
    ("get", "/ru/tests/attempt/{pk}/review/", {}),
    ("post", "/ru/tests/attempt/{pk}/review/", {"item-1": "a"}),
    ("post", "/ru/tests/attempt/{pk}/submit/", {}),
    ("get", "/ru/tests/attempt/{pk}/result/", {}),
]


@pytest.mark.parametrize("who", ["anonymous", "not_admitted", "other_candidate", "hr_other_body"])
@pytest.mark.parametrize(("method", "url", "data"), ATTEMPT_PAGES)
def test_someone_elses_attempt_is_404_for_everyone_but_its_candidate(
    client, attempt, people, who, method, url, data
):
    if people[who]:
        client.force_login(people[who])
    response = getattr(client, method)(url.format(pk=attempt.pk), data)
    assert response.status_code == 404
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    assert not attempt.items.filter(answer__isnull=False).exists()
    assert not attempt.items.filter(flagged=True).exists()


def test_the_admitted_candidate_reaches_every_page_of_their_attempt(client, attempt, candidate):
    client.force_login(candidate)
    assert client.get(f"/ru/tests/attempt/{attempt.pk}/").status_code == 200
    response = client.post(
        f"/ru/tests/attempt/{attempt.pk}/save/",
        {
            "position": 1,
            "answer": json.dumps(attempt.items.get(position=1).option_order[0]),
            "changed_at": stamp(),
        },
    )
    assert response.json()["saved"] is True
    assert (
        client.post(f"/ru/tests/attempt/{attempt.pk}/events/", {"events": "[]"}).status_code == 200
    )
    flag = {"position": 1, "flagged": "1"}
    assert client.post(f"/ru/tests/attempt/{attempt.pk}/flag/", flag).status_code == 200
    assert client.get(f"/ru/tests/attempt/{attempt.pk}/review/").status_code == 200
    assert client.get(f"/ru/tests/attempt/{attempt.pk}/result/").status_code == 302
    assert client.post(f"/ru/tests/attempt/{attempt.pk}/submit/").status_code == 302
    assert client.get(f"/ru/tests/attempt/{attempt.pk}/result/").status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "hr_other_body"])
def test_sitting_pages_need_an_application_in_the_competition(client, contest, people, who):
    if people[who]:
        client.force_login(people[who])
        assert client.get(f"/ru/tests/sitting/{contest.sitting.pk}/").status_code == 404
        assert client.post(f"/ru/tests/sitting/{contest.sitting.pk}/start/").status_code == 404
    else:
        response = client.get(f"/ru/tests/sitting/{contest.sitting.pk}/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.post(f"/ru/tests/sitting/{contest.sitting.pk}/start/").status_code == 302
    assert not Attempt.objects.exists()


def test_a_candidate_not_admitted_sees_the_sitting_but_cannot_start(client, contest, people):
    client.force_login(people["not_admitted"])
    page = client.get(f"/en/tests/sitting/{contest.sitting.pk}/")
    assert page.status_code == 200
    assert "You are not admitted to this test." in page.content.decode()
    client.post(f"/en/tests/sitting/{contest.sitting.pk}/start/")
    assert not Attempt.objects.exists()


def test_my_tests_lists_only_the_candidates_own_competitions(
    client, contest, admitted, candidate, people, django_assert_max_num_queries
):
    client.force_login(candidate)
    with django_assert_max_num_queries(12):
        page = client.get("/en/tests/")
    assert contest.competition.number in page.content.decode()
    client.force_login(people["hr_other_body"])
    assert contest.competition.number not in client.get("/en/tests/").content.decode()
    client.logout()
    assert client.get("/en/tests/").status_code == 302


def test_practice_pages_are_open_to_everyone(client):
    assert client.get("/kk/tests/practice/").status_code == 200
