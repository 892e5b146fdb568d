"""Applying: consent, instant eligibility with reasons, the anonymous code; refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recruitment.models import Application, Competition, EducationLevel, IdentityEscrow
from tests.recruitment_candidate.factories import (
    make_candidate_user,
    make_candidate_with_profile,
    open_vacancy,
)

pytestmark = pytest.mark.django_db


def _apply_url(competition, vacancy, lang="en"):
    return f"/{lang}/vacancies/{vacancy.pk}/apply/{competition.pk}/"


def test_the_apply_page_explains_consent_and_anonymity(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "processing of my personal data" in page
    assert "random anonymous code" in page
    assert "only after the ranking is locked" in page


def test_applying_shows_the_code_and_that_every_requirement_is_met(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile(public_years=3))
    response = client.post(_apply_url(competition, vacancy), {"consent": "on"}, follow=True)
    application = Application.objects.get()
    assert application.status == Application.Status.ADMITTED
    page = response.content.decode()
    assert application.code in page
    assert "You meet every requirement of the vacancy." in page
    assert "Work experience: 2.0 years required" in page


def test_private_sector_experience_counts_where_the_vacancy_says_so(client):
    competition, vacancy = open_vacancy(private_sector_counts=True)
    client.force_login(make_candidate_with_profile(public_years=0, private_years=4))
    response = client.post(_apply_url(competition, vacancy), {"consent": "on"}, follow=True)
    assert Application.objects.get().status == Application.Status.ADMITTED
    assert "You meet every requirement" in response.content.decode()


def test_private_sector_experience_does_not_count_where_the_vacancy_says_so(client):
    competition, vacancy = open_vacancy(private_sector_counts=False)
    client.force_login(make_candidate_with_profile(public_years=0, private_years=4))
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "Work experience: 2.0 years required, 0.0 years counted." in page
    assert "You cannot submit yet" in page


def test_eligibility_reasons_are_shown_in_the_readers_language(client):
    competition, vacancy = open_vacancy(min_education_level=EducationLevel.MASTER)
    client.force_login(make_candidate_with_profile(level=EducationLevel.BACHELOR))
    page = client.get(_apply_url(competition, vacancy, lang="ru")).content.decode()
    assert "Образование: требуется уровень не ниже" in page


def test_a_second_application_to_the_same_competition_is_refused(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    application = Application.objects.get()
    response = client.post(_apply_url(competition, vacancy), {"consent": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "You already have an application in this competition" in page
    assert f"/en/my/applications/{application.pk}/" in page
    assert Application.objects.count() == 1
    assert IdentityEscrow.objects.count() == 1


def test_applying_after_the_deadline_is_refused(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    Competition.objects.filter(pk=competition.pk).update(
        applications_close_at=timezone.now() - dt.timedelta(minutes=1),
        applications_open_at=timezone.now() - dt.timedelta(days=3),
    )
    response = client.post(_apply_url(competition, vacancy), {"consent": "on"}, follow=True)
    assert "Applications to this competition are not being accepted now." in (
        response.content.decode()
    )
    assert not Application.objects.exists()


def test_applying_without_a_profile_is_refused(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_user())
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "Fill in your profile before applying." in page
    response = client.post(_apply_url(competition, vacancy), {"consent": "on"})
    assert "Fill in your profile before applying." in response.content.decode()
    assert not Application.objects.exists()


def test_applying_with_an_unconfirmed_email_is_refused(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile(confirmed=False))
    response = client.post(_apply_url(competition, vacancy), {"consent": "on"})
    assert "Confirm your e-mail address before applying" in response.content.decode()
    assert not Application.objects.exists()
    assert not IdentityEscrow.objects.exists()


def test_applying_without_consent_is_refused(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    response = client.post(_apply_url(competition, vacancy), {})
    assert "You must agree to the processing of your data" in response.content.decode()
    assert not Application.objects.exists()


def test_a_vacancy_outside_the_competition_cannot_be_applied_for(client):
    competition, _vacancy = open_vacancy()
    _other_competition, other_vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    response = client.post(_apply_url(competition, other_vacancy), {"consent": "on"})
    assert response.status_code == 302
    assert not Application.objects.exists()
