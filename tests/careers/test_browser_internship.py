"""Browser journey: a graduate signs in, applies for an internship with a status document and
a motivation, and sees their code and status; the HR officer's admin shows only the code
and the redacted motivation."""

from __future__ import annotations

import os
import re

import pytest
from django.utils import timezone

from careers.models_internships import InternshipApplication
from recruitment.models import Education
from tests.careers.internship_factories import make_internship
from tests.factories import PASSWORD
from tests.recruitment.factories import make_candidate, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _sign_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/en/accounts/login/?next={next_path}")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(f".*{re.escape(next_path)}$"))


def test_a_graduate_applies_and_hr_sees_only_the_code_and_redacted_text(
    browser, live_server, settings, tmp_path
):
    from eqyzmet.services import roles_setup

    settings.MEDIA_ROOT = tmp_path
    roles_setup()
    staff = make_staff()
    internship = make_internship(body=staff.body, fields=["law"], graduated_within_years=2)
    graduate = make_candidate()
    Education.objects.filter(profile=graduate.profile).update(
        graduation_year=timezone.localdate().year - 1
    )
    document = tmp_path / "diploma.pdf"
    document.write_bytes(b"%PDF-1.4\n% diploma of the graduate\n")

    page = browser.new_context(locale="en-US").new_page()
    _sign_in(page, live_server, graduate.user, "/en/careers/internships/")
    page.get_by_role("link", name=internship.title_en).click()
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("radio", name="Graduate").check()
    page.get_by_label("Education I graduated from (graduates)").select_option(index=1)
    page.get_by_label("Document confirming your status (PDF, JPEG or PNG)").set_input_files(
        str(document)
    )
    page.get_by_label("Why this internship? (up to 1,500 characters)").fill(
        f"My name is {graduate.full_name}, write to {graduate.email}. I studied law and want "
        "to learn how a ministry drafts regulations."
    )
    page.get_by_role("button", name="Send the application").click()
    page.wait_for_url(re.compile(r".*/en/careers/internships/my/$"))
    application = InternshipApplication.objects.get()
    assert application.code in page.locator(".messages").inner_text()
    row = page.get_by_test_id("my-internships").inner_text()
    assert application.code in row and "Submitted" in row and internship.title_en in row

    hr = browser.new_context(locale="en-US").new_page()
    hr.goto(f"{live_server.url}/admin/login/")
    hr.fill("#id_username", staff.hr.email)
    hr.fill("#id_password", PASSWORD)
    hr.click("input[type=submit]")
    hr.goto(f"{live_server.url}/admin/careers/internshipapplication/")
    hr.get_by_role("link", name=application.code).click()
    hr.wait_for_load_state()
    html = hr.content()
    assert application.code in html
    assert "I studied law and want to learn how a ministry drafts regulations." in html
    assert "[EMAIL]" in html
    for marker in graduate.markers:
        assert marker not in html
    assert "Anonymous until revealed." in html
