"""The explorer's pages: answering, the result, keeping it, families; who may see what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from careers.explorer_profile import profile_of
from careers.models import ExplorerResult
from recruitment.models import Competition
from tests.careers.helpers import EXAMPLE, EXAMPLE_INTERESTS, EXAMPLE_VALUES
from tests.factories import UserFactory, make_state_body
from tests.testing_center.factories import make_vacancy

pytestmark = pytest.mark.django_db


def _post(client, answers):
    return client.post("/en/careers/explorer/", {k: str(v) for k, v in answers.items()})


def test_the_explorer_form_lists_every_statement_with_labelled_answers(client):
    page = client.get("/en/careers/explorer/").content.decode()
    assert page.count("<fieldset") == 42
    assert "Strongly like" in page and "Very important" in page
    assert "not a validated psychological test" in page


def test_a_complete_questionnaire_is_scored_and_shown_with_text_values(client):
    response = _post(client, EXAMPLE)
    assert response.status_code == 302
    result = ExplorerResult.objects.get()
    assert result.interests == EXAMPLE_INTERESTS
    assert result.work_values == EXAMPLE_VALUES
    assert result.user is None and result.class_group is None
    assert result.families[:2] == ["finance-audit", "digital-services"]
    page = client.get(response["Location"]).content.decode()
    assert "95 of 100" in page  # investigative, as text beside the bar
    assert "fit 88 of 100" in page
    assert reverse("careers:family_detail", args=["finance-audit"]) in page
    assert reverse("testing_center:practice") in page
    assert "Pearson" in page


def test_a_partial_questionnaire_saves_nothing_and_says_what_is_missing(client):
    answers = dict(EXAMPLE)
    del answers["S3"], answers["V7"]
    answers["R1"] = "9"
    response = _post(client, answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "3 statements have no answer" in page
    assert 'id="missing-S3"' in page and 'id="missing-R1"' in page
    # The answers given are kept on the form.
    assert 'name="I1" value="5" checked' in page
    assert not ExplorerResult.objects.exists()


def test_another_browser_cannot_open_a_result(client):
    location = _post(client, EXAMPLE)["Location"]
    other = client.__class__()
    assert other.get(location).status_code == 404
    assert client.get(location).status_code == 200


def test_a_signed_in_person_keeps_a_result_and_matching_reads_it(client):
    user = UserFactory()
    client.force_login(user)
    location = _post(client, EXAMPLE)["Location"]
    result = ExplorerResult.objects.get()
    assert result.user is None  # not until they choose
    assert profile_of(user) is None
    client.post(reverse("careers:explorer_keep", args=[result.pk]))
    result.refresh_from_db()
    assert result.user == user
    assert profile_of(user) == EXAMPLE_INTERESTS
    assert "kept with your account" in client.get(location).content.decode()


def test_keeping_needs_an_account_and_the_browser_that_took_it(client):
    _post(client, EXAMPLE)
    result = ExplorerResult.objects.get()
    url = reverse("careers:explorer_keep", args=[result.pk])
    assert "/accounts/login/" in client.post(url)["Location"]
    stranger = client.__class__()
    stranger.force_login(UserFactory())
    assert stranger.post(url).status_code == 404
    result.refresh_from_db()
    assert result.user is None


def test_a_family_page_derives_pay_from_published_vacancies_only(client):
    body = make_state_body()
    now = timezone.now()

    def announce(status, low, high, fields, grade="B-5"):
        vacancy = make_vacancy(body)
        vacancy.salary_min, vacancy.salary_max = low, high
        vacancy.education_fields, vacancy.grade = fields, grade
        vacancy.save()
        competition = Competition.objects.create(
            state_body=body,
            number=f"KZ-CR-{low}",
            status=status,
            applications_open_at=now - dt.timedelta(days=3),
            applications_close_at=now + dt.timedelta(days=7),
        )
        competition.vacancies.add(vacancy)

    announce(Competition.Status.PUBLISHED, 250000, 320000, ["it"])
    announce(Competition.Status.TESTING, 300000, 410000, ["it", "engineering"], "B-4")
    announce(Competition.Status.DRAFT, 900000, 990000, ["it"])  # not published: ignored
    announce(Competition.Status.PUBLISHED, 180000, 200000, ["law"])  # another family
    page = client.get("/en/careers/families/digital-services/").content.decode()
    assert "Based on 2 vacancies published on this portal" in page
    assert "from 250000 to 410000 tenge" in page
    assert "990000" not in page and "180000" not in page
    assert "B-4 (category B): 1" in page
    empty = client.get("/en/careers/families/social-policy/").content.decode()
    assert "No vacancies of this family have been published" in empty
    assert "not a validated psychological test" in empty


def test_an_unknown_family_is_404(client):
    assert client.get("/en/careers/families/astronauts/").status_code == 404


def test_the_careers_pages_are_linked_from_every_page(client):
    assert reverse("careers:index") in client.get("/en/").content.decode()
    index = client.get("/en/careers/").content.decode()
    for name in ("careers:explorer", "careers:family_list", "careers:class_join"):
        assert reverse(name) in index


def test_family_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    body = make_state_body()
    now = timezone.now()
    for n in range(6):
        vacancy = make_vacancy(body)
        vacancy.education_fields = ["it"]
        vacancy.save()
        competition = Competition.objects.create(
            state_body=body,
            number=f"KZ-Q-{n}",
            status=Competition.Status.PUBLISHED,
            applications_open_at=now - dt.timedelta(days=1),
            applications_close_at=now + dt.timedelta(days=1),
        )
        competition.vacancies.add(vacancy)
    with django_assert_max_num_queries(6):
        assert client.get("/en/careers/families/digital-services/").status_code == 200


def test_an_anonymous_result_can_be_kept_after_signing_in_in_the_same_browser(client):
    from tests.factories import PASSWORD

    location = _post(client, EXAMPLE)["Location"]
    user = UserFactory()
    assert client.login(username=user.email, password=PASSWORD)
    assert client.get(location).status_code == 200  # the session kept it through sign-in
    result = ExplorerResult.objects.get()
    client.post(reverse("careers:explorer_keep", args=[result.pk]))
    result.refresh_from_db()
    assert result.user == user


def test_the_careers_page_leads_visitors_to_every_part(client):
    page = client.get("/en/careers/").content.decode()
    for name in ("explorer", "family_list", "class_join", "internship_list", "essay_practice"):
        assert reverse(f"careers:{name}") in page, name
    # Visitors and candidates are invited to their matches; staff never see the feature
    # (tests/careers/test_no_staff_scores.py).
    assert reverse("careers:matches") in page
    assert "/en/tests/practice/" in page
