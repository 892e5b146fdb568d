"""The account in Chromium: from the header to the account page, the data download, the
deletion page refusing while an application runs, then deleting after withdrawing."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from eqyzmet.models import User
from tests.accounts.builders import apply, open_competition
from tests.factories import PASSWORD
from tests.recruitment.factories import make_candidate, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHOTS = os.environ.get("EQYZMET_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_candidate_downloads_their_data_and_deletes_the_account(page, live_server, roles):
    candidate = make_candidate()
    application = apply(candidate, open_competition(make_staff()))
    base = f"{live_server.url}/en"

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(candidate.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation").get_by_role("link", name="Account").click()
    page.wait_for_url(f"{base}/accounts/account/")
    _shot(page, "account")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["recruitment"]["profile"]["full_name"] == candidate.full_name
    assert data["recruitment"]["applications"][0]["code"] == application.code

    page.get_by_role("link", name="Delete my account…").click()
    page.wait_for_url(f"{base}/accounts/account/delete/")
    _shot(page, "delete-blocked")
    blocked = page.get_by_test_id("deletion-blocked")
    assert application.code in blocked.inner_text()
    blocked.get_by_role("link", name="Withdraw").click()
    page.get_by_role("button", name="Yes, withdraw").click()
    page.wait_for_url(re.compile(r".*/my/applications/.*"))

    page.goto(f"{base}/accounts/account/delete/")
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    _shot(page, "delete-form")
    page.get_by_role("button", name="Delete my account now").click()
    page.wait_for_url(f"{base}/")
    assert "Your account is deleted." in page.content()
    assert not User.objects.get(pk=candidate.user.pk).is_active
