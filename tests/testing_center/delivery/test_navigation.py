"""The test page's navigation (issue 15): flags kept on the server, the layout chosen per
blueprint, the question panel, the review screen before handing in, and the result page
of a questionnaire."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from testing_center.delivery import attempt_start, attempt_submit
from testing_center.models import Attempt, AttemptItem, Blueprint
from testing_center.scoring.papers import attempt_score
from tests.testing_center.factories import (
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    make_question,
    make_topic,
)
from tests.testing_center.helpers import label, stamp

pytestmark = pytest.mark.django_db


def _attempt_of(client, user, contest):
    client.force_login(user)
    assert client.post(f"/en/tests/sitting/{contest.sitting.pk}/start/").status_code == 302
    return Attempt.objects.filter(sitting=contest.sitting).order_by("-pk").first()


def _flag(client, attempt, position, flagged="1"):
    return client.post(
        f"/en/tests/attempt/{attempt.pk}/flag/", {"position": position, "flagged": flagged}
    )


def _flags(attempt) -> set[int]:
    return set(
        AttemptItem.objects.filter(attempt=attempt, flagged=True).values_list("position", flat=True)
    )


# --- Flags ----------------------------------------------------------------------------


def test_a_flag_is_kept_on_the_server_and_shown_again_after_a_reload(
    client, contest, admitted, candidate
):
    attempt = _attempt_of(client, candidate, contest)
    response = _flag(client, attempt, 2)
    assert response.status_code == 200 and response.json() == {"ok": True, "flagged": True}
    _flag(client, attempt, 5)
    _flag(client, attempt, 5)  # sent again after a dropped connection: still one flag
    assert _flags(attempt) == {2, 5}
    assert _flag(client, attempt, 5, flagged="0").json()["flagged"] is False
    assert _flags(attempt) == {2}

    html = client.get(f"/en/tests/attempt/{attempt.pk}/").content.decode()
    assert re.search(r'id="item-2"[^>]*data-flagged="1"', html)
    assert re.search(r'id="item-3"[^>]*data-flagged="0"', html)
    # The panel says it in words, not only by colour.
    panel_2 = re.search(r'id="tc-nav-2">(.*?)</a>', html, re.S).group(1)
    assert re.search(r'class="tc-mark-flagged">', panel_2)
    assert "flagged for review" in panel_2
    panel_3 = re.search(r'id="tc-nav-3">(.*?)</a>', html, re.S).group(1)
    assert re.search(r'class="tc-mark-flagged" hidden>', panel_3)


def test_another_candidate_cannot_flag_my_item(client, contest, admitted, candidate):
    attempt = _attempt_of(client, candidate, contest)
    intruder = make_candidate()
    make_application(contest, user=intruder)
    client.force_login(intruder)
    assert _flag(client, attempt, 1).status_code == 404
    client.logout()
    assert _flag(client, attempt, 1).status_code == 404
    assert _flags(attempt) == set()


def test_a_flag_after_the_deadline_and_grace_is_refused(client, contest, admitted, candidate):
    attempt = _attempt_of(client, candidate, contest)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(seconds=attempt.grace_seconds + 1)
    )
    response = _flag(client, attempt, 1)
    assert response.status_code == 409 and response.json()["code"] == "time_up"
    assert _flags(attempt) == set()
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.IN_PROGRESS  # the late request handed it in


def test_a_flag_of_a_handed_in_paper_or_a_missing_item_is_refused(
    client, contest, admitted, candidate
):
    attempt = _attempt_of(client, candidate, contest)
    response = _flag(client, attempt, 99)
    assert response.status_code == 400 and response.json()["code"] == "no_item"
    response = _flag(client, attempt, 1, flagged="maybe")
    assert response.status_code == 400 and response.json()["code"] == "bad_flag"
    assert client.get(f"/en/tests/attempt/{attempt.pk}/flag/").status_code == 405
    attempt_submit(attempt=attempt, by="candidate")
    response = _flag(client, attempt, 1)
    assert response.status_code == 409 and response.json()["code"] == "time_up"
    assert _flags(attempt) == set()


def test_the_flag_endpoint_needs_the_csrf_token(contest, admitted, candidate):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(candidate)
    attempt = attempt_start(user=candidate, sitting=contest.sitting)
    response = strict.post(f"/en/tests/attempt/{attempt.pk}/flag/", {"position": 1, "flagged": "1"})
    assert response.status_code == 403
    assert _flags(attempt) == set()


# --- Layout and the page ------------------------------------------------------------------


def test_the_layout_is_chosen_per_blueprint_all_on_one_page_by_default(
    client, contest, admitted, candidate
):
    assert contest.blueprint.layout == Blueprint.Layout.ALL_ON_ONE_PAGE
    attempt = _attempt_of(client, candidate, contest)
    html = client.get(f"/en/tests/attempt/{attempt.pk}/").content.decode()
    assert 'data-layout="all"' in html
    assert html.count('class="tc-item"') == 6

    Blueprint.objects.filter(pk=contest.blueprint.pk).update(layout=Blueprint.Layout.ONE_PER_PAGE)
    html = client.get(f"/en/tests/attempt/{attempt.pk}/").content.decode()
    assert 'data-layout="one"' in html
    # Every question is still in the form (the hand-in posts them all); the page shows
    # one at a time, with Previous and Next.
    assert html.count('class="tc-item"') == 6
    assert 'id="tc-prev"' in html and 'id="tc-next"' in html


def test_the_panel_lists_every_question_by_section_with_its_state(
    client, contest, admitted, candidate
):
    attempt = _attempt_of(client, candidate, contest)
    client.post(
        f"/en/tests/attempt/{attempt.pk}/save/",
        {"position": 4, "answer": json.dumps(label(attempt, 4, "b")), "changed_at": stamp()},
    )
    html = client.get(f"/en/tests/attempt/{attempt.pk}/").content.decode()
    panel = re.search(r'<nav class="tc-nav".*?</nav>', html, re.S).group(0)
    assert panel.count('class="tc-nav-list"') == 2  # one list per section
    assert re.findall(r'href="#item-(\d+)"', panel) == ["1", "2", "3", "4", "5", "6"]
    answered = re.findall(r'class="tc-nav-q tc-answered[^"]*"\s+href="#item-(\d+)"', panel)
    assert answered == ["4"]
    assert 'id="tc-answered">1<' in html
    # Keyboard shortcuts are documented on the page; the timer speaks politely.
    assert "Keyboard shortcuts" in html and "<kbd>F</kbd>" in html
    assert 'aria-live="polite"' in html and 'data-left-5="5 minutes left"' in html
    assert 'data-left-1="1 minute left"' in html


def test_choose_all_that_apply_is_said_once(client, roles):
    topic = make_topic()
    make_question(
        topic,
        kind="multiple",
        key=["a", "b"],
        text_en="Which are rivers of Kazakhstan?",
    )
    blueprint = make_blueprint([(topic, 1, None)])
    contest = make_contest(blueprint=blueprint)
    user = make_candidate()
    make_application(contest, user=user)
    attempt = _attempt_of(client, user, contest)
    html = client.get(f"/en/tests/attempt/{attempt.pk}/").content.decode()
    assert html.count("Choose all that apply") == 1


def test_no_shipped_question_gives_its_answer_away_or_repeats_the_hint():
    """The demo and practice banks: a short answer's accepted answers do not appear in the
    question, and multiple-answer items leave "choose all that apply" to the page."""
    from pathlib import Path

    bank_dir = Path(__file__).resolve().parents[3] / "testing_center" / "bank"
    for name in ("demo_bank.json", "practice_bank.json"):
        for q in json.loads((bank_dir / name).read_text())["questions"]:
            texts = [t.lower() for t in q["text"].values()]
            if q["kind"] == "short_text":
                for answer in q["key"]:
                    assert not any(answer.lower() in t for t in texts), (q["id"], answer)
            if q["kind"] == "multiple":
                for hint in ("all that apply", "все верные", "барлық дұрыс"):
                    assert not any(hint in t for t in texts), (q["id"], hint)


# --- The review screen --------------------------------------------------------------------


def test_the_review_screen_counts_unanswered_and_flagged_items(
    client, contest, admitted, candidate, django_assert_max_num_queries
):
    attempt = _attempt_of(client, candidate, contest)
    for position in (1, 2, 5):
        client.post(
            f"/en/tests/attempt/{attempt.pk}/save/",
            {
                "position": position,
                "answer": json.dumps(label(attempt, position, "a")),
                "changed_at": stamp(),
            },
        )
    _flag(client, attempt, 2)
    _flag(client, attempt, 6)
    with django_assert_max_num_queries(12):
        response = client.get(f"/en/tests/attempt/{attempt.pk}/review/")
    html = response.content.decode()
    assert "Answered: 3 of 6" in html
    unanswered = re.search(r'data-testid="review-unanswered">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"#item-(\d+)", unanswered) == ["3", "4", "6"]
    flagged = re.search(r'data-testid="review-flagged">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"#item-(\d+)", flagged) == ["2", "6"]
    assert "Not answered: 3 questions" in html and "Flagged for review: 2 questions" in html
    # The hand-in is confirmed here, with a way back.
    assert f'action="/en/tests/attempt/{attempt.pk}/submit/"' in html
    assert "Return to the test" in html and ">Hand in<" in html


def test_the_paper_posts_its_answers_to_the_review_screen_and_nothing_is_handed_in(
    client, contest, admitted, candidate
):
    attempt = _attempt_of(client, candidate, contest)
    position = 3
    response = client.post(
        f"/en/tests/attempt/{attempt.pk}/review/",
        {f"item-{position}": label(attempt, position, "c"), "reason": ""},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/tests/attempt/{attempt.pk}/review/")
    item = AttemptItem.objects.get(attempt=attempt, position=position)
    assert item.answer == "c"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.IN_PROGRESS
    html = client.get(response["Location"]).content.decode()
    assert "Answered: 1 of 6" in html and "No question is flagged." in html

    # "Hand in" on the review screen hands the paper in, answers intact.
    response = client.post(f"/en/tests/attempt/{attempt.pk}/submit/", {"reason": ""})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.IN_PROGRESS
    assert attempt.submitted_by == Attempt.SubmittedBy.CANDIDATE
    assert client.get(f"/en/tests/attempt/{attempt.pk}/review/").status_code == 302


def test_the_review_screen_is_the_owners_only(client, contest, admitted, candidate):
    attempt = _attempt_of(client, candidate, contest)
    intruder = make_candidate()
    make_application(contest, user=intruder)
    client.force_login(intruder)
    assert client.get(f"/en/tests/attempt/{attempt.pk}/review/").status_code == 404
    assert client.post(f"/en/tests/attempt/{attempt.pk}/review/", {}).status_code == 404


# --- The questionnaire's result -------------------------------------------------------------


def test_a_questionnaire_result_shows_its_score_not_correct_answers_or_a_verdict(client, roles):
    topic = make_topic()
    for _ in range(3):
        make_question(
            topic,
            kind="likert",
            key={"a": 1, "b": 2, "c": 3, "d": 4},
            text_en="I finish what I start.",
        )
    blueprint = make_blueprint(
        [(topic, 3, None)], kind=Blueprint.Kind.SCALE, show_item_results=False
    )
    contest = make_contest(blueprint=blueprint)
    user = make_candidate()
    make_application(contest, user=user)
    attempt = _attempt_of(client, user, contest)
    for position in (1, 2, 3):
        client.post(
            f"/en/tests/attempt/{attempt.pk}/save/",
            {
                "position": position,
                "answer": json.dumps(label(attempt, position, "d")),
                "changed_at": stamp(),
            },
        )
    attempt_submit(attempt=attempt, by="candidate")
    attempt_score(attempt_id=attempt.pk)
    html = client.get(f"/en/tests/attempt/{attempt.pk}/result/").content.decode()
    verdict = re.search(r'data-testid="result-verdict">(.*?)</div>', html, re.S).group(1)
    assert "Questionnaire score: 12." in verdict
    assert "Correct answers" not in html and "Passed" not in html
    sections = re.search(r'data-testid="sections">(.*?)</table>', html, re.S).group(1)
    assert "Correct" not in sections and "Minimum to pass" not in sections
    assert "<td>3</td><td>12</td>" in sections

    # With a minimum set, the verdict is given against it.
    Blueprint.objects.filter(pk=blueprint.pk).update(pass_min_score=Decimal(20))
    Attempt.objects.filter(pk=attempt.pk).update(passed=False)
    html = client.get(f"/en/tests/attempt/{attempt.pk}/result/").content.decode()
    assert "Not passed" in html and "Minimum: 20." in html
