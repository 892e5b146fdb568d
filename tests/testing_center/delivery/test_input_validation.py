"""Whatever a page (or a script pretending to be one) posts to the test-taking endpoints,
the answer is a 400 with the usual error shape and nothing changes: no 500, no frozen item,
no unbounded pile of integrity rows."""

from __future__ import annotations

import json
import time

import pytest

from ethics.models import EthicsCase
from testing_center.delivery import MAX_EVENTS_PER_POST, attempt_autosave
from testing_center.integrity import sitting_integrity_scan
from testing_center.models import Attempt, AttemptItem, IntegrityEvent
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

BIGINT = 2**63 - 1


@pytest.fixture
def paper(client, roles):
    """A started attempt: items 1-2 single choice, 3-4 short text."""
    choice, text = make_topic(), make_topic()
    for _ in range(2):
        make_question(choice)
        make_question(text, kind="short_text")
    contest = make_contest(blueprint=make_blueprint([(choice, 2, None), (text, 2, None)]))
    user = make_candidate()
    make_application(contest, user=user)
    client.force_login(user)
    assert client.post(f"/en/tests/sitting/{contest.sitting.pk}/start/").status_code == 302
    attempt = Attempt.objects.get(sitting=contest.sitting)
    attempt.contest = contest
    return attempt


def _state(attempt):
    return list(
        AttemptItem.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("answer", "version", "changed_at_ms")
    )


def _post_save(client, attempt, **fields):
    return client.post(f"/en/tests/attempt/{attempt.pk}/save/", fields)


def _assert_refused(response):
    assert response.status_code == 400, response.content
    if response["Content-Type"].startswith("text/html"):
        # Refused before the view by the site-wide guard against hostile input
        # (eqyzmet.middleware.HostileInputMiddleware: NUL, out-of-range integers).
        assert b"<html" in response.content
        return
    body = response.json()
    assert body["ok"] is False and body["code"] and body["error"]


def _now_ms() -> int:
    return int(time.time() * 1000)


BAD_SAVES = {
    # changed_at: beyond bigint, floats, far future, negative, not a number
    "changed_at beyond bigint": {"position": "3", "answer": '"x"', "changed_at": str(10**30)},
    "changed_at 1e30": {"position": "3", "answer": '"x"', "changed_at": "1e30"},
    "changed_at bigint max": {"position": "3", "answer": '"x"', "changed_at": str(BIGINT)},
    "changed_at bigint max + 1": {"position": "3", "answer": '"x"', "changed_at": str(BIGINT + 1)},
    "changed_at a day ahead": {
        "position": "3",
        "answer": '"x"',
        "changed_at": str(_now_ms() + 86_400_000),
    },
    "changed_at negative": {"position": "3", "answer": '"x"', "changed_at": "-5"},
    "changed_at NaN": {"position": "3", "answer": '"x"', "changed_at": "NaN"},
    "changed_at Infinity": {"position": "3", "answer": '"x"', "changed_at": "Infinity"},
    "changed_at 5000 digits": {"position": "3", "answer": '"x"', "changed_at": "9" * 5000},
    "changed_at missing": {"position": "3", "answer": '"x"'},
    # position: beyond smallint and bigint, negative, not an integer
    "position beyond smallint": {"position": str(2**15), "answer": '"x"', "changed_at": "1"},
    "position beyond bigint": {"position": str(10**30), "answer": '"x"', "changed_at": "1"},
    "position negative": {"position": "-1", "answer": '"x"', "changed_at": "1"},
    "position float": {"position": "1.5", "answer": '"x"', "changed_at": "1"},
    "position NaN": {"position": "NaN", "answer": '"x"', "changed_at": "1"},
    # text answers: NUL, lone surrogates, wrong types, NaN/Infinity
    "text with NUL": {"position": "3", "answer": json.dumps("a\x00b"), "changed_at": "1"},
    "text lone surrogate": {"position": "3", "answer": '"\\ud800"', "changed_at": "1"},
    "text lone low surrogate": {"position": "3", "answer": '"ok \\udfff"', "changed_at": "1"},
    "text as a list": {"position": "3", "answer": '["x"]', "changed_at": "1"},
    "text as an object": {"position": "3", "answer": '{"x": 1}', "changed_at": "1"},
    "text NaN": {"position": "3", "answer": "NaN", "changed_at": "1"},
    "text Infinity": {"position": "3", "answer": "-Infinity", "changed_at": "1"},
    "text number": {"position": "3", "answer": "1e400", "changed_at": "1"},
    "choice as a list of lists": {"position": "1", "answer": '[["a"]]', "changed_at": "1"},
    "choice with NUL": {"position": "1", "answer": json.dumps("a\x00"), "changed_at": "1"},
    "answer not JSON": {"position": "1", "answer": "{nope", "changed_at": "1"},
}


@pytest.mark.parametrize("fields", BAD_SAVES.values(), ids=BAD_SAVES.keys())
def test_a_malformed_autosave_is_a_400_and_changes_nothing(client, paper, fields):
    before = _state(paper)
    _assert_refused(_post_save(client, paper, **fields))
    assert _state(paper) == before


