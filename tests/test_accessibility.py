"""WCAG 2.1 AA (issue 15): axe-core finds no serious or critical violation on any public,
candidate or test page, in Kazakh, Russian and English.

The demo is seeded once per language; one browser context per person is reused for all of
their pages. axe-core is vendored in tests/vendor/axe-core (tests only, never served) and
injected into each page after it loads.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.browser_pages import (
    hand_in,
    links,
    new_context,
    open_follow_case,
    open_rating_form,
    seed_demo,
    send_report,
    start_open_test,
    start_practice,
)
from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
    }));
}"""


class Audit:
    """Runs axe on the page a browser shows now and keeps what it finds, by URL."""

    def __init__(self, base: str):
        self.base = base
        self.found: list[str] = []
        self.audited: list[str] = []

    def check(self, page, expect_path: str | None = None) -> None:
        page.wait_for_load_state("load")
        url = page.url.removeprefix(self.base)
        if expect_path is not None:
            assert re.search(expect_path, url), f"expected {expect_path}, the browser is on {url}"
        if url in self.audited:
            return
        page.add_script_tag(path=str(AXE))
        self.audited.append(url)
        for v in page.evaluate(RUN_AXE, WCAG_21_AA):
            for target in v["targets"]:
                self.found.append(f"{url}: {v['id']} ({v['impact']}) at {target} — {v['help']}")

    def visit(self, page, path: str) -> None:
        """Opens a page and audits it (once per URL)."""
        response = page.goto(self.base + path)
        assert response is not None and response.status == 200, f"{path}: {response.status}"
        self.check(page)


def _anonymous_pages(audit: Audit, page, lang: str) -> None:
    p = f"/{lang}"
    for path in (
        "/",
        "/vacancies/",
        "/accounts/register/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/ethics/report/",
        "/tests/practice/",
        "/accounts/privacy/",
        "/statistics/fairness/",
        "/careers/internships/",
        "/careers/practice/essay/",
    ):
        audit.visit(page, p + path)
    page.goto(f"{audit.base}{p}/careers/internships/")
    audit.visit(page, links(page, r"/careers/internships/\d+/$")[0])

    page.goto(f"{audit.base}{p}/vacancies/")
    vacancy = links(page, r"/vacancies/\d+/$")[0]
    audit.visit(page, vacancy)

    send_report(page, audit.base, lang)
    audit.check(page, r"/ethics/report/receipt/$")

    open_follow_case(page, audit.base, lang)
    audit.check(page, r"/ethics/follow/case/$")

    open_rating_form(page, audit.base, lang)
    audit.check(page, r"/evaluation/rate/$")
    assert page.locator("input[name=score]").count() > 0

    # A practice test: the running paper, then its result.
    start_practice(page, audit.base, lang)
    audit.check(page)
    hand_in(page)
    audit.check(page)


def _candidate_pages(audit: Audit, page, lang: str) -> None:
    p = f"/{lang}"
    for path in (
        "/my/profile/",
        "/my/profile/personal/",
        "/my/profile/education/add/",
        "/my/profile/experience/add/",
        "/my/documents/upload/",
        "/my/saved-searches/",
        "/careers/matches/",
        "/accounts/account/",
        "/accounts/account/email/",
        "/accounts/account/password/",
        "/accounts/account/delete/",
        "/accounts/account/consent/",
        "/tests/",
    ):
        audit.visit(page, p + path)

    # Every sitting on "My tests": its page, and the result of a finished one.
    sittings = links(page, r"/tests/sitting/\d+/$")
    assert sittings, "the demo candidate has tests"
    results: list[str] = []
    for sitting in sittings:
        audit.visit(page, sitting)
        results += links(page, r"/tests/attempt/\d+/result/$")
    for result in results:
        audit.visit(page, result)

    # The legislation test of KZ-2026-MDAI-0002 is open: start it; the running attempt.
    start_open_test(page, audit.base, lang)
    # The first question with options (the paper's order is drawn: it may open with a
    # short-text question), its option chosen and its own saved state awaited.
    item = page.locator(".tc-item", has=page.locator(".tc-option input")).first
    item.locator(".tc-option input").first.check()
    item.locator("[data-testid=item-state]").filter(has_text=re.compile(".")).wait_for()
    audit.check(page)
    # The review screen lists unanswered and flagged questions; the paper is handed in there.
    page.locator("#tc-finish").click()
    page.wait_for_url(re.compile(r".*/tests/attempt/\d+/review/$"))
    audit.check(page)
    page.locator("#tc-handin-button").click()
    page.wait_for_url(re.compile(r".*/result/$"))
    audit.check(page, r"/tests/attempt/\d+/result/$")

    audit.visit(page, f"{p}/my/applications/")
    applications = links(page, r"/my/applications/\d+/$")
    assert len(applications) >= 3
    appeals: list[str] = []
    for application in applications:
        audit.visit(page, application)
        appeals += links(page, r"/appeal/\d+/$")
    for appeal in appeals[:1]:
        audit.visit(page, appeal)

    # Applying to an open competition: the eligibility page before sending.
    page.goto(f"{audit.base}{p}/vacancies/")
    page.goto(audit.base + links(page, r"/vacancies/\d+/$")[0])
    apply = links(page, r"/apply/\d+/$")
    assert apply, "the first vacancy is open for applications"
    audit.visit(page, apply[0])

    # Internships: my applications, and the form of the one open for applications.
    audit.visit(page, f"{p}/careers/internships/my/")
    page.goto(f"{audit.base}{p}/careers/internships/")
    page.goto(audit.base + links(page, r"/careers/internships/\d+/$")[0])
    audit.visit(page, links(page, r"/careers/internships/\d+/apply/$")[0])


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_public_candidate_and_test_pages_have_no_serious_wcag_violation(browser, live_server, lang):
    seed_demo()
    audit = Audit(live_server.url)

    anonymous = new_context(browser, live_server)
    _anonymous_pages(audit, anonymous.new_page(), lang)
    anonymous.close()

    candidate = new_context(browser, live_server, who="candidate")
    _candidate_pages(audit, candidate.new_page(), lang)
    candidate.close()

    assert len(audit.audited) >= 28, audit.audited
    assert not audit.found, "axe (WCAG 2.1 A/AA, serious or critical):\n" + "\n".join(audit.found)


def test_the_audit_names_the_rule_the_element_and_the_page_of_a_violation(browser):
    """The check above can fail: an image without a text alternative and grey-on-white
    text are reported with their rule, selector and URL."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:," id="photo"><p id="faint" style="color:#bbb">Faint</p>'
        "</main></body></html>"
    )
    audit = Audit("")
    audit.check(page)
    context.close()
    assert any("image-alt (critical) at #photo" in line for line in audit.found), audit.found
    assert any("color-contrast (serious) at #faint" in line for line in audit.found)
    assert all(line.startswith("about:blank: ") for line in audit.found)
