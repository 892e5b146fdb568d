"""WCAG 2.1 AA on every careers page (axe-core, as tests/test_accessibility.py does): the
explorer and its error state, a result, the job families, a student's class page and the
teacher's class list and report, in Kazakh, Russian and English, on a 390 px phone."""

from __future__ import annotations

import os

import pytest

from careers.demo import DEMO_CLASS_CODE
from careers.families import FAMILIES
from tests.browser_pages import new_context, seed_demo
from tests.careers.helpers import EXAMPLE
from tests.test_accessibility import Audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}


def _check_again(audit: Audit, page, expect_path: str) -> None:
    """Audit a page in another state at a URL already audited (an error, a class joined)."""
    url = page.url.removeprefix(audit.base)
    if url in audit.audited:
        audit.audited.remove(url)
    audit.check(page, expect_path)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_careers_pages_have_no_serious_wcag_violation_and_fit_a_phone(
    browser, live_server, lang
):
    seed_demo()
    audit = Audit(live_server.url)
    p = f"/{lang}/careers"

    student = new_context(browser, live_server, viewport=PHONE).new_page()
    for path in ["/", "/explorer/", "/families/", "/class/"]:
        audit.visit(student, p + path)
        _fits(student)
    for family in FAMILIES:
        audit.visit(student, f"{p}/families/{family.slug}/")
        _fits(student)

    # Half an answer sheet: the error state, then the whole sheet and its result.
    student.goto(f"{live_server.url}{p}/explorer/")
    for key, value in list(EXAMPLE.items())[:10]:
        student.locator(f"input[name='{key}'][value='{value}']").check()
    student.locator("main form button[type=submit]").click()
    student.wait_for_load_state("load")
    assert student.locator(".cr-missing").count() == len(EXAMPLE) - 10
    _check_again(audit, student, r"/careers/explorer/$")
    _fits(student)
    for key, value in EXAMPLE.items():
        student.locator(f"input[name='{key}'][value='{value}']").check()
    student.locator("main form button[type=submit]").click()
    audit.check(student, r"/careers/explorer/result/\d+/$")
    _fits(student)

    student.goto(f"{live_server.url}{p}/class/join/{DEMO_CLASS_CODE}/")
    _check_again(audit, student, r"/careers/class/$")
    assert student.locator("main form[action$='/careers/class/leave/']").count() == 1
    _fits(student)

    teacher = new_context(browser, live_server, who="teacher", viewport=PHONE).new_page()
    audit.visit(teacher, f"{p}/classes/")
    _fits(teacher)
    audit.visit(teacher, f"{p}/classes/{DEMO_CLASS_CODE}/")
    _fits(teacher)
    assert "10" in teacher.locator("main").inner_text()

    assert len(audit.audited) >= 14, audit.audited
    assert not audit.found, "axe (WCAG 2.1 A/AA, serious or critical):\n" + "\n".join(audit.found)
