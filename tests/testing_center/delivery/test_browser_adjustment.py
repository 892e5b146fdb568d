"""Browser: a candidate whose request for 50% extra time was approved sees the longer
clock on the test page; a candidate without an adjustment sees the ordinary one."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services
from recruitment.models import Stage
from tests.factories import PASSWORD, UserFactory
from tests.testing_center.factories import (
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    small_bank,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _clock_after_start(browser, base, user, sitting_pk) -> str:
    page = browser.new_context(locale="en-US").new_page()
    sitting_url = f"/en/tests/sitting/{sitting_pk}/"
    page.goto(f"{base}/en/accounts/login/?next={sitting_url}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf".*{sitting_url}$"))
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r".*/en/tests/attempt/\d+/$"))
    clock = page.get_by_test_id("clock")
    # The script has taken over the clock once it counts in minutes and seconds.
    page.wait_for_function(
        "() => /^\\d+:\\d\\d$/.test(document.querySelector('[data-testid=clock]').textContent)"
    )
    text = clock.inner_text().strip()
    page.context.close()
    return text


def test_approved_extra_time_shows_a_longer_clock(browser, live_server, roles):
    topics = small_bank(sections=1, per_topic=3)
    blueprint = make_blueprint([(topics[0], 2, 1)], time_limit=20 * 60)
    now = timezone.now()
    contest = make_contest(
        blueprint=blueprint,
        opens=now + dt.timedelta(hours=1),
        closes=now + dt.timedelta(hours=5),
    )
    adjusted, plain = make_candidate(), make_candidate()
    application = make_application(contest, user=adjusted)
    make_application(contest, user=plain)
    officer = UserFactory()
    staff_assign(user=officer, role=Role.ADJUSTMENTS_OFFICER, state_body=contest.body)
    adjustment = services.adjustment_request(
        user=adjusted,
        application=application,
        extra_time="50",
        reason="A visual impairment makes reading slow for me.",
    )
    services.adjustment_decide(adjustment=adjustment, actor=officer, status="approved")
    Stage.objects.filter(pk=contest.stage.pk).update(opens_at=now - dt.timedelta(minutes=1))

    longer = _clock_after_start(browser, live_server.url, adjusted, contest.sitting.pk)
    ordinary = _clock_after_start(browser, live_server.url, plain, contest.sitting.pk)
    # 20 minutes + 50% = 30 minutes, counting down from 30:00.
    assert re.fullmatch(r"(29:[0-5]\d|30:00)", longer), longer
    assert re.fullmatch(r"(19:[0-5]\d|20:00)", ordinary), ordinary
