"""Browser journey: a contract employee reports a quarter and the project's responsible
official confirms it, which sets the results component of pay."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from eqyzmet.services import roles_setup
from recruitment.contracts.services import pay_rules_setup
from recruitment.models_contracts import QuarterReport
from tests.factories import PASSWORD
from tests.recruitment.contract_factories import make_contract, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/en/accounts/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(f".*{re.escape(next_path)}$"))


def test_the_employee_reports_and_the_official_confirms_a_quarter(browser, live_server):
    roles_setup()
    # A transactional test starts from an empty table: version 1 of the rules, as migrated.
    pay_rules_setup()
    today = timezone.localdate()
    project = make_project(starts_on=today - dt.timedelta(days=200))
    contract = make_contract(project=project, starts_on=today - dt.timedelta(days=100))
    first, second = contract.indicators.order_by("pk")

    worker = browser.new_context(locale="en-US").new_page()
    _sign_in(worker, live_server, contract.employee, "/en/my/contract/")
    worker.get_by_label(f"{first.name}: actual (target {first.target})").fill("9")
    worker.get_by_label(f"{second.name}: actual (target {second.target})").fill("5")
    worker.get_by_role("button", name="Send for confirmation").click()
    worker.wait_for_url(re.compile(r".*/en/my/contract/$"))
    assert "sent to the responsible official" in worker.locator(".messages").inner_text()

    official = browser.new_context(locale="en-US").new_page()
    _sign_in(official, live_server, project.responsible_official, "/en/contracts/official/")
    official.get_by_role("button", name=re.compile(r"^Confirm \d{4} Q\d$")).click()
    official.wait_for_url(re.compile(r".*/en/contracts/official/$"))
    # 0.6 × 0.9 + 0.4 × 0.8 = 0.86: 60 % of the 300 000 results component.
    assert "score 0.8600, results component 180000.00" in official.locator(".messages").inner_text()
    report = QuarterReport.objects.get(contract=contract)
    assert report.status == QuarterReport.Status.CONFIRMED
    worker.reload()
    assert "180000.00" in worker.content()
