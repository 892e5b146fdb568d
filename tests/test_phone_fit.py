"""Phone fit (issue 15): every page each role uses fits a 390 px wide phone screen — the
document is never wider than the viewport, so nobody scrolls a whole page sideways. Wide
tables scroll inside their own box or turn into cards. And at 200 % zoom (a 640 px wide
viewport at device scale 2) the candidate's key pages still fit and the main navigation
stays in reach.

Each role's pages are found by following the links of its own pages (GET only), from the
places the README sends that role to; a URL shape (digits replaced) is visited a few times
with different data, not hundreds of times.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from urllib.parse import urldefrag, urlparse

import pytest

from tests.browser_pages import (
    hand_in,
    new_context,
    open_follow_case,
    open_rating_form,
    seed_demo,
    send_report,
    start_open_test,
    start_practice,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PHONE = {"width": 390, "height": 844}
LANG = "kk"  # the longest words of the three languages
# Links that change state, end the session, download a file or leave the role's pages.
SKIP = re.compile(
    r"(logout|/i18n/|/setlang|/delete/|/reveal/|/disqualify/|/decide/|\.csv$|/files/|"
    r"/documents/\d+/$|/evidence/|/password_change|/static/|/media/)"
)
# Where each role works (the README's tour): the pages crawled from, and the prefixes
# its crawl stays within.
ROLES = {
    "candidate": (
        ["/my/profile/", "/my/applications/", "/tests/", "/vacancies/", "/careers/internships/"],
        ["/my/", "/tests/", "/vacancies/", "/careers/"],
    ),
    "hr": (["/admin/"], ["/admin/"]),
    "commission": (["/staff/commission/"], ["/staff/commission/"]),
    "observer": (["/staff/observe/"], ["/staff/observe/"]),
    "ethics": (["/ethics/dashboard/"], ["/ethics/dashboard/"]),
    # manager@ is also the responsible official of the demo's contract project.
    "manager": (
        ["/evaluation/unit/", "/contracts/official/"],
        ["/evaluation/unit/", "/contracts/"],
    ),
    "employee": (["/evaluation/my/"], ["/evaluation/my/"]),
    "desk": (["/evaluation/desk/rating-link/"], ["/evaluation/desk/"]),
    "authorised": (["/evaluation/development/overview/"], ["/evaluation/development/overview/"]),
}
ANONYMOUS = [
    "/",
    "/vacancies/",
    "/accounts/register/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/ethics/report/",
    "/ethics/follow/",
    "/evaluation/rate/",
    "/tests/practice/",
    "/statistics/fairness/",
]
PER_SHAPE = 2
# The observer reads every competition: each one's ledger and scores differ in width.
PER_SHAPE_OF = {"observer": 12}
# Admin: the index and the changelists (one level), not every object's change form.
ADMIN_PAGE = re.compile(r"^/admin/([a-z_]+/([a-z_]+/)?)?$")

# For the failure message: the first elements (outermost first) that stick out past the
# right edge and are not inside a box that scrolls or clips them.
WIDEST = """(limit) => {
  const clipped = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const name = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (classes ? "." + classes.split(/\\s+/).join(".") : "");
  };
  return [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > limit + 1 && !clipped(el))
    .slice(0, 4)
    .map(el => name(el) + " right=" + Math.round(el.getBoundingClientRect().right));
}"""


class Fit:
    """Measures the page a browser shows: its document must not be wider than `width`."""

    def __init__(self, base: str, width: int):
        self.base, self.width = base, width
        self.too_wide: list[str] = []
        self.measured: Counter[str] = Counter()

    def check(self, page, who: str) -> None:
        page.wait_for_load_state("load")
        url = page.url.removeprefix(self.base)
        self.measured[who] += 1
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > self.width:
            culprits = page.evaluate(WIDEST, self.width)
            self.too_wide.append(f"{who} {url}: {scroll} px > {self.width} px; {culprits}")

    def crawl(self, page, who: str, seeds: list[str], prefixes: list[str]) -> None:
        per_shape = PER_SHAPE_OF.get(who, PER_SHAPE)
        shapes: Counter[str] = Counter()
        queue, seen = list(seeds), set()
        while queue:
            path = queue.pop(0)
            if path in seen or SKIP.search(path):
                continue
            if not any(path.startswith(prefix) for prefix in prefixes):
                continue
            if path.startswith("/admin/") and not ADMIN_PAGE.match(path):
                continue
            seen.add(path)
            shape = re.sub(r"\d+", "N", path)
            if shapes[shape] >= per_shape:
                continue
            shapes[shape] += 1
            response = page.goto(self.base + path)
            assert response is not None and response.status < 500, f"{who} {path}"
            if response.status != 200:
                continue
            self.check(page, who)
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                parsed = urlparse(urldefrag(href)[0])
                if parsed.netloc == urlparse(self.base).netloc and not parsed.query:
                    queue.append(parsed.path)


def test_every_page_of_every_role_fits_a_390_px_phone(browser, live_server):
    seed_demo()
    fit = Fit(live_server.url, PHONE["width"])
    lang = f"/{LANG}"

    anonymous = new_context(browser, live_server, viewport=PHONE)
    page = anonymous.new_page()
    fit.crawl(page, "anonymous", [lang + p for p in ANONYMOUS], [lang + "/"])
    send_report(page, live_server.url, LANG)
    fit.check(page, "reporter")
    open_follow_case(page, live_server.url, LANG)
    fit.check(page, "reporter")
    open_rating_form(page, live_server.url, LANG)
    fit.check(page, "citizen")
    start_practice(page, live_server.url, LANG)
    fit.check(page, "anonymous")
    hand_in(page)
    fit.check(page, "anonymous")
    anonymous.close()

    for who, (seeds, prefixes) in ROLES.items():
        context = new_context(browser, live_server, who=who, viewport=PHONE)
        page = context.new_page()
        localise = (lambda p: p) if who == "hr" else (lambda p: lang + p)
        fit.crawl(page, who, [localise(s) for s in seeds], [localise(p) for p in prefixes])
        if who == "candidate":
            start_open_test(page, live_server.url, LANG)
            fit.check(page, who)
            hand_in(page)
            fit.check(page, who)
        context.close()

    # Every role's pages were reached (a crawl that found nothing proves nothing).
    assert fit.measured["anonymous"] >= 10 and fit.measured["hr"] >= 10, fit.measured
    assert all(fit.measured[who] >= 1 for who in ROLES), fit.measured
    assert not fit.too_wide, "pages wider than a phone:\n" + "\n".join(fit.too_wide)


ZOOMED = {"width": 640, "height": 400}


def test_the_candidates_pages_fit_at_200_percent_zoom_and_the_navigation_stays_in_reach(
    browser, live_server
):
    seed_demo()
    fit = Fit(live_server.url, ZOOMED["width"])
    context = new_context(
        browser, live_server, who="candidate", viewport=ZOOMED, device_scale_factor=2
    )
    page = context.new_page()
    for path in (
        "/en/",
        "/en/vacancies/",
        "/en/my/profile/",
        "/en/my/applications/",
        "/en/tests/",
        "/en/ethics/report/",
    ):
        page.goto(live_server.url + path)
        fit.check(page, "candidate")

        nav = page.get_by_role("navigation", name="Main navigation")
        for link in nav.get_by_role("link").all() + nav.get_by_role("button").all():
            box = link.bounding_box()
            assert box is not None and link.is_visible(), f"{path}: {link} is hidden"
            assert box["x"] >= 0 and box["x"] + box["width"] <= ZOOMED["width"], (
                f"{path}: {link.inner_text()} is off the screen at {box}"
            )
        # The keyboard reaches the navigation: skip link, brand, then the first nav link.
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.closest('.main-nav') !== null")
        assert focused, f"{path}: the third Tab does not land in the main navigation"

    page.goto(live_server.url + "/en/my/applications/")
    page.locator("main a[href*='/my/applications/']").first.click()
    fit.check(page, "candidate")
    start_open_test(page, live_server.url, "en")
    fit.check(page, "candidate")
    hand_in(page)
    fit.check(page, "candidate")
    context.close()

    assert not fit.too_wide, "pages wider than the zoomed viewport:\n" + "\n".join(fit.too_wide)


def test_the_fit_check_reports_a_page_wider_than_the_phone_and_what_sticks_out(browser):
    """The check above can fail: a 600 px table is reported; inside a scrolling box it
    is not."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    wide = '<table id="wide" style="width:600px"><tr><td>x</td></tr></table>'
    page.set_content(f"<body style='margin:0'>{wide}</body>")
    fit = Fit("", PHONE["width"])
    fit.check(page, "anyone")
    assert len(fit.too_wide) == 1 and "table#wide right=600" in fit.too_wide[0], fit.too_wide

    page.set_content(
        f"<body style='margin:0'>"
        f"<div class='table-scroll' style='overflow-x:auto'>{wide}</div></body>"
    )
    fit.check(page, "anyone")
    context.close()
    assert len(fit.too_wide) == 1
