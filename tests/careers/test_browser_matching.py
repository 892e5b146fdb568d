"""Browser journey: a registered candidate sees "posts you can win" with the reasons, a new
matching vacancy is published, the matching task runs, the alert e-mail arrives with its
link, and the link opens the vacancy."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core import mail
from django.utils import timezone

from careers.models_matching import MatchPreference
from eqyzmet.services import roles_setup
from recruitment import services
from recruitment.models import Field
from tests.factories import PASSWORD
from tests.recruitment.factories import make_candidate, make_competition, make_staff, make_vacancy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/en/accounts/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(f".*{re.escape(next_path)}$"))


def _publish(staff, **vacancy):
    post = make_vacancy(body=staff.body, education_fields=[Field.LAW], **vacancy)
    competition = make_competition(staff=staff, vacancy=post)
    services.competition_publish(competition=competition, actor=staff.hr)
    return post


def test_a_candidate_sees_posts_to_win_and_is_alerted_to_a_new_one(browser, live_server, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    roles_setup()
    staff = make_staff()
    person = make_candidate(public_years=4)
    # Saving the profile matched the person already (on commit): their preference exists.
    MatchPreference.objects.update_or_create(
        user=person.user,
        defaults={
            "alerts_enabled": True,
            "alerts_since": timezone.now() - dt.timedelta(minutes=5),
        },
    )
    _publish(staff, title_en="Chief legal expert", duties_en="Legal review of regulations.")

    page = browser.new_context(locale="en-US").new_page()
    _sign_in(page, live_server, person.user, "/en/careers/matches/")
    assert page.get_by_role("heading", level=1).inner_text() == "Posts you can win"
    card = page.locator(".match").filter(has_text="Chief legal expert")
    reasons = card.locator(".match-reasons").inner_text()
    assert "Your 4 years of work in law (public service) count toward the 2 years required." in (
        reasons
    )

    mail.outbox.clear()
    post = _publish(
        staff,
        title_en="Head of the legislation unit",
        duties_en="Drafting legislation and legal review.",
    )
    alerts = [m for m in mail.outbox if person.email in m.to]
    assert len(alerts) == 1
    assert "Head of the legislation unit" in alerts[0].body
    link = re.search(rf"https?://\S+/vacancies/{post.pk}/", alerts[0].body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    page.goto(f"{live_server.url}{path}")
    assert "Head of the legislation unit" in page.get_by_role("heading", level=1).inner_text()

    page.goto(f"{live_server.url}/en/careers/matches/")
    assert page.locator(".match").filter(has_text="Head of the legislation unit").count() == 1
