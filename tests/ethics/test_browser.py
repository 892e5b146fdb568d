"""Browser journey: an anonymous report, the commissioner answers, the reporter reads it."""

from __future__ import annotations

import os
import re

import pytest

from eqyzmet.roles import Role
from eqyzmet.services import roles_setup, staff_assign
from tests.factories import PASSWORD, UserFactory, make_state_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_anonymous_report_commissioner_reply_and_reporter_reads_it(
    browser, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    roles_setup()
    body = make_state_body(code="mdai")
    commissioner = UserFactory(email="ethics@example.kz")
    staff_assign(user=commissioner, role=Role.ETHICS_COMMISSIONER, state_body=body)

    # 1. An anonymous person files a report and receives the code.
    reporter = browser.new_context(locale="en-US").new_page()
    reporter.goto(f"{live_server.url}/en/ethics/report/")
    reporter.select_option("#id_category", "corruption_risk")
    reporter.select_option("#id_state_body", str(body.pk))
    reporter.fill("#id_subject", "Gift requested at window 4")
    reporter.fill("#id_description", "A specialist asked for a gift to speed up my licence.")
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    reporter.set_input_files("#id_attachments", str(pdf))
    reporter.get_by_role("button", name="Send the report").click()
    code = reporter.get_by_test_id("receipt-code").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)

    # 2. The commissioner signs in, acknowledges and replies.
    staff = browser.new_context(locale="en-US").new_page()
    staff.goto(f"{live_server.url}/en/accounts/login/?next=/en/ethics/dashboard/")
    staff.fill("#id_username", commissioner.email)
    staff.fill("#id_password", PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url(re.compile(r".*/en/ethics/dashboard/$"))
    staff.get_by_role("link", name=re.compile(r"^E-\d+$")).first.click()
    assert staff.get_by_test_id("case-status").inner_text() == "New"
    staff.select_option("#id_to_status", "acknowledged")
    staff.get_by_role("button", name="Save step").click()
    assert staff.get_by_test_id("case-status").inner_text() == "Acknowledged"
    staff.fill("textarea[name=body] >> nth=0", "Thank you. Which day did this happen?")
    staff.get_by_role("button", name="Send reply").click()
    staff.get_by_text("Thank you. Which day did this happen?").wait_for()

    # 3. The reporter comes back with the code and reads the reply.
    reporter.goto(f"{live_server.url}/en/ethics/follow/")
    reporter.fill("#id_code", code)
    reporter.get_by_role("button", name="Open").click()
    reporter.wait_for_url(re.compile(r".*/en/ethics/follow/case/$"))
    assert reporter.get_by_test_id("case-status").inner_text() == "Acknowledged"
    assert reporter.get_by_text("Thank you. Which day did this happen?").is_visible()
    reporter.fill("#id_body", "It was on 3 March.")
    reporter.get_by_role("button", name="Send").click()
    reporter.get_by_text("It was on 3 March.").wait_for()
