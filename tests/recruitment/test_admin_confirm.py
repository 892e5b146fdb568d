"""Irreversible steps in the admin show their consequences first and run once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from recruitment.models import Application, Competition, Stage
from recruitment.public import stage_result_record
from tests.recruitment.factories import competition_at_written_test, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_testing(roles):
    staff = make_staff()
    competition, apps, test = competition_at_written_test(staff=staff, applicants=4)
    stage_result_record(application_id=apps[0].pk, stage_id=test.pk, score=Decimal(40), passed=True)
    return staff, competition, apps, test


def _post(client, competition, **extra):
    return client.post(
        "/admin/recruitment/competition/",
        {"action": "advance", "_selected_action": [competition.pk], **extra},
    )


def test_advance_shows_the_consequences_in_numbers_and_changes_nothing_yet(client, in_testing):
    staff, competition, _apps, test = in_testing
    Stage.objects.filter(pk=test.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(staff.hr)
    client.cookies["eqyzmet_language"] = "en"
    response = _post(client, competition)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 code(s) passed, 0 did not pass and 3 have no result and will be eliminated" in page
    assert "appeals are accepted until" in page
    assert {a.status for a in Application.objects.filter(competition=competition)} == {"admitted"}


def test_an_open_window_is_shown_as_a_reason_and_offers_no_confirm_button(client, in_testing):
    staff, competition, _apps, test = in_testing
    Stage.objects.filter(pk=test.pk).update(closes_at=timezone.now() + dt.timedelta(days=3))
    client.force_login(staff.hr)
    client.cookies["eqyzmet_language"] = "en"
    page = _post(client, competition).content.decode()
    assert "3 admitted code(s) have not finished the Legislation test" in page
    assert 'name="confirmed"' not in page


def test_confirm_runs_the_step_once_and_a_second_click_finds_its_token_spent(client, in_testing):
    staff, competition, _apps, test = in_testing
    Stage.objects.filter(pk=test.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(staff.hr)
    client.cookies["eqyzmet_language"] = "en"
    page = _post(client, competition).content.decode()
    token = page.split('name="confirm_token" value="', 1)[1].split('"', 1)[0]
    first = _post(client, competition, confirmed="yes", confirm_token=token)
    assert first.status_code == 302
    competition.refresh_from_db()
    assert competition.status == Competition.Status.ESSAY
    second = client.post(
        "/admin/recruitment/competition/",
        {
            "action": "advance",
            "_selected_action": [competition.pk],
            "confirmed": "yes",
            "confirm_token": token,
        },
        follow=True,
    )
    assert "already used or has expired, so nothing was done" in second.content.decode()
    competition.refresh_from_db()
    assert competition.status == Competition.Status.ESSAY


def test_a_forged_confirmation_without_the_page_runs_nothing(client, in_testing):
    staff, competition, _apps, test = in_testing
    Stage.objects.filter(pk=test.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(staff.hr)
    _post(client, competition, confirmed="yes", confirm_token="guessed")
    competition.refresh_from_db()
    assert competition.status == Competition.Status.TESTING
