"""Browser journey (issue 16): the project's responsible official recommends a contract
candidate from an anonymised shortlist, and later confirms a quarter's indicators."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from eqyzmet.services import roles_setup
from recruitment import services
from recruitment.contracts import results, selection
from recruitment.contracts.services import pay_rules_setup
from recruitment.models import IdentityReveal
from recruitment.models_contracts import ContractRecommendation, QuarterReport
from tests.factories import PASSWORD
from tests.recruitment.contract_factories import (
    INDICATORS,
    make_contract_selection,
    run_selection_to_lock,
)
from tests.recruitment.factories import make_candidate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REASON = "Strongest licensing test result and years of e-government integration work."


def _sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/en/accounts/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(f".*{re.escape(next_path)}$"))


def test_the_official_recommends_from_the_shortlist_and_confirms_a_quarter(browser, live_server):
    roles_setup()
    pay_rules_setup()
    staff, project, competition = make_contract_selection()
    candidates = [make_candidate() for _ in range(3)]
    applications = run_selection_to_lock(
        staff=staff, competition=competition, candidates=candidates
    )
    chosen = sorted(applications, key=lambda a: a.rank)[1]

    official = browser.new_context(locale="en-US").new_page()
    _sign_in(official, live_server, project.responsible_official, "/en/contracts/official/")
    shortlist = official.locator("table.shortlist").inner_text()
    for application in applications:
        assert application.code in shortlist
    page = official.content()
    for candidate in candidates:
        assert candidate.full_name not in page
        assert candidate.email not in page
        assert candidate.iin not in page

    # The browser itself asks for a reason (the server refuses one too: unit tests).
    reason = official.get_by_label("Reason for the recommendation")
    assert reason.get_attribute("required") is not None
    assert reason.get_attribute("minlength") == "15"
    official.get_by_role("button", name="Recommend").click()
    assert not ContractRecommendation.objects.exists()

    official.get_by_label(chosen.code).check()
    official.get_by_label("Reason for the recommendation").fill(REASON)
    official.get_by_role("button", name="Recommend").click()
    official.wait_for_url(re.compile(r".*/en/contracts/official/(#selection-\d+)?$"))
    assert (
        f"Your recommendation of {chosen.code} is recorded"
        in official.locator(".messages").inner_text()
    )
    assert f"Recommended: {chosen.code}" in official.content()
    recommendation = ContractRecommendation.objects.get()
    assert recommendation.application_id == chosen.pk and recommendation.reason == REASON

    # HR reveals the recommended code and concludes the contract; a quarter later the
    # employee reports (through the services).
    services.application_reveal(
        application=chosen,
        actor=staff.hr,
        purpose=IdentityReveal.Purpose.CONTRACT,
        reason="Recommended by the project's responsible official.",
    )
    today = timezone.localdate()
    contract = selection.contract_conclude_from_recommendation(
        recommendation=recommendation,
        tasks="Move ten services online each quarter.",
        starts_on=today - dt.timedelta(days=100),
        ends_on=today + dt.timedelta(days=200),
        base_pay=Decimal("450000"),
        results_pay_max=Decimal("300000"),
        indicators=INDICATORS,
        actor=staff.hr,
    )
    first, second = contract.indicators.order_by("pk")
    year, quarter = today.year, (today.month - 1) // 3 + 1
    year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    results.report_submit(
        contract=contract,
        year=year,
        quarter=quarter,
        actuals={first.pk: Decimal("9"), second.pk: Decimal("5")},
        actor=contract.employee,
        today=today,
    )

    official.goto(f"{live_server.url}/en/contracts/official/")
    assert "HR concluded the contract" in official.content()
    official.get_by_role("button", name=f"Confirm {year} Q{quarter}").click()
    official.wait_for_url(re.compile(r".*/en/contracts/official/$"))
    # 0.6 × 0.9 + 0.4 × 0.8 = 0.86: 60 % of the 300 000 results component.
    assert "score 0.8600, results component 180000.00" in official.locator(".messages").inner_text()
    assert QuarterReport.objects.get(contract=contract).status == QuarterReport.Status.CONFIRMED
