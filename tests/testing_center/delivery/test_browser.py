"""Browser journey: a candidate takes a short legislation test, reloads mid-way, lets the
time run out and reads the result; the HR officer reads the results by code."""

from __future__ import annotations

import os
import re

import pytest

from tests.factories import PASSWORD
from tests.testing_center.factories import (
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    small_bank,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _sign_in(page, base, email, next_url):
    page.goto(f"{base}/en/accounts/login/?next={next_url}")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_candidate_takes_the_test_resumes_runs_out_of_time_and_sees_sections(
    browser, live_server, roles
):
    topics = small_bank(sections=2, per_topic=3)
    blueprint = make_blueprint(
        [(topics[0], 2, 1), (topics[1], 2, 1)], time_limit=20, grace=5, pass_min_correct=2
    )
    contest = make_contest(blueprint=blueprint)
    user = make_candidate()
    application = make_application(contest, user=user)

    page = browser.new_context(locale="en-US").new_page()
    sitting_url = f"/en/tests/sitting/{contest.sitting.pk}/"
    _sign_in(page, live_server.url, user.email, sitting_url)
    page.wait_for_url(re.compile(rf".*{sitting_url}$"))
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r".*/en/tests/attempt/\d+/$"))

    first = page.locator("#item-1 input[type=radio]").first
    first.check()
    page.locator("#item-1 [data-testid=item-state]").filter(has_text="saved").wait_for()
    third = page.locator("#item-3 input[type=radio]").nth(2)
    third.check()
    page.locator("#item-3 [data-testid=item-state]").filter(has_text="saved").wait_for()
    chosen = [first.get_attribute("value"), third.get_attribute("value")]

    page.reload()
    assert page.locator("#item-1 input[type=radio]:checked").get_attribute("value") == chosen[0]
    assert page.locator("#item-3 input[type=radio]:checked").get_attribute("value") == chosen[1]
    assert page.get_by_test_id("save-status").inner_text() == "All answers saved"

    # Nobody presses "Finish": the clock hands the paper in.
    page.wait_for_url(re.compile(r".*/result/$"), timeout=40_000)
    page.get_by_test_id("result-verdict").wait_for()
    assert "handed in automatically" in page.get_by_test_id("result-verdict").inner_text()
    sections = page.get_by_test_id("sections")
    assert sections.locator("tbody tr").count() == 2
    assert topics[0].name_en in sections.inner_text()

    staff = browser.new_context(locale="en-US").new_page()
    staff.goto(f"{live_server.url}/admin/login/?next=/admin/testing_center/attempt/")
    staff.fill("#id_username", contest.hr.email)
    staff.fill("#id_password", PASSWORD)
    staff.click("input[type=submit]")
    staff.wait_for_url(re.compile(r".*/admin/testing_center/attempt/$"))
    row = staff.locator("#result_list tbody tr").first
    assert application.code in row.inner_text()
    assert user.email not in staff.content()
