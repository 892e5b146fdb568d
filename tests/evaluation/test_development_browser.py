"""Browser journey: after the annual result an employee agrees their development plan with
their manager and records a completed course with its certificate; the manager confirms."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from eqyzmet.roles import Role
from eqyzmet.services import roles_setup, staff_assign
from evaluation import services
from evaluation.models import Assessment, Competency
from evaluation.models_development import CourseCompletion, DevelopmentPlan
from tests.evaluation.development_factories import course, family, join
from tests.factories import PASSWORD, UserFactory, make_state_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/en/accounts/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(f".*{re.escape(next_path)}$"))


def test_employee_and_manager_agree_a_plan_and_a_course_is_recorded(
    browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    roles_setup()
    unit = make_state_body(code="dev-unit-test")
    manager = UserFactory(email="boss@example.kz")
    staff_assign(user=manager, role=Role.MANAGER, state_body=unit)
    worker = UserFactory(email="learner@example.kz")
    employee = services.employee_register(
        user=worker, position="Chief expert", state_body=unit, supervisor=manager, unit_head=manager
    )
    for n, name in enumerate(["Professionalism", "Initiative"]):
        Competency.objects.create(
            code=name.lower(), name_kk=name, name_ru=name, name_en=name, position=n
        )
    join(employee, family(levels={"professionalism": 4, "initiative": 3}))
    writing = course("Writing clear regulations", competency="professionalism")
    cycle = services.cycle_create(state_body=unit, year=2025, quarter=2)
    services.cycle_open(cycle=cycle)
    services.assessment_score(
        assessment=Assessment.objects.get(cycle=cycle),
        actor=manager,
        ratings={c.pk: 3 for c in Competency.objects.all()},
    )
    services.annual_results_compute(year=2025)
    plan = DevelopmentPlan.objects.get()

    # 1. The employee reads the plan drafted from the gap and agrees it.
    me = browser.new_context(locale="en-US").new_page()
    _sign_in(me, live_server, worker, "/en/evaluation/development/")
    card = me.get_by_test_id(f"plan-{plan.pk}")
    assert "Professionalism" in card.inner_text()
    assert "Writing clear regulations" in card.inner_text()
    card.get_by_test_id("agree-plan").click()
    assert "You have agreed the development plan." in me.content()
    assert me.get_by_test_id("plan-status").inner_text() == "Draft, to be agreed"

    # 2. They record the course with its certificate.
    me.select_option("#id_course", str(writing.pk))
    me.fill("#id_completed_on", dt.date.today().isoformat())
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    me.set_input_files("#id_evidence", str(pdf))
    me.get_by_test_id("record-course").click()
    assert me.get_by_test_id("completion-status").inner_text() == "Awaiting the manager"

    # 3. The manager agrees the plan and confirms the course.
    boss = browser.new_context(locale="en-US").new_page()
    _sign_in(boss, live_server, manager, "/en/evaluation/unit/development/")
    boss.get_by_test_id(f"plan-{plan.pk}").get_by_test_id("agree-plan").click()
    assert boss.get_by_test_id(f"plan-{plan.pk}").get_by_test_id("plan-status").inner_text() == (
        "Agreed"
    )
    completion = CourseCompletion.objects.get()
    boss.get_by_test_id(f"confirm-training-{completion.pk}").click()
    assert "The training is confirmed." in boss.content()

    me.reload()
    assert me.get_by_test_id("plan-status").inner_text() == "Agreed"
    assert me.get_by_test_id("completion-status").inner_text() == "Confirmed"
