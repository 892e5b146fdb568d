"""The recruitment API: public reads, a candidate's own applications, HR's anonymous view."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from eqyzmet.api_auth import api_token_issue
from recruitment import services, services_candidate
from recruitment.models import Application, Competition, Stage, StageResult
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
    other_competition = make_competition(staff=_staff)
    services.competition_publish(competition=other_competition, actor=_staff.hr)
    _draft(mine, other_competition)
    client.force_login(mine.user)
    codes = [a["code"] for a in client.get("/api/v1/me/applications/").json()["results"]]
    assert codes == [my_application.code]


def _draft(candidate, competition):
    """A draft whose letter carries the person's identifiers (issue 15)."""
    return services_candidate.application_draft_save(
        profile=candidate.profile,
        competition=competition,
        vacancy=competition.vacancies.get(),
        motivation=f"I am {candidate.full_name}, call {candidate.phone}.",
    )


def test_hr_sees_applications_by_code_only_in_their_bodies(client, open_competition):
    staff, competition = open_competition
    candidate = make_candidate()
    application = _apply(candidate, competition)
    drafter = make_candidate()
    _draft(drafter, competition)
    url = f"/api/v1/hr/competitions/{competition.pk}/applications/"
    client.force_login(staff.hr)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert application.code in text
    # A draft is not an application: it is neither listed nor counted.
    assert response.json()["count"] == 1
    for marker in candidate.markers + drafter.markers:
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


def _publish(application, kind, *, score, passed=True):
    stage = application.competition.stages.get(kind=kind)
    StageResult.objects.create(
        application=application, stage=stage, score=Decimal(score), passed=passed
    )
    Stage.objects.filter(pk=stage.pk).update(results_published_at=timezone.now())
    return stage


def test_my_applications_show_what_my_page_shows_and_no_more(client, open_competition, monkeypatch):
    monkeypatch.setattr("recruitment.redaction.redact_for_staff", lambda text: f"[r] {text}")
    _staff, competition = open_competition
    candidate = make_candidate()
    application = _apply(candidate, competition)
    client.force_login(candidate.user)
    url = "/api/v1/me/applications/"

    # A result not yet published is not shown.
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    StageResult.objects.create(application=application, stage=essay, score=Decimal(4), passed=True)
    row = client.get(url).json()["results"][0]
    assert row["results"] == []
    assert row["eligible"] is True and row["competition_status"] == "published"

    stage = _publish(application, Stage.Kind.LEGISLATION_TEST, score="41")
    services.appeal_submit(
        user=candidate.user,
        application=application,
        stage=stage,
        text="Question 12 had two correct answers, please recheck.",
    )
    Application.objects.filter(pk=application.pk).update(rank=2, final_score=Decimal("7.5"))
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.RANKING_LOCKED)
    row = client.get(url).json()["results"][0]
    [result] = row["results"]
    assert result["stage"] == "legislation_test" and result["position"] == 1
    assert (result["score"], result["max_score"], result["passed"]) == ("41.000", "55.00", True)
    assert result["appeal_deadline"] and result["may_appeal"] is False
    [appeal] = result["appeals"]
    assert appeal["status"] == "submitted"
    assert appeal["text"].startswith("Question 12")  # the candidate's own words
    # Like the page: no rank or final score before the results are published.
    assert (row["rank"], row["final_score"], row["reserve_until"]) == (None, None, None)

    Competition.objects.filter(pk=competition.pk).update(
        status=Competition.Status.RESULTS_PUBLISHED
    )
    row = client.get(url).json()["results"][0]
    assert (row["rank"], row["final_score"]) == (2, "7.500")


def test_my_applications_query_count_does_not_grow(
    client, open_competition, django_assert_max_num_queries
):
    staff, competition = open_competition
    candidate = make_candidate()
    client.force_login(candidate.user)
    _publish(_apply(candidate, competition), Stage.Kind.LEGISLATION_TEST, score="40")
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/me/applications/")
    for _ in range(3):
        other = make_competition(staff=staff)
        services.competition_publish(competition=other, actor=staff.hr)
        _publish(_apply(candidate, other), Stage.Kind.LEGISLATION_TEST, score="40")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/me/applications/").json()["count"] == 4


def test_hr_sees_each_codes_stage_results_in_stage_order(client, open_competition):
    staff, competition = open_competition
    application = _apply(make_candidate(), competition)
    _publish(application, Stage.Kind.PERSONAL_QUALITIES, score="80")
    _publish(application, Stage.Kind.LEGISLATION_TEST, score="41")
    client.force_login(staff.hr)
    row = client.get(f"/api/v1/hr/competitions/{competition.pk}/applications/").json()["results"][0]
    assert [(r["stage"], r["position"], r["score"], r["max_score"]) for r in row["results"]] == [
        ("legislation_test", 1, "41.000", "55.00"),
        ("personal_qualities", 2, "80.000", "100.00"),
    ]
