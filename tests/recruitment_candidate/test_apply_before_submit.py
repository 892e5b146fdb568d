"""Issue 15: eligibility is decided before anything is sent. The apply page shows each
requirement against the profile (met, not met, nothing declared yet) with where to fix it;
Submit is disabled while one is not met, and a POST then changes nothing. A second
application to the same competition is not offered."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from recruitment.models import (
    Application,
    ApplicationDraft,
    EducationLevel,
    IdentityEscrow,
    Notification,
)
from recruitment.services_candidate import candidate_application_submit
from tests.recruitment_candidate.factories import (
    make_candidate_user,
    make_candidate_with_profile,
    open_vacancy,
)

pytestmark = pytest.mark.django_db


def _apply_url(competition, vacancy, lang="en"):
    return f"/{lang}/vacancies/{vacancy.pk}/apply/{competition.pk}/"


def _submit_button(page: str) -> str:
    return re.search(r'<button[^>]*value="submit"[^>]*>', page).group(0)


def _nothing_created() -> None:
    assert not Application.objects.exists()
    assert not IdentityEscrow.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action="application.submitted").exists()


def test_a_candidate_who_meets_everything_sees_it_and_may_submit(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile(public_years=3))
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "Your profile meets every requirement of this vacancy." in page
    assert "disabled" not in _submit_button(page)
    response = client.post(
        _apply_url(competition, vacancy), {"action": "submit", "consent": "on"}, follow=True
    )
    assert Application.objects.get().status == Application.Status.ADMITTED
    assert "Your application is submitted" in response.content.decode()


def test_an_unmet_requirement_disables_submit_and_says_what_to_add(client):
    competition, vacancy = open_vacancy(min_experience_years=Decimal("5"))
    client.force_login(make_candidate_with_profile(public_years=3))
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "disabled" in _submit_button(page)
    assert "You cannot submit yet" in page
    assert 'class="unmet"' in page
    assert "Work experience: 5.0 years required, 3.0 years counted." in page
    assert "Add your periods of work to your profile, or correct them." in page
    assert 'href="/en/my/profile/experience/add/"' in page
    # The requirements that are met say so.
    assert 'class="met"' in page


def test_a_requirement_the_profile_says_nothing_about_is_missing_information(client):
    competition, vacancy = open_vacancy(required_languages={"kk": 2})
    client.force_login(make_candidate_with_profile(public_years=3))
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert 'class="missing"' in page
    assert "Missing information:" in page
    assert "Kazakh at level 2 or above is required." in page
    assert 'href="/en/my/profile/language/add/"' in page
    assert "disabled" in _submit_button(page)


def test_a_profile_without_work_experience_shows_the_experience_as_missing(client):
    competition, vacancy = open_vacancy(min_experience_years=Decimal("1"))
    client.force_login(make_candidate_with_profile(public_years=0))
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert re.search(r'<li class="missing">.*?Work experience', page, re.S)


def test_posting_an_ineligible_application_creates_nothing(client):
    competition, vacancy = open_vacancy(min_education_level=EducationLevel.MASTER)
    client.force_login(make_candidate_with_profile(level=EducationLevel.BACHELOR))
    response = client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "You cannot apply yet: your profile does not meet every requirement" in page
    assert "Education: at least Postgraduate (master" in page
    _nothing_created()


def test_the_service_refuses_an_ineligible_application_and_rolls_it_back():
    competition, vacancy = open_vacancy(private_sector_counts=False)
    vacancy.refresh_from_db()
    user = make_candidate_with_profile(public_years=0, private_years=4)
    with pytest.raises(ApplicationError) as refused:
        candidate_application_submit(
            user=user, competition=competition, vacancy=vacancy, consent=True
        )
    assert refused.value.code == "not_eligible"
    assert refused.value.extra["reasons"] == [
        "Work experience: 2.0 years required, 0.0 years counted."
    ]
    _nothing_created()


def test_meeting_the_requirements_later_lets_the_candidate_apply(client):
    competition, vacancy = open_vacancy(min_experience_years=Decimal("5"))
    user = make_candidate_with_profile(public_years=3)
    client.force_login(user)
    client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    assert not Application.objects.exists()
    client.post(
        "/en/my/profile/experience/add/",
        {
            "sector": "private",
            "field": "it",
            "employer": "Kaspi",
            "started_on": "2012-01-01",
            "ended_on": "2015-01-01",
        },
    )
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "disabled" not in _submit_button(page)
    client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    assert Application.objects.get().status == Application.Status.ADMITTED


def test_an_existing_application_is_linked_instead_of_the_form(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    application = Application.objects.get()
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "You already have an application in this competition" in page
    assert application.code in page
    assert f'href="/en/my/applications/{application.pk}/"' in page
    assert 'value="submit"' not in page
    assert 'name="consent"' not in page


def test_a_duplicate_post_changes_nothing(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    before = (
        Application.objects.count(),
        IdentityEscrow.objects.count(),
        AuditEvent.objects.count(),
    )
    client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    client.post(_apply_url(competition, vacancy), {"action": "draft", "motivation": "Again"})
    after = (
        Application.objects.count(),
        IdentityEscrow.objects.count(),
        AuditEvent.objects.count(),
    )
    assert before == after == (1, 1, before[2])
    assert not ApplicationDraft.objects.exists()


def test_after_withdrawing_the_candidate_may_apply_again(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_with_profile())
    client.post(_apply_url(competition, vacancy), {"action": "submit", "consent": "on"})
    first = Application.objects.get()
    client.post(f"/en/my/applications/{first.pk}/withdraw/")
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "You already have an application" not in page
    assert 'value="submit"' in page


def test_without_a_profile_submit_is_disabled(client):
    competition, vacancy = open_vacancy()
    client.force_login(make_candidate_user())
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "disabled" in _submit_button(page)
    assert 'value="draft"' not in page


def test_the_apply_page_reads_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    competition, vacancy = open_vacancy(required_languages={"kk": 2, "ru": 2})
    client.force_login(make_candidate_with_profile())
    client.get(_apply_url(competition, vacancy))
    with django_assert_max_num_queries(15):
        response = client.get(_apply_url(competition, vacancy))
    assert response.status_code == 200