def test_a_refused_future_timestamp_does_not_freeze_the_item(client, paper):
    _assert_refused(_post_save(client, paper, position="3", answer='"x"', changed_at=str(BIGINT)))
    # Slightly ahead of the server (a fast clock) is fine; far ahead is refused.
    ahead = _now_ms() + 5_000
    ok = _post_save(client, paper, position="3", answer='"first"', changed_at=str(ahead)).json()
    assert ok["saved"] is True
    later = _post_save(client, paper, position="3", answer='"second"', changed_at=str(ahead + 1))
    assert later.json()["saved"] is True
    assert AttemptItem.objects.get(attempt=paper, position=3).answer == "second"


def test_the_final_form_post_skips_bad_items_and_still_hands_in(client, paper):
    response = client.post(
        f"/en/tests/attempt/{paper.pk}/submit/",
        {
            "item-3": ["not", "one"],
            "multi-3": "1",
            "item-4": "fine",
            f"item-{10**30}": label(paper, 1, "a"),
            "item-99999": "x",
            "item-0": "x",
        },
    )
    assert response.status_code == 302
    answers = [answer for answer, _version, _at in _state(paper)]
    assert answers == [None, None, None, "fine"]
    paper.refresh_from_db()
    assert paper.status != Attempt.Status.IN_PROGRESS


def test_a_nul_in_a_final_form_post_changes_nothing(client, paper):
    """Refused by the site-wide guard, or skipped by the service when it is absent."""
    before = _state(paper)
    client.post(f"/en/tests/attempt/{paper.pk}/submit/", {"item-3": "a\x00b"})
    assert _state(paper)[2] == before[2]


def test_the_service_refuses_nul_and_lone_surrogates_itself(paper):
    from eqyzmet.errors import ApplicationError

    for text in ("a\x00b", "x\ud800"):
        with pytest.raises(ApplicationError) as refused:
            attempt_autosave(attempt=paper, position=3, answer=text, changed_at_ms=5)
        assert refused.value.code == "bad_answer"
    assert AttemptItem.objects.get(attempt=paper, position=3).answer is None


def test_good_text_survives_validation(client, paper):
    text = "Астана — столица 🇰🇿"
    response = _post_save(client, paper, position="4", answer=json.dumps(text), changed_at=stamp())
    assert response.json()["saved"] is True
    assert AttemptItem.objects.get(attempt=paper, position=4).answer == text


# --- Integrity events ------------------------------------------------------------------


def _events(client, attempt, events):
    payload = events if isinstance(events, str) else json.dumps(events)
    return client.post(f"/en/tests/attempt/{attempt.pk}/events/", {"events": payload})


BAD_EVENTS = {
    "position beyond smallint": [{"kind": "paste", "position": 2**15, "ms": 0}],
    "position beyond bigint": [{"kind": "paste", "position": 10**30, "ms": 0}],
    "position negative": [{"kind": "paste", "position": -1, "ms": 0}],
    "position a float": [{"kind": "paste", "position": 1e30, "ms": 0}],
    "position a string": [{"kind": "paste", "position": "x", "ms": 0}],
    "position a list": [{"kind": "paste", "position": [1], "ms": 0}],
    "ms Infinity": '[{"kind": "item_time", "position": 1, "ms": Infinity}]',
    "ms NaN": '[{"kind": "item_time", "position": 1, "ms": NaN}]',
    "ms 1e400": '[{"kind": "item_time", "position": 1, "ms": 1e400}]',
    "ms a string": [{"kind": "item_time", "position": 1, "ms": "lots"}],
    "not JSON": "[{",
    "not a list": '{"kind": "paste"}',
    "too many in one post": [{"kind": "item_time", "position": 1, "ms": 10}]
    * (MAX_EVENTS_PER_POST + 1),
}


@pytest.mark.parametrize("events", BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_malformed_integrity_events_are_a_400_and_store_nothing(client, paper, events):
    _assert_refused(_events(client, paper, events))
    assert not IntegrityEvent.objects.exists()


def test_events_beyond_the_attempts_cap_are_counted_not_stored_and_still_raise_a_case(
    client, paper, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("testing_center.delivery.events.MAX_EVENTS_PER_ATTEMPT", 20)
    filler = [{"kind": "item_time", "position": 1, "ms": 10}] * 15
    assert _events(client, paper, filler).json()["stored"] == 15
    second = _events(client, paper, filler).json()
    assert (second["stored"], second["counted"]) == (5, 10)
    # Past the cap: nothing more is stored, the focus and paste events are still counted.
    assert IntegrityEvent.objects.count() == 20
    lost = [{"kind": "focus_lost", "position": None, "ms": 3000}] * 4
    pasted = [{"kind": "paste", "position": 3, "ms": 0}] * 2
    body = _events(client, paper, lost + pasted + filler).json()
    assert body["ok"] is True and body["stored"] == 0
    assert IntegrityEvent.objects.count() == 20
    paper.refresh_from_db()
    assert paper.events_over_cap == {"focus_lost": 4, "paste": 2, "item_time": 25}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/tests/attempt/{paper.pk}/submit/")
    paper.refresh_from_db()
    assert paper.status == Attempt.Status.SCORED
    sitting_integrity_scan(sitting_id=paper.contest.sitting.pk)
    case = EthicsCase.objects.get(evidence__signal="focus_or_paste")
    assert case.evidence["left_the_window"] == 4 and case.evidence["pasted"] == 2
