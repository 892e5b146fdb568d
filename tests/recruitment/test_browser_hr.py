"""Browser journey: an HR officer runs a competition in the admin up to the locked ranking."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from recruitment import services
from recruitment.models import Application, Competition, Stage
from recruitment.public import stage_result_record
from tests.factories import PASSWORD
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_hr_officer_takes_a_competition_to_the_locked_ranking_in_the_admin(page, live_server):
    from eqyzmet.services import roles_setup

    roles_setup()
    staff = make_staff()
    competition = make_competition(
        staff=staff,
        plan=[
            (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
            (Stage.Kind.ESSAY, "5", "3", 5, "1"),
        ],
    )
    services.competition_publish(competition=competition, actor=staff.hr)
    candidates = [make_candidate() for _ in range(3)]
    applications = [
        services.application_submit(
            user=c.user, competition=competition, vacancy=competition.vacancies.get(), consent=True
        )
        for c in candidates
    ]
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", staff.hr.email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/recruitment/competition/")

    def run_action(action_value: str) -> None:
        """Choose the action, read the confirmation page, confirm when the step is possible."""
        page.goto(f"{live_server.url}/admin/recruitment/competition/")
        page.check(f"input[name=_selected_action][value='{competition.pk}']")
        page.select_option("select[name=action]", action_value)
        page.click("button[name=index]")
        page.wait_for_load_state()
        assert page.locator(".confirm-step").count() == 1  # never straight through
        confirm = page.locator(".confirm-step input[type=submit]")
        if confirm.count():
            confirm.click()
            page.wait_for_load_state()

    run_action("close_applications")
    run_action("advance")
    assert Competition.objects.get(pk=competition.pk).status == "testing"

    test_stage = competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    for a in applications:
        stage_result_record(
            application_id=a.pk, stage_id=test_stage.pk, score=Decimal(41), passed=True
        )
    run_action("advance")
    assert Competition.objects.get(pk=competition.pk).status == "essay"

    # The officer tries to lock before the commission has marked: a clear refusal, and no
    # Confirm button to press.
    run_action("lock_ranking")
    assert page.locator(".confirm-step .errorlist li").count() == 1
    assert page.locator(".confirm-step input[type=submit]").count() == 0
    assert Competition.objects.get(pk=competition.pk).status == "essay"
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for a, score in zip(applications, [3, 5, 4], strict=True):
            services.commission_mark(member=member, application=a, score=Decimal(score))
    run_action("lock_ranking")
    assert Competition.objects.get(pk=competition.pk).status == "ranking_locked"

    page.goto(
        f"{live_server.url}/admin/recruitment/application/?competition__id__exact={competition.pk}"
    )
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    first_row = rows.nth(0).inner_text()
    best = Application.objects.get(competition=competition, rank=1)
    assert best.code in first_row
    assert re.search(r"\b1\b", first_row)
    for candidate in candidates:
        assert candidate.full_name not in page.content()
