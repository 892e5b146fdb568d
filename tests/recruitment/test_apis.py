"""The recruitment API: public reads, a candidate's own applications, HR's anonymous view."""

from __future__ import annotations

import pytest

from eqyzmet.api_auth import api_token_issue
from recruitment import services
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_competition(roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    return staff, competition


def _apply(candidate, competition):
    return services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )


def test_anyone_can_list_open_vacancies_and_drafts_stay_hidden(client, open_competition):
    staff, competition = open_competition
    draft = make_competition(staff=staff)
    response = client.get("/api/v1/vacancies/")
    assert response.status_code == 200
    ids = [v["id"] for v in response.json()["results"]]
    assert competition.vacancies.get().pk in ids
    assert draft.vacancies.get().pk not in ids
    numbers = [c["number"] for c in client.get("/api/v1/competitions/").json()["results"]]
    assert competition.number in numbers and draft.number not in numbers
    assert client.get(f"/api/v1/competitions/{draft.pk}/").status_code == 404


def test_vacancy_search_filters_by_words(client, open_competition):
    _staff, competition = open_competition
    title = competition.vacancies.get().title_en
    assert client.get("/api/v1/vacancies/", {"q": title}).json()["count"] == 1
    assert client.get("/api/v1/vacancies/", {"q": "astronaut"}).json()["count"] == 0


def test_vacancy_list_query_count_does_not_grow(client, roles, django_assert_max_num_queries):
    staff = make_staff()
    for _ in range(2):
        c = make_competition(staff=staff)
        services.competition_publish(competition=c, actor=staff.hr)
    with django_assert_max_num_queries(4) as few:
        client.get("/api/v1/vacancies/")
    for _ in range(10):
        c = make_competition(staff=staff)
        services.competition_publish(competition=c, actor=staff.hr)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/vacancies/")


def test_a_candidate_sees_only_their_own_applications(client, open_competition):
    _staff, competition = open_competition
    mine, other = make_candidate(), make_candidate()
    my_application = _apply(mine, competition)
    _apply(other, competition)
    client.force_login(mine.user)
    codes = [a["code"] for a in client.get("/api/v1/me/applications/").json()["results"]]
    assert codes == [my_application.code]


def test_hr_sees_applications_by_code_only_in_their_bodies(client, open_competition):
    staff, competition = open_competition
    candidate = make_candidate()
    application = _apply(candidate, competition)
    url = f"/api/v1/hr/competitions/{competition.pk}/applications/"
    client.force_login(staff.hr)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert application.code in text
    for marker in candidate.markers:
        assert marker not in text
    other = make_staff()
    client.force_login(other.hr)
    assert client.get(url).status_code == 404
    client.force_login(candidate.user)
    assert client.get(url).status_code == 403


def test_a_token_never_reaches_beyond_its_state_body(client, open_competition):
    staff, competition = open_competition
    from tests.factories import make_state_body

    elsewhere = make_state_body()
    _token, plain = api_token_issue(
        name="Other", user=staff.hr, state_body=elsewhere, actor=staff.hr
    )
    url = f"/api/v1/hr/competitions/{competition.pk}/applications/"
    assert client.get(url, headers={"authorization": f"Token {plain}"}).status_code == 404
    _token, plain = api_token_issue(
        name="Own", user=staff.hr, state_body=staff.body, actor=staff.hr
    )
    assert client.get(url, headers={"authorization": f"Token {plain}"}).status_code == 200
