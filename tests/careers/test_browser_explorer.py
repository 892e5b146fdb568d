"""Browser journey on a phone: a school student with a class code takes the explorer,
lands on a job family page and starts the practice test; every page fits 390 px."""

from __future__ import annotations

import os
import re

import pytest

from careers import classes
from careers.explorer_items import ITEMS
from careers.models import ExplorerResult
from testing_center.models import Attempt
from tests.careers.helpers import EXAMPLE
from tests.factories import UserFactory
from tests.testing_center.factories import make_blueprint, small_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def test_a_student_with_a_class_code_explores_and_starts_the_practice_test(browser, live_server):
    topics = small_bank(sections=1, per_topic=4, practice=True)
    blueprint = make_blueprint([(topics[0], 4, None)], practice=True)
    group = classes.class_create(adviser=UserFactory(), name="11 A")

    page = browser.new_context(locale="en-US", viewport=PHONE, is_mobile=True).new_page()
    page.goto(f"{live_server.url}/en/careers/class/join/{group.code}/")
    page.wait_for_url(re.compile(r".*/en/careers/class/$"))
    assert "11 A" in page.locator("main").inner_text()
    _fits(page)

    page.get_by_role("link", name="Take the interest and strengths explorer").click()
    page.wait_for_url(re.compile(r".*/en/careers/explorer/$"))
    _fits(page)
    assert page.locator("fieldset").count() == len(ITEMS)
    for key, value in EXAMPLE.items():
        page.locator(f"input[name='{key}'][value='{value}']").check()
    page.get_by_role("button", name="See my results").click()
    page.wait_for_url(re.compile(r".*/en/careers/explorer/result/\d+/$"))
    _fits(page)
    text = page.locator("main").inner_text()
    assert "95 of 100" in text and "fit 88 of 100" in text
    result = ExplorerResult.objects.get()
    assert result.class_group == group and result.user is None

    page.get_by_role("link", name="Finance, budget and audit").click()
    page.wait_for_url(re.compile(r".*/en/careers/families/finance-audit/$"))
    _fits(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Finance, budget and audit"

    page.get_by_role("button", name="Start the practice test").click()
    page.wait_for_url(re.compile(r".*/tests/attempt/\d+/$"))
    _fits(page)
    attempt = Attempt.objects.get()
    assert attempt.blueprint == blueprint
    assert attempt.practice_tag == classes.practice_tag(group)
