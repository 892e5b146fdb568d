"""Browser journey with the keyboard alone: a candidate who uses no mouse takes the
legislation test through the question panel and the shortcuts, flags two questions, reads
exactly those two on the review screen, hands in and sees the result."""

from __future__ import annotations

import os
import re

import pytest

from testing_center.models import AttemptItem, Blueprint
from tests.factories import PASSWORD
from tests.testing_center.factories import (
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    make_question,
    make_topic,
    small_bank,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


FOCUSED = """([selector, text]) => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  return selector ? el.matches(selector) : el.textContent.trim() === text;
}"""


def _tab_to(page, selector: str = "", *, text: str = "", back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the element matching ``selector`` (or whose text is
    ``text``) has the focus."""
    key = "Shift+Tab" if back else "Tab"
    page.wait_for_load_state()
    for _ in range(150):
        page.keyboard.press(key)
        if page.evaluate(FOCUSED, [selector, text]):
            return
    raise AssertionError(f"{selector or text} never got the focus with {key}")


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; }"
    )


def _current(page) -> str:
    return page.locator(".tc-item:not([hidden])").get_attribute("data-position")


def test_a_keyboard_only_candidate_flags_two_questions_reviews_and_hands_in(
    browser, live_server, roles
):
    topics = small_bank(sections=2, per_topic=3)
    written = make_topic()
    make_question(written, kind="short_text")
    blueprint = make_blueprint(
        [(topics[0], 3, None), (topics[1], 3, None), (written, 1, None)],
        time_limit=900,
        layout=Blueprint.Layout.ONE_PER_PAGE,
    )
    contest = make_contest(blueprint=blueprint)
    user = make_candidate()
    make_application(contest, user=user)

    page = browser.new_context(locale="en-US").new_page()
    sitting_url = f"/en/tests/sitting/{contest.sitting.pk}/"
    page.goto(f"{live_server.url}/en/accounts/login/?next={sitting_url}")
    page.focus("#id_username")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{sitting_url}")
    _tab_to(page, text="Start the test")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/en/tests/attempt/\d+/$"))
    assert page.get_by_test_id("shortcuts").is_visible()

    # The panel, reached with Tab: question 1, with a focus ring a sighted user can see.
    _tab_to(page, "#tc-nav-1")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    assert _current(page) == "1"
    assert page.locator("#tc-nav-1").get_attribute("aria-current") == "step"
    page.keyboard.press("1")  # the first option
    page.locator("#tc-nav-1.tc-answered .tc-mark-answered:not([hidden])").wait_for()
    page.locator("#item-1 [data-testid=item-state]").filter(has_text="saved").wait_for()

    page.keyboard.press("n")
    assert _current(page) == "2"
    page.keyboard.press("2")
    page.keyboard.press("f")
    page.locator("#tc-nav-2 .tc-mark-flagged:not([hidden])").wait_for()
    assert page.locator("#item-2 .tc-flag").get_attribute("aria-pressed") == "true"

    # Back to the panel (it comes before the question) and on to question 5.
    _tab_to(page, "#tc-nav-5", back=True)
    page.keyboard.press("Enter")
    assert _current(page) == "5"
    page.keyboard.press("a")
    page.locator("#item-5 [data-testid=item-state]").filter(has_text="saved").wait_for()
    # A flag set while the connection is down is kept on the device and sent when it returns.
    page.context.set_offline(True)
    page.keyboard.press("f")
    page.locator("#tc-nav-5 .tc-mark-flagged:not([hidden])").wait_for()
    page.get_by_test_id("save-status").filter(has_text="No connection").wait_for()
    page.context.set_offline(False)
    page.get_by_test_id("save-status").filter(has_text="All answers saved").wait_for()
    page.keyboard.press("p")
    assert _current(page) == "4"
    page.keyboard.press("b")
    page.locator("#tc-nav-4.tc-answered").wait_for()

    # Typing in an answer box: the letters are the answer, not shortcuts.
    _tab_to(page, "#tc-nav-7", back=True)
    page.keyboard.press("Enter")
    assert _current(page) == "7"
    _tab_to(page, "#item-7 input.tc-text")
    page.keyboard.type("nfp 12 abcd")
    assert page.locator("#item-7 input.tc-text").input_value() == "nfp 12 abcd"
    assert _current(page) == "7"
    assert page.locator("#item-7 .tc-flag").get_attribute("aria-pressed") == "false"
    page.locator("#item-7 [data-testid=item-state]").filter(has_text="saved").wait_for()
    assert page.locator("#tc-answered").inner_text() == "5"

    # The flags are on the server (a reload shows them again).
    page.wait_for_function(
        "() => !Object.keys(JSON.parse(localStorage.getItem("
        f"'tc-flags-{contest.sitting.attempts.get().pk}') || '{{}}')).length"
    )
    attempt = contest.sitting.attempts.get()
    flagged = AttemptItem.objects.filter(attempt=attempt, flagged=True)
    assert sorted(flagged.values_list("position", flat=True)) == [2, 5]

    _tab_to(page, "#tc-finish")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/review/$"))
    review = page.get_by_test_id("review")
    assert "Answered: 5 of 7" in review.inner_text()
    listed = page.get_by_test_id("review-flagged").locator("li")
    assert listed.all_inner_texts() == ["Question 2", "Question 5"]
    assert page.get_by_test_id("review-unanswered").locator("li").all_inner_texts() == [
        "Question 3",
        "Question 6",
    ]

    _tab_to(page, "#tc-handin-button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/result/$"))
    page.get_by_test_id("result-verdict").wait_for()
    assert "Correct answers" in page.get_by_test_id("result-verdict").inner_text()
    attempt.refresh_from_db()
    assert attempt.submitted_by == "candidate"
    page.context.close()  # no request of the page outlives the test's database
