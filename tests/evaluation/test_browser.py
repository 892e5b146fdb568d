"""Browser journey: a manager scores a quarter, the employee acknowledges it, the service
desk issues a one-time link and a citizen rates the service through it."""

from __future__ import annotations

import os
import re

import pytest

from eqyzmet.roles import Role
from eqyzmet.services import roles_setup, staff_assign
from evaluation import services
from evaluation.models import Assessment, CitizenRatingLink, Competency
from tests.evaluation.factories import desk_officer
from tests.factories import PASSWORD, UserFactory, make_state_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/en/accounts/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(f".*{re.escape(next_path)}$"))


def test_manager_scores_employee_acknowledges_and_citizen_rates(
    browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    roles_setup()
    unit = make_state_body(code="mdai-egov-test")
    manager = UserFactory(email="manager@example.kz")
    staff_assign(user=manager, role=Role.MANAGER, state_body=unit)
    worker = UserFactory(email="worker@example.kz")
    employee = services.employee_register(
        user=worker, position="Chief expert", state_body=unit, supervisor=manager, unit_head=manager
    )
    for n, name in enumerate(["Professionalism", "Initiative"]):
        Competency.objects.create(
            code=name.lower(), name_kk=name, name_ru=name, name_en=name, position=n
        )
    cycle = services.cycle_create(state_body=unit, year=2025, quarter=3)
    services.cycle_open(cycle=cycle)
    desk = desk_officer(unit)

    # 1. The manager opens the unit, adds a KPI and scores the quarter.
    staff = browser.new_context(locale="en-US").new_page()
    _sign_in(staff, live_server, manager, "/en/evaluation/unit/")
    staff.get_by_role("link", name="worker@example.kz").click()
    assert staff.get_by_test_id("assessment-status").inner_text() == "Awaiting the supervisor"
    staff.get_by_text("Add an indicator").click()
    staff.fill("#id_name", "Requests processed on time")
    staff.fill("#id_target", "95")
    staff.fill("#id_weight", "1")
    staff.get_by_role("button", name="Add the indicator").click()
    staff.fill("input[name=actual]", "95")
    staff.get_by_role("button", name="Save").first.click()
    staff.get_by_text("The indicator is updated.").wait_for()
    for competency in Competency.objects.all():
        staff.select_option(f"#id_c{competency.pk}", "4")
    staff.fill("#id_comment", "Reliable quarter.")
    staff.get_by_role("button", name="Submit the evaluation").click()
    staff.get_by_text("The evaluation is saved.").wait_for()
    assert staff.get_by_test_id("assessment-status").inner_text() == "Result issued"
    # (50*100 + 30*80) / 80
    assert staff.get_by_test_id("composite").inner_text() == "92.50"

    # 2. The employee sees the result with its chart and acknowledges it.
    own = browser.new_context(locale="en-US").new_page()
    _sign_in(own, live_server, worker, "/en/evaluation/my/")
    assert own.locator("svg.chart").count() == 1
    own.get_by_role("link", name="2025 Q3").click()
    assert own.get_by_test_id("band").inner_text() == "Exceeds expectations"
    own.get_by_role("button", name="Acknowledge the result").click()
    own.get_by_text("You have acknowledged the result.").wait_for()
    assert own.get_by_test_id("assessment-status").inner_text() == "Acknowledged"
    assert Assessment.objects.get().status == Assessment.Status.ACKNOWLEDGED

    # 3. The service desk issues a one-time link for the service the employee delivered.
    counter = browser.new_context(locale="en-US").new_page()
    _sign_in(counter, live_server, desk, "/en/evaluation/desk/rating-link/")
    counter.select_option("#id_employee", str(employee.pk))
    counter.fill("#id_service", "EDS issue")
    counter.get_by_role("button", name="Create a one-time rating link").click()
    rating_url = counter.get_by_test_id("rating-url").get_attribute("href")
    code = counter.get_by_test_id("rating-code").inner_text()
    token = services.token_normalise(code)
    path, _hash, fragment = rating_url.partition("#")
    assert fragment == token and token not in path

    # 4. A citizen, without an account, opens the link: the script posts the code.
    citizen = browser.new_context(locale="en-US").new_page()
    citizen.goto(rating_url)
    citizen.get_by_text("EDS issue").wait_for()
    assert token not in citizen.url  # wiped from the address bar and history
    citizen.get_by_label("5", exact=True).check()
    citizen.fill("#id_comment", "Quick and polite.")
    citizen.get_by_role("button", name="Send the rating").click()
    assert citizen.get_by_test_id("rate-thanks").is_visible()
    # The printed code, typed by hand, is refused now: one rating per delivery.
    citizen.goto(f"{live_server.url}/en/evaluation/rate/")
    citizen.fill("#id_code", code)
    citizen.get_by_role("button", name="Continue").click()
    assert "already been used" in citizen.get_by_test_id("rate-refused").inner_text()
    link = CitizenRatingLink.objects.get()
    assert (link.score, link.comment) == (5, "Quick and polite.")
    assert link.delivery.issued_by == desk
