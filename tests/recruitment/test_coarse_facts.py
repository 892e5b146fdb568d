"""Before the reveal staff see coarse facts only (DESIGN.md §3): experience as durations,
education as level and field, no per-code timestamps, nothing that links two codes of one
person. The snapshot itself holds no dates: structure, not hiding."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import json
import re

import pytest
from django.apps import apps as django_apps

from recruitment import services
from recruitment.models import Application, Education, Experience, Field, Sector
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _candidate_with_dated_career():
    candidate = make_candidate(public_years=0)
    Education.objects.filter(profile=candidate.profile).update(graduation_year=1987)
    Experience.objects.create(
        profile=candidate.profile,
        sector=Sector.PUBLIC,
        field=Field.LAW,
        employer="Office",
        started_on=dt.date(2003, 7, 29),
        ended_on=dt.date(2008, 10, 14),
    )
    Experience.objects.create(
        profile=candidate.profile,
        sector=Sector.PRIVATE,
        field=Field.LAW,
        employer="Firm",
        started_on=dt.date(2011, 2, 3),
    )
    return candidate


@pytest.fixture
def submitted(roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    candidate = _candidate_with_dated_career()
    application = services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )
    return staff, competition, candidate, application


def test_the_snapshot_holds_durations_and_levels_never_dates(submitted):
    _staff, _competition, _candidate, application = submitted
    snapshot = application.qualifications
    text = json.dumps(snapshot)
    assert not DATE.search(text), text
    assert "1987" not in text and "2003" not in text and "2011" not in text
    assert snapshot["education"] == [{"level": 3, "field": "law"}]
    public = next(x for x in snapshot["experience"] if x["sector"] == "public")
    assert public == {"sector": "public", "field": "law", "months": 62}
    assert set(next(x for x in snapshot["experience"] if x["sector"] == "private")) == {
        "sector",
        "field",
        "months",
    }
    # Eligibility was still decided on the real periods.
    assert application.status == Application.Status.ADMITTED


def test_hr_sees_durations_and_no_submission_time(client, submitted):
    staff, _competition, _candidate, application = submitted
    Application.objects.filter(pk=application.pk).update(
        submitted_at=dt.datetime(2019, 2, 13, 10, 11, 12, 345678, tzinfo=dt.UTC)
    )
    client.force_login(staff.hr)
    client.cookies["eqyzmet_language"] = "en"
    page = client.get(f"/admin/recruitment/application/{application.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "5 years 2 months" in text
    for marker in ("1987", "2003", "2008", "2011", "2019", "345678", "Submitted"):
        assert not re.search(rf"(?<!\d){marker}(?!\d)", text), marker


def test_application_ids_do_not_reveal_the_order_of_submission(roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    vacancy = competition.vacancies.get()
    first = make_candidate()
    withdrawn = services.application_submit(
        user=first.user, competition=competition, vacancy=vacancy, consent=True
    )
    others = [
        services.application_submit(
            user=make_candidate().user, competition=competition, vacancy=vacancy, consent=True
        )
        for _ in range(4)
    ]
    services.application_withdraw(user=first.user, application=withdrawn)
    again = services.application_submit(
        user=first.user, competition=competition, vacancy=vacancy, consent=True
    )
    ids = [withdrawn.pk, *(a.pk for a in others), again.pk]
    steps = {b - a for a, b in itertools.pairwise(ids)}
    assert steps != {1}
    assert min(ids) > 10**9


def test_the_observer_ledger_does_not_time_stamp_submissions_or_withdrawals(client, roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    vacancy = competition.vacancies.get()
    person = make_candidate()
    withdrawn = services.application_submit(
        user=person.user, competition=competition, vacancy=vacancy, consent=True
    )
    services.application_withdraw(user=person.user, application=withdrawn)
    again = services.application_submit(
        user=person.user, competition=competition, vacancy=vacancy, consent=True
    )
    client.force_login(staff.observer)
    page = client.get(f"/en/staff/observe/{competition.pk}/").content.decode()
    assert "application.submitted" not in page
    assert "application.withdrawn" not in page
    # Both codes are listed, in code order, with their status only.
    assert withdrawn.code in page and again.code in page


def test_the_data_migration_turns_stored_dates_into_durations(submitted):
    _staff, _competition, _candidate, application = submitted
    Application.objects.filter(pk=application.pk).update(
        submitted_at=dt.datetime(2020, 6, 30, 12, 0, tzinfo=dt.UTC),
        qualifications={
            "education": [{"level": 4, "field": "law", "year": 2009}],
            "experience": [
                {"sector": "public", "field": "law", "from": "2010-01-15", "to": "2012-03-14"},
                {"sector": "private", "field": "it", "from": "2018-06-01", "to": None},
            ],
            "languages": {"kk": 3},
            "civil_servant": True,
            "civil_servant_of_body": False,
        },
    )
    migration = importlib.import_module("recruitment.migrations.0003_coarsen_qualification_dates")
    migration.coarsen_snapshots(django_apps, None)
    application.refresh_from_db()
    q = application.qualifications
    assert q["education"] == [{"level": 4, "field": "law"}]
    assert {"sector": "public", "field": "law", "months": 25} in q["experience"]
    assert {"sector": "private", "field": "it", "months": 24} in q["experience"]
    assert q["languages"] == {"kk": 3} and q["civil_servant"] is True
    assert not DATE.search(json.dumps(q))
    # Running it twice changes nothing.
    migration.coarsen_snapshots(django_apps, None)
    application.refresh_from_db()
    assert application.qualifications == q
