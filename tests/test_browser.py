"""Browser journeys through Playwright and Debian's Chromium."""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_visitor_reads_the_home_page_and_switches_language(page, live_server):
    page.goto(f"{live_server.url}/kk/")
    assert page.locator("h1").inner_text() == "Мемлекеттік қызметке өз біліміңізбен келіңіз"
    page.get_by_role("button", name="Русский").click()
    page.wait_for_url(f"{live_server.url}/ru/")
    assert page.locator("h1").inner_text() == "Поступайте на госслужбу по заслугам"
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("h1").inner_text() == "Join the civil service on merit"
