"""Per-attempt option labels: the page shows each option under a label drawn with the
attempt's own seed, the candidate posts that label and the server maps it back. A constant
answer ("a" on every item) scores about chance, however the bank's keys are placed; and a
bank whose keys sit mostly in one position is reported."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from testing_center.bank import bank_key_balance
from testing_center.delivery import attempt_submit, attempts
from testing_center.demo import load_bank, seed_blueprints
from testing_center.models import Attempt, AttemptItem, Blueprint, Question, option_labels
from testing_center.scoring.papers import attempt_score
from tests.testing_center.factories import (
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    make_question,
    make_topic,
)
from tests.testing_center.helpers import stamp

pytestmark = pytest.mark.django_db

RADIO = re.compile(r'name="item-(\d+)" value="([^"]*)"[^>]*> <span>([^<]*)</span>')


def _start(client, user, sitting):
    client.force_login(user)
    assert client.post(f"/ru/tests/sitting/{sitting.pk}/start/").status_code == 302
    return Attempt.objects.filter(sitting=sitting).order_by("-pk").first()


def _save(client, attempt, position, answer, changed_at=None):
    return client.post(
        f"/ru/tests/attempt/{attempt.pk}/save/",
        {
            "position": position,
            "answer": json.dumps(answer),
            "changed_at": changed_at or stamp(),
        },
    )


def _shown(client, attempt) -> dict[int, list[tuple[str, str]]]:
    html = client.get(f"/ru/tests/attempt/{attempt.pk}/").content.decode()
    shown: dict[int, list[tuple[str, str]]] = {}
    for position, label, text in RADIO.findall(html):
        shown.setdefault(int(position), []).append((label, text))
    return shown


def _constant_label_score(client, sitting, label, monkeypatch, seed) -> int:
    user = make_candidate()
    make_application(sitting.contest, user=user)
    # Patched only now: ``secrets`` is the one module everyone shares, and the application's
    # code (16 characters at most) must not be the long seed.
    monkeypatch.setattr(attempts.secrets, "token_hex", lambda n=8: seed)
    attempt = _start(client, user, sitting)
    for item in attempt.items.select_related("question"):
        answer = [label] if item.question.kind == "multiple" else label
        assert _save(client, attempt, item.position, answer).status_code == 200
    attempt_submit(attempt=attempt, by="candidate")
    attempt_score(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return attempt.correct_count


@pytest.fixture
def legislation(roles):
    """The shipped bank and its 55-item legislation test at a competition stage."""
    load_bank()
    seed_blueprints()
    blueprint = Blueprint.objects.get(code="kz-legislation")
    contest = make_contest(blueprint=blueprint)
    contest.sitting.contest = contest
    return contest.sitting


@pytest.mark.parametrize("label", ["a", "b", "c", "d"])
def test_a_constant_answer_on_the_shipped_55_item_test_scores_about_chance(
    client, legislation, label, monkeypatch
):
    correct = _constant_label_score(client, legislation, label, monkeypatch, "5eed0000cafe0001")
    assert correct <= 20  # the pass mark is 30; chance is about 14


@pytest.fixture
def skewed(roles):
    """A bank whose key is always the first option, given unshuffled: the worst case."""
    topic = make_topic()
    for _ in range(30):
        make_question(topic)
    blueprint = make_blueprint([(topic, 30, None)], shuffle_options=False)
    contest = make_contest(blueprint=blueprint)
    contest.sitting.contest = contest
    return contest.sitting


@pytest.mark.parametrize("label", ["a", "b", "c", "d"])
def test_a_constant_label_scores_about_chance_even_when_every_key_is_option_a(
    client, skewed, label, monkeypatch
):
    correct = _constant_label_score(client, skewed, label, monkeypatch, "5eed0000cafe0002")
    assert correct <= 15  # 30 items, chance is 7.5


def test_answers_posted_by_the_shown_label_are_scored_right_and_shown_back(
    client, contest, admitted, candidate
):
    attempt = _start(client, candidate, contest.sitting)
    shown = _shown(client, attempt)
    assert set(shown) == {1, 2, 3, 4, 5, 6}
    rights = {}
    for position, options in shown.items():
        label = next(lbl for lbl, text in options if text.startswith("Верно"))
        rights[position] = label
        response = _save(client, attempt, position, label)
        assert response.json()["saved"] is True and response.json()["answer"] == label
    # The labels are the attempt's own: the right one is not always the same label.
    assert len(set(rights.values())) > 1
    # The page shows the saved choice under its label again.
    html = client.get(f"/ru/tests/attempt/{attempt.pk}/").content.decode()
    for position, label in rights.items():
        assert re.search(rf'name="item-{position}" value="{label}" checked', html)
    # Stored as the option ids, so scoring and item analysis are unchanged.
    assert set(AttemptItem.objects.filter(attempt=attempt).values_list("answer", flat=True)) == {
        "a"
    }
    attempt_submit(attempt=attempt, by="candidate")
    attempt_score(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.correct_count == 6
    html = client.get(f"/ru/tests/attempt/{attempt.pk}/result/").content.decode()
    assert html.count('class="tc-review-item tc-right"') == 6
    assert html.count('<span class="tc-chosen">Верно') == 6


def test_the_final_form_post_is_read_by_label_too(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest.sitting)
    shown = _shown(client, attempt)
    form = {
        f"item-{position}": next(lbl for lbl, text in options if text.startswith("Верно"))
        for position, options in shown.items()
    }
    client.post(f"/ru/tests/attempt/{attempt.pk}/submit/", form)
    attempt_score(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    assert attempt.correct_count == 6


def test_a_multiple_choice_answer_is_posted_and_returned_by_labels(client, roles):
    topic = make_topic()
    for _ in range(3):
        make_question(topic, kind="multiple", key=["a", "c"])
    contest = make_contest(blueprint=make_blueprint([(topic, 3, None)]))
    user = make_candidate()
    make_application(contest, user=user)
    attempt = _start(client, user, contest.sitting)
    item = AttemptItem.objects.get(attempt=attempt, position=1)
    labels = option_labels(
        seed=attempt.seed, position=item.position, option_order=item.option_order
    )
    posted = [labels["c"], labels["a"]]
    response = _save(client, attempt, 1, posted).json()
    assert sorted(response["answer"]) == sorted(posted)
    item.refresh_from_db()
    assert item.answer == ["a", "c"]


def test_a_real_option_id_that_is_not_a_label_is_refused(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest.sitting)
    response = _save(client, attempt, 1, "zz")
    assert response.status_code == 400 and response.json()["code"] == "bad_answer"


# --- The bank check --------------------------------------------------------------------


def test_the_bank_check_warns_of_a_topic_whose_keys_sit_in_one_position():
    topic = make_topic("skewed-topic")
    for _ in range(12):
        make_question(topic)
    balanced = make_topic("balanced-topic")
    for n in range(12):
        letter = "abcd"[n % 4]
        make_question(balanced, key=[letter])
    warnings = bank_key_balance()
    assert [w.topic for w in warnings] == ["skewed-topic"]
    assert warnings[0].shares[0] == 1.0


def test_the_shipped_bank_has_balanced_keys():
    load_bank()
    assert bank_key_balance() == []
    for question in Question.objects.filter(kind="single"):
        assert [o["id"] for o in question.options] == list("abcd"[: len(question.options)])


def test_the_bank_check_command_reports_and_fails_on_skew():
    topic = make_topic("skewed-topic")
    for _ in range(12):
        make_question(topic)
    out = StringIO()
    with pytest.raises(Exception):  # noqa: B017 - CommandError
        call_command("testing_bank_check", stdout=out, stderr=out)
    assert "skewed-topic" in out.getvalue()


def test_an_import_of_a_skewed_topic_warns(client, contest):
    doc = {
        "format": "eqyzmet-question-bank",
        "version": 1,
        "topics": [{"code": "own-skewed", "name_ru": "Свой"}],
        "questions": [
            {
                "id": f"own-{n}",
                "topic": "own-skewed",
                "kind": "single",
                "status": "active",
                "text": {"ru": f"Вопрос {n}"},
                "options": [{"id": x, "ru": x} for x in "abcd"],
                "key": ["a"],
            }
            for n in range(12)
        ],
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(contest.hr)
    upload = SimpleUploadedFile("bank.json", json.dumps(doc).encode(), "application/json")
    response = client.post("/admin/testing_center/question/import/", {"file": upload}, follow=True)
    html = response.content.decode()
    assert Question.objects.filter(topic__code="own-skewed").count() == 12
    assert "own-skewed" in html.lower() and "warning" in html
    # The changelist warns too, for as long as the skew lasts.
    html = client.get("/admin/testing_center/question/").content.decode()
    assert "own-skewed" in html.lower()  # a sentence may start with it, capitalised
