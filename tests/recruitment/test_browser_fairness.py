"""The public fairness statistics in a phone-sized browser, in Kazakh (issue 18)."""

from __future__ import annotations

import os

import pytest

from recruitment.demo_fairness import synthetic_cohort_add
from recruitment.models import Competition, Stage
from tests.recruitment.factories import make_competition, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_the_public_statistics_show_the_bars_in_kazakh_on_a_phone(page, live_server, roles):
    competition = make_competition(
        staff=make_staff(), plan=[(Stage.Kind.LEGISLATION_TEST, "55", None, None, "0")]
    )
    synthetic_cohort_add(competition=competition)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.CLOSED)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/kk/statistics/fairness/")
    assert page.locator("h1").inner_text() == "Іріктеудің әділдігі: статистика"
    gender = page.get_by_test_id("fairness-gender")
    assert gender.locator("h3").inner_text() == "Жынысы"
    bars = gender.locator(".bar-fill")
    assert bars.count() == 2
    # Women reached the ranking 27 of 60 times, men 48 of 60: the bars are 45% and 80%.
    widths = [b.evaluate("e => e.getBoundingClientRect().width") for b in bars.all()]
    track = gender.locator(".bar").first.evaluate("e => e.clientWidth")
    assert widths[0] == pytest.approx(track * 0.45, abs=2)
    assert widths[1] == pytest.approx(track * 0.80, abs=2)
    assert "45,0%" in gender.inner_text()  # a decimal comma in Kazakh
    # Nothing sticks out of a 390-pixel phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _signed_in(browser, live_server, user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="ru-RU")
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def test_the_commissioner_reads_the_adverse_impact_report_and_hr_may_not(
    browser, live_server, roles
):
    staff = make_staff()
    competition = make_competition(
        staff=staff, plan=[(Stage.Kind.LEGISLATION_TEST, "55", None, None, "0")]
    )
    synthetic_cohort_add(competition=competition)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.CLOSED)

    page = _signed_in(browser, live_server, staff.ethics)
    page.goto(f"{live_server.url}/ru/staff/fairness/")
    page.get_by_role("link", name=competition.number).click()
    page.wait_for_url(f"**/ru/staff/fairness/{competition.pk}/")
    adverse = page.get_by_test_id("adverse")
    # Women passed 27 of 60 against men's 48 of 60: 0.45 / 0.80 = 0.56, Fisher's p < 0.001.
    assert adverse.count() == 1
    row = adverse.inner_text()
    assert "0,56" in row and "ниже четырёх пятых, значимо" in row
    assert "27" in row and "60" in row

    hr = _signed_in(browser, live_server, staff.hr)
    response = hr.goto(f"{live_server.url}/ru/staff/fairness/{competition.pk}/")
    assert response.status == 403
    assert hr.get_by_test_id("adverse").count() == 0
