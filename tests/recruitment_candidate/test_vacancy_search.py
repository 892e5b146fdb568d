"""The public vacancy search's order, salary filter and pages, and what the vacancy page
tells before applying: the number of posts, whom to ask, which documents to present."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recruitment.models import Vacancy
from tests.factories import make_state_body
from tests.recruitment_candidate.factories import CompetitionFactory, VacancyFactory

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    return [v.title_en for v in response.context["page"].object_list]


def _announced(title: str, *, days_ago: float, closes_in: float, **fields) -> Vacancy:
    """A vacancy in a competition published ``days_ago`` that closes in ``closes_in`` days."""
    body = make_state_body()
    vacancy = VacancyFactory(state_body=body, title_en=title, **fields)
    published = timezone.now() - dt.timedelta(days=days_ago)
    CompetitionFactory(
        state_body=body,
        applications_open_at=published,
        status_changed_at=published,
        applications_close_at=timezone.now() + dt.timedelta(days=closes_in),
        vacancies=[vacancy],
    )
    return vacancy


@pytest.fixture
def three_vacancies():
    _announced("Old, closing late, paid most", days_ago=9, closes_in=20, salary_max=900_000)
    _announced("New, closing mid, paid least", days_ago=1, closes_in=10, salary_max=300_000)
    _announced("Mid, closing first, paid mid", days_ago=4, closes_in=2, salary_max=500_000)


def test_the_newest_published_come_first_by_default(client, three_vacancies):
    assert _titles(client.get("/en/vacancies/")) == [
        "New, closing mid, paid least",
        "Mid, closing first, paid mid",
        "Old, closing late, paid most",
    ]


def test_sorting_by_closing_date_puts_the_nearest_deadline_first(client, three_vacancies):
    assert _titles(client.get("/en/vacancies/?sort=closing")) == [
        "Mid, closing first, paid mid",
        "New, closing mid, paid least",
        "Old, closing late, paid most",
    ]


def test_sorting_by_salary_puts_the_best_paid_first(client, three_vacancies):
    assert _titles(client.get("/en/vacancies/?sort=salary")) == [
        "Old, closing late, paid most",
        "Mid, closing first, paid mid",
        "New, closing mid, paid least",
    ]


def test_a_vacancy_announced_again_counts_as_new(client, three_vacancies):
    old = Vacancy.objects.get(title_en="Old, closing late, paid most")
    CompetitionFactory(state_body=old.state_body, vacancies=[old])
    assert _titles(client.get("/en/vacancies/?sort=newest"))[0] == old.title_en


def test_an_unknown_sort_is_a_form_error_not_a_failure(client, three_vacancies):
    response = client.get("/en/vacancies/?sort=DROP")
    assert response.status_code == 200
    assert len(_titles(response)) == 3
    assert "Select a valid choice" in response.content.decode()


def test_the_minimum_salary_keeps_vacancies_whose_pay_range_reaches_it(client):
    _announced(
        "Reaches it at the top", days_ago=1, closes_in=5, salary_min=300_000, salary_max=500_000
    )
    _announced("Starts above it", days_ago=1, closes_in=5, salary_min=600_000, salary_max=700_000)
    _announced("Never reaches it", days_ago=1, closes_in=5, salary_min=200_000, salary_max=450_000)
    assert sorted(_titles(client.get("/en/vacancies/?min_salary=500000"))) == [
        "Reaches it at the top",
        "Starts above it",
    ]
    assert _titles(client.get("/en/vacancies/?min_salary=650000&region=Astana")) == [
        "Starts above it"
    ]


def test_a_negative_or_absurd_salary_is_refused_with_a_message(client):
    _announced("A", days_ago=1, closes_in=5)
    for value in ("-5", "abc", "1000000000000"):
        response = client.get(f"/en/vacancies/?min_salary={value}")
        assert response.status_code == 200
        assert response.context["form"].errors["min_salary"]


def test_words_filters_and_sort_combine(client, three_vacancies):
    _announced("Chief specialist, paid most", days_ago=2, closes_in=3, salary_max=950_000)
    response = client.get("/en/vacancies/?q=paid&min_salary=400000&sort=salary")
    assert _titles(response) == [
        "Chief specialist, paid most",
        "Old, closing late, paid most",
        "Mid, closing first, paid mid",
    ]


# --- Pages -------------------------------------------------------------------------------


@pytest.fixture
def forty_five_in_almaty():
    body = make_state_body()
    CompetitionFactory(
        state_body=body,
        vacancies=[
            VacancyFactory(state_body=body, region="Almaty", salary_max=400_000 + i)
            for i in range(45)
        ],
    )
    _announced("Elsewhere", days_ago=1, closes_in=3, region="Astana")


def test_page_links_keep_the_search_and_the_order(client, forty_five_in_almaty):
    first = client.get("/en/vacancies/?region=Almaty&sort=salary")
    page = first.content.decode()
    assert len(_titles(first)) == 20
    for number in (2, 3):
        assert f"region=Almaty&amp;sort=salary&amp;page={number}" in page
    third = client.get("/en/vacancies/?region=Almaty&sort=salary&page=3")
    assert len(_titles(third)) == 5
    salaries = [v.salary_max for v in third.context["page"].object_list]
    assert salaries == sorted(salaries, reverse=True) and max(salaries) == 400_004


@pytest.mark.parametrize(
    ("raw", "shown"), [("0", 1), ("-3", 1), ("abc", 1), ("", 1), ("99", 3), ("1e9", 1)]
)
def test_a_page_number_out_of_range_shows_the_nearest_page(
    client, forty_five_in_almaty, raw, shown
):
    response = client.get(f"/en/vacancies/?region=Almaty&page={raw}")
    assert response.status_code == 200
    assert response.context["page"].number == shown


@pytest.mark.parametrize(
    "url", ["/en/vacancies/", "/en/vacancies/?region=Almaty&sort=closing&page=3"]
)
def test_a_page_runs_a_fixed_number_of_queries(
    client, forty_five_in_almaty, url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    assert _titles(response)


# --- The vacancy page --------------------------------------------------------------------


def test_the_vacancy_page_shows_posts_contact_and_documents(client):
    vacancy = _announced(
        "Budget analyst",
        days_ago=1,
        closes_in=5,
        posts=3,
        contact_name="Aigerim Sadykova",
        contact_email="hr.unit@body.example.kz",
        contact_phone="+7 7172 74 01 15",
        required_documents=["personnel_record", "education", "medical"],
    )
    page = client.get(f"/en/vacancies/{vacancy.pk}/").content.decode()
    assert "3 posts" in page
    assert "Aigerim Sadykova" in page
    assert 'href="mailto:hr.unit@body.example.kz"' in page
    assert 'href="tel:+77172740115"' in page
    for label in (
        "Personnel record sheet with a photo",
        "Diplomas and their supplements",
        "Medical certificate",
    ):
        assert label in page
    assert "Identity card" not in page
    listed = client.get("/en/vacancies/").content.decode()
    assert "3 posts" in listed


def test_a_vacancy_without_contact_or_documents_says_whom_to_ask(client):
    vacancy = _announced("Plain", days_ago=1, closes_in=5)
    page = client.get(f"/en/vacancies/{vacancy.pk}/").content.decode()
    assert "1 post" in page
    assert f"Ask the HR unit of {vacancy.state_body.name_en}." in page
    assert "has not listed the documents" in page


# --- HR fills them in the admin ----------------------------------------------------------


def test_hr_sets_posts_contact_and_documents_in_the_admin(client):
    from tests.recruitment.factories import make_staff

    staff = make_staff()
    client.force_login(staff.hr)
    form = client.get("/admin/recruitment/vacancy/add/").content.decode()
    assert 'name="required_documents" value="medical"' in form
    assert 'name="contact_email"' in form and 'name="posts"' in form
    response = client.post(
        "/admin/recruitment/vacancy/add/",
        {
            "state_body": staff.body.pk,
            "title_kk": "Заңгер",
            "title_ru": "Юрист",
            "title_en": "Lawyer",
            "category": "B",
            "grade": "B-4",
            "duties_kk": "Міндеттер",
            "duties_ru": "Обязанности",
            "duties_en": "Duties",
            "region": "Astana",
            "employment": "permanent",
            "posts": "2",
            "salary_min": "300000",
            "salary_max": "400000",
            "min_education_level": "3",
            "education_fields": "[]",
            "min_experience_years": "1",
            "experience_fields": "[]",
            "private_sector_counts": "on",
            "required_languages": "{}",
            "contact_name": "Aigerim Sadykova",
            "contact_email": "hr.unit@body.example.kz",
            "contact_phone": "+7 7172 74 01 15",
            "required_documents": ["id_card", "medical"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vacancy = Vacancy.objects.get(title_en="Lawyer")
    assert vacancy.posts == 2
    assert vacancy.contact_email == "hr.unit@body.example.kz"
    assert vacancy.required_documents == ["id_card", "medical"]
    refused = client.post(
        f"/admin/recruitment/vacancy/{vacancy.pk}/change/",
        {"posts": "0", "required_documents": ["forged"]},
    )
    errors = refused.context_data["adminform"].form.errors
    assert "posts" in errors and "required_documents" in errors
    vacancy.refresh_from_db()
    assert vacancy.posts == 2
