"""A candidate's saved search in Chromium: search, save the search, a matching vacancy is
published, the daily alert runs, the e-mail names the vacancy, and its unsubscribe link
turns the alerts off in a browser that is not signed in."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from recruitment import tasks
from recruitment.models import SavedSearch
from tests.factories import PASSWORD
from tests.recruitment_candidate.factories import make_candidate_user, open_vacancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _tomorrow_morning() -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def test_a_candidate_saves_a_search_gets_the_alert_and_unsubscribes(
    page, browser, live_server, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EQYZMET_SITE_URL = live_server.url
    mail.outbox = []
    open_vacancy(title_en="Tax auditor", region="Almaty", salary_max=600_000)
    open_vacancy(title_en="Gardener", region="Almaty")
    user = make_candidate_user()
    user.language = "en"
    user.save(update_fields=["language"])
    base = f"{live_server.url}/en"

    page.goto(f"{base}/accounts/login/?next=/en/vacancies/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/vacancies/")

    page.get_by_label("Words in the title or duties").fill("auditor")
    page.get_by_label("Region").select_option("Almaty")
    page.get_by_label("Salary at least, tenge").fill("500000")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r".*q=auditor.*"))
    assert page.locator(".vacancy h2").all_inner_texts() == ["Tax auditor"]

    page.get_by_label("Name of the search").fill("Auditors in Almaty")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("The search is saved.").wait_for()
    assert page.locator(".vacancy h2").all_inner_texts() == ["Tax auditor"]  # same search
    page.get_by_role("link", name="My saved searches").click()
    card = page.locator(".saved-search")
    assert card.get_by_role("heading").inner_text() == "Auditors in Almaty"
    assert "Words: auditor" in card.inner_text() and "Region: Almaty" in card.inner_text()

    # A new vacancy is published that matches, and one that does not.
    _competition, new = open_vacancy(
        title_en="Senior tax auditor", region="Almaty", salary_max=700_000
    )
    open_vacancy(title_en="Senior gardener", region="Almaty", salary_max=700_000)
    with time_machine.travel(_tomorrow_morning(), tick=True):
        assert tasks.send_search_alerts() == 1
        assert tasks.send_search_alerts() == 0  # once a day

    [message] = [m for m in mail.outbox if m.to == [user.email]]
    assert "Senior tax auditor" in message.body
    assert "Gardener" not in message.body and "Senior gardener" not in message.body
    assert "Tax auditor —" not in message.body  # published before the search was saved
    assert f"{live_server.url}/en/vacancies/{new.pk}/" in message.body
    link = re.search(r"https?://\S+/saved-searches/unsubscribe/\S+/", message.body).group(0)

    # The link works in a browser that nobody signed in to.
    stranger = browser.new_context()
    other = stranger.new_page()
    other.goto(link)
    assert "Stop the e-mails about new vacancies for the saved search “Auditors in Almaty”?" in (
        other.content()
    )
    other.get_by_role("button", name="Turn these alerts off").click()
    other.get_by_text("Alerts are off for the saved search “Auditors in Almaty”.").wait_for()
    stranger.close()
    assert not SavedSearch.objects.get(user=user).alerts_enabled

    page.reload()
    assert "E-mail alerts off" in page.locator(".saved-search").inner_text()
