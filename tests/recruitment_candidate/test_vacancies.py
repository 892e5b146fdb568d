"""The public vacancy search and the vacancy page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from recruitment.models import Competition, EducationLevel, Field, Stage
from tests.factories import make_state_body
from tests.recruitment_candidate.factories import (
    CompetitionFactory,
    StageFactory,
    VacancyFactory,
    open_vacancy,
)

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [v.title_en for v in response.context["page"].object_list]


def test_only_vacancies_of_competitions_accepting_applications_are_listed(client):
    _competition, listed = open_vacancy(title_en="Open analyst")
    body = make_state_body()
    for status, opens, closes in [
        (Competition.Status.DRAFT, -1, 5),
        (Competition.Status.APPLICATIONS_CLOSED, -5, -1),
        (Competition.Status.PUBLISHED, -5, -1),  # deadline passed, not yet closed
        (Competition.Status.PUBLISHED, 1, 5),  # not open yet
    ]:
        CompetitionFactory(
            state_body=body,
            status=status,
            applications_open_at=timezone.now() + dt.timedelta(days=opens),
            applications_close_at=timezone.now() + dt.timedelta(days=closes),
            vacancies=[VacancyFactory(state_body=body, title_en=f"Hidden {status}")],
        )
    response = client.get("/en/vacancies/")
    assert response.status_code == 200
    assert _titles(response) == [listed.title_en]


def test_words_search_the_title_and_duties_in_the_readers_language(client):
    open_vacancy(title_en="Tax auditor", title_ru="Налоговый аудитор")
    open_vacancy(title_en="Lawyer", duties_en="Drafting tax legislation.")
    open_vacancy(title_en="Gardener")
    assert sorted(_titles(client.get("/en/vacancies/?q=tax"))) == ["Lawyer", "Tax auditor"]
    assert _titles(client.get("/ru/vacancies/?q=аудитор")) == ["Tax auditor"]
    assert _titles(client.get("/en/vacancies/?q=аудитор")) == []


def test_filters_narrow_the_list(client):
    ministry = make_state_body()
    department = make_state_body(parent=ministry)
    open_vacancy(
        title_en="A",
        state_body=department,
        region="Almaty",
        category="A",
        employment="contract",
    )
    open_vacancy(title_en="B", region="Astana")
    internal_body = make_state_body()
    internal = VacancyFactory(state_body=internal_body, title_en="C")
    CompetitionFactory(
        state_body=internal_body, kind=Competition.Kind.INTERNAL_ALL, vacancies=[internal]
    )
    # A ministry's own list includes its departments' vacancies.
    assert _titles(client.get(f"/en/vacancies/?state_body={ministry.pk}")) == ["A"]
    assert _titles(client.get(f"/en/vacancies/?state_body={department.pk}")) == ["A"]
    assert _titles(client.get("/en/vacancies/?region=Almaty")) == ["A"]
    assert _titles(client.get("/en/vacancies/?category=A")) == ["A"]
    assert _titles(client.get("/en/vacancies/?employment=contract")) == ["A"]
    assert _titles(client.get("/en/vacancies/?kind=internal_all")) == ["C"]
    assert sorted(_titles(client.get("/en/vacancies/?kind=general"))) == ["A", "B"]


def test_an_unknown_filter_value_shows_everything_instead_of_failing(client):
    open_vacancy(title_en="A")
    response = client.get("/en/vacancies/?state_body=999999&region=Mars")
    assert response.status_code == 200
    assert _titles(response) == ["A"]


def test_the_list_is_paginated_twenty_a_page_keeping_the_filters(client):
    body = make_state_body()
    competition = CompetitionFactory(
        state_body=body,
        vacancies=[VacancyFactory(state_body=body, region="Almaty") for _ in range(25)],
    )
    assert competition.vacancies.count() == 25
    first = client.get("/en/vacancies/?region=Almaty")
    assert len(_titles(first)) == 20
    assert "region=Almaty&amp;page=2" in first.content.decode()
    second = client.get("/en/vacancies/?region=Almaty&page=2")
    assert len(_titles(second)) == 5
    assert not set(_titles(first)) & set(_titles(second))


@pytest.mark.parametrize("vacancies", [3, 30])
def test_the_search_page_runs_a_fixed_number_of_queries(
    client, vacancies, django_assert_max_num_queries
):
    for i in range(vacancies):
        body = make_state_body()
        open_vacancy(state_body=body, region=f"Region {i % 4}")
    with django_assert_max_num_queries(6):
        response = client.get("/en/vacancies/?q=specialist&category=B")
    assert response.status_code == 200
    assert len(_titles(response)) == min(vacancies, 20)


def test_the_vacancy_page_states_requirements_in_plain_words(client):
    competition, vacancy = open_vacancy(
        title_en="Chief expert",
        duties_en="Prepare the budget.",
        duties_ru="Готовить бюджет.",
        min_education_level=EducationLevel.MASTER,
        education_fields=[Field.ECONOMICS, Field.LAW],
        min_experience_years=Decimal("2.5"),
        private_sector_counts=False,
        required_languages={"kk": 3},
    )
    StageFactory(competition=competition, kind=Stage.Kind.ESSAY, position=2, max_score=5)
    page = client.get(f"/en/vacancies/{vacancy.pk}/").content.decode()
    assert "Prepare the budget." in page
    assert "Postgraduate (master&#x27;s degree) or higher" in page
    assert "Economics and finance, Law" in page
    assert "at least 2.5 years" in page
    assert "Experience in the private sector does not count." in page
    assert "Kazakh: level “Fluent” or above." in page
    assert "Legislation test" in page and "Essay" in page
    assert competition.number in page
    assert f"/vacancies/{vacancy.pk}/apply/{competition.pk}/" in page
    russian = client.get(f"/ru/vacancies/{vacancy.pk}/").content.decode()
    assert "Готовить бюджет." in russian


def test_a_vacancy_nobody_announced_is_not_found(client):
    body = make_state_body()
    draft = VacancyFactory(state_body=body)
    CompetitionFactory(state_body=body, status=Competition.Status.DRAFT, vacancies=[draft])
    assert client.get(f"/en/vacancies/{draft.pk}/").status_code == 404
    assert client.get("/en/vacancies/999999/").status_code == 404


def test_a_vacancy_whose_deadline_passed_is_shown_without_an_apply_button(client):
    body = make_state_body()
    vacancy = VacancyFactory(state_body=body)
    CompetitionFactory(
        state_body=body,
        status=Competition.Status.TESTING,
        applications_open_at=timezone.now() - dt.timedelta(days=9),
        applications_close_at=timezone.now() - dt.timedelta(days=2),
        vacancies=[vacancy],
    )
    response = client.get(f"/en/vacancies/{vacancy.pk}/")
    assert response.status_code == 200
    assert "/apply/" not in response.content.decode()
