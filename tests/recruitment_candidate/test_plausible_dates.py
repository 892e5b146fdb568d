"""Issue 15: dates in the profile are plausible against the birth date the IIN gives: no
work or graduation before the age of 14 (let alone before birth), nothing in the future,
and no period that ends before it starts. Refusals land on the field and change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recruitment.iin import date_at_age, iin_birth_date
from recruitment.models import Education, Experience
from tests.recruitment_candidate.factories import make_candidate_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(client):
    user = make_candidate_with_profile(public_years=0)
    client.force_login(user)
    return user


@pytest.fixture
def birth(candidate) -> dt.date:
    return iin_birth_date(candidate.candidate_profile.iin)


def _work(client, started_on, ended_on=""):
    return client.post(
        "/en/my/profile/experience/add/",
        {
            "sector": "public",
            "field": "law",
            "employer": "Akimat",
            "started_on": started_on,
            "ended_on": ended_on,
        },
    )


def _study(client, year):
    return client.post(
        "/en/my/profile/education/add/",
        {"level": 3, "field": "law", "institution": "KazNU", "graduation_year": year},
    )


def test_date_at_age_handles_a_leap_day_birthday():
    assert date_at_age(dt.date(2000, 2, 29), 14) == dt.date(2014, 3, 1)
    assert date_at_age(dt.date(1992, 3, 15), 14) == dt.date(2006, 3, 15)


def test_work_cannot_start_before_the_age_of_fourteen(client, candidate, birth):
    day_before = date_at_age(birth, 14) - dt.timedelta(days=1)
    response = _work(client, day_before.isoformat())
    assert response.status_code == 200
    errors = response.context["form"].errors["started_on"]
    assert errors[0].startswith("A period of work cannot start before you were 14")
    assert not Experience.objects.filter(profile__user=candidate).exists()


def test_work_from_the_fourteenth_birthday_is_accepted(client, candidate, birth):
    response = _work(client, date_at_age(birth, 14).isoformat(), "2015-01-01")
    assert response.status_code == 302
    assert Experience.objects.filter(profile__user=candidate).count() == 1


def test_work_before_birth_is_refused(client, candidate, birth):
    response = _work(client, (birth - dt.timedelta(days=400)).isoformat())
    assert "started_on" in response.context["form"].errors
    assert not Experience.objects.filter(profile__user=candidate).exists()


def test_work_cannot_start_in_the_future(client, candidate):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _work(client, tomorrow.isoformat())
    assert response.context["form"].errors["started_on"] == [
        "A period of work cannot start in the future."
    ]
    assert not Experience.objects.exists()


def test_work_cannot_end_before_it_starts(client, candidate):
    response = _work(client, "2016-05-01", "2016-04-30")
    assert response.context["form"].errors["ended_on"] == [
        "A period of work cannot end before it starts."
    ]
    assert not Experience.objects.exists()


def test_graduating_before_the_age_of_fourteen_is_refused(client, candidate, birth):
    before = Education.objects.count()
    response = _study(client, date_at_age(birth, 14).year - 1)
    errors = response.context["form"].errors["graduation_year"]
    assert errors[0].startswith("The year of graduation cannot be before you were 14")
    assert Education.objects.count() == before


def test_graduating_before_birth_is_refused(client, candidate, birth):
    before = Education.objects.count()
    response = _study(client, birth.year - 1)
    assert "graduation_year" in response.context["form"].errors
    assert Education.objects.count() == before


def test_graduating_in_the_future_is_refused(client, candidate):
    before = Education.objects.count()
    response = _study(client, timezone.localdate().year + 1)
    assert "graduation_year" in response.context["form"].errors
    assert Education.objects.count() == before


def test_a_plausible_graduation_is_saved(client, candidate, birth):
    before = Education.objects.count()
    assert _study(client, birth.year + 22).status_code == 302
    assert Education.objects.count() == before + 1
