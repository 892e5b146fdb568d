"""A candidate's journey in Chromium: register, confirm the e-mail address, fill the
profile, find a vacancy, apply and find the anonymous code under "My applications"."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from recruitment.models import Application
from tests.recruitment_candidate.factories import open_vacancy, valid_iin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_candidate_registers_applies_and_sees_the_code(page, live_server):
    open_vacancy(title_en="Budget analyst", duties_en="Plan the ministry's budget.")
    open_vacancy(title_en="Gardener")
    base = f"{live_server.url}/en"

    page.goto(f"{base}/accounts/register/")
    page.get_by_label("E-mail address").fill("aruzhan@example.kz")
    page.get_by_label("Password", exact=True).fill("Steppe-Horizon-2026")
    page.get_by_label("Password again").fill("Steppe-Horizon-2026")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(f"{base}/accounts/register/done/")

    link = re.search(r"https?://\S+/accounts/confirm/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my e-mail address").click()
    # Registering signs nobody in (it would tell which addresses are taken): sign in now.
    page.wait_for_url(re.compile(r".*/accounts/login/.*"))
    assert "your e-mail address is confirmed" in page.content()
    page.get_by_label("E-mail address").fill("aruzhan@example.kz")
    page.get_by_label("Password", exact=True).fill("Steppe-Horizon-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/my/profile/")

    page.get_by_role("link", name="Fill in").click()
    page.get_by_label("Full name").fill("Aruzhan Bekova")
    page.get_by_label("IIN").fill(valid_iin())
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/my/profile/")

    page.goto(f"{base}/my/profile/education/add/")
    page.get_by_label("Level").select_option(label="Higher (bachelor's degree)")
    page.get_by_label("Field").select_option(label="Economics and finance")
    page.get_by_label("Year of graduation").fill("2015")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/my/profile/")

    page.goto(f"{base}/my/profile/experience/add/")
    page.get_by_label("Sector").select_option(label="Private sector")
    page.get_by_label("Field").select_option(label="Economics and finance")
    page.get_by_label("From").fill("2016-09-01")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/my/profile/")
    assert "Private sector" in page.content()

    page.goto(f"{base}/vacancies/")
    page.get_by_label("Words in the title or duties").fill("budget")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Budget analyst").click()
    page.get_by_role("link", name="Apply").click()
    page.get_by_label("I agree to the processing of my personal data").check()
    page.get_by_role("button", name="Submit my application").click()

    code = page.get_by_test_id("application-code").inner_text().strip()
    assert code == Application.objects.get().code
    assert "You meet every requirement of the vacancy." in page.content()

    page.get_by_role("link", name="My applications").first.click()
    page.wait_for_url(f"{base}/my/applications/")
    assert page.get_by_role("link", name=code).is_visible()


def test_a_candidate_short_of_a_requirement_saves_a_draft_then_applies(page, live_server):
    """Issue 15: the apply page says what is missing before anything is sent; the draft
    waits in My applications while the profile is completed."""
    from decimal import Decimal

    from tests.factories import PASSWORD
    from tests.recruitment_candidate.factories import make_candidate_with_profile

    competition, vacancy = open_vacancy(title_en="Senior auditor", min_experience_years=Decimal(5))
    user = make_candidate_with_profile(public_years=3)
    base = f"{live_server.url}/en"
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/my/.*|.*/en/$"))

    page.goto(f"{base}/vacancies/{vacancy.pk}/apply/{competition.pk}/")
    assert page.get_by_role("button", name="Submit my application").is_disabled()
    assert "Work experience: 5.0 years required, 3.0 years counted." in page.content()
    page.get_by_label("Motivation letter (optional)").fill("Ten years of audits, I hope.")
    page.get_by_role("button", name="Save as a draft").click()
    page.wait_for_url(f"{base}/my/applications/")
    assert page.get_by_test_id("drafts").is_visible()
    assert not Application.objects.exists()

    page.goto(f"{base}/my/profile/experience/add/")
    page.get_by_label("Sector").select_option(label="Private sector")
    page.get_by_label("Field").select_option(label="Economics and finance")
    page.get_by_label("From").fill("2013-09-01")
    page.get_by_label("To", exact=True).fill("2016-09-01")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{base}/my/profile/")

    page.goto(f"{base}/my/applications/")
    page.get_by_role("link", name="Continue").click()
    assert page.get_by_label("Motivation letter (optional)").input_value() == (
        "Ten years of audits, I hope."
    )
    page.get_by_label("I agree to the processing of my personal data").check()
    page.get_by_role("button", name="Submit my application").click()
    code = page.get_by_test_id("application-code").inner_text().strip()
    assert code == Application.objects.get().code
    assert "Ten years of audits, I hope." in page.content()
