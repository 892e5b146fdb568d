"""The running paper as the candidate's browser reads it: every kind of question with its
own answer field, saved answers and flags shown again, and texts from the bank escaped.

The paper's questions and panel are written in Python (``testing_center/templatetags/
paper_tags.py``) for speed on exam day; these tests hold that markup to what the page
promises, with bank texts that try to break out of it."""

from __future__ import annotations

import json
import re

import pytest

from testing_center.models import Attempt, AttemptItem
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

HOSTILE = "Tom & \"Jerry\" <script>alert(1)</script> <b onmouseover='x()'>"


def _paper(client, roles):
    """A paper of one question of each kind, the texts hostile; started by its candidate."""
    topic = make_topic()
    options = [
        {"id": "a", "en": HOSTILE, "ru": HOSTILE, "kk": ""},
        {"id": "b", "en": "Plain", "ru": "Plain", "kk": ""},
        {"id": "c", "en": "x < y", "ru": "x < y", "kk": ""},
    ]
    for kind in ("single", "likert", "multiple"):
        make_question(topic, kind=kind, text_en=f"{kind}: {HOSTILE}\nsecond line", options=options)
    for kind in ("short_text", "essay"):
        make_question(topic, kind=kind, text_en=f"{kind}: {HOSTILE}")
    blueprint = make_blueprint([(topic, 5, None)], essay_max_words=250)
    contest = make_contest(blueprint=blueprint)
    user = make_candidate()
    make_application(contest, user=user)
    client.force_login(user)
    assert client.post(f"/en/tests/sitting/{contest.sitting.pk}/start/").status_code == 302
    attempt = Attempt.objects.get(sitting=contest.sitting)
    return attempt, {i.question.kind: i for i in AttemptItem.objects.filter(attempt=attempt)}


def _item(html: str, position: int) -> str:
    return re.search(rf'<fieldset class="tc-item" id="item-{position}".*?</fieldset>', html, re.S)[
        0
    ]


def _save(client, attempt, position, answer):
    response = client.post(
        f"/en/tests/attempt/{attempt.pk}/save/",
        {"position": position, "answer": json.dumps(answer), "changed_at": stamp()},
    )
    assert response.status_code == 200, response.content


def test_every_kind_of_question_has_its_own_field_and_bank_texts_are_escaped(client, roles):
    attempt, items = _paper(client, roles)
    html = client.get(f"/en/tests/attempt/{attempt.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in html and "onmouseover='" not in html
    escaped = "Tom &amp; &quot;Jerry&quot; &lt;script&gt;alert(1)&lt;/script&gt;"
    # In each question's text (five) and each choice question's options (three).
    assert html.count(escaped) == 5 + 3
    assert "x &lt; y" in html

    single = _item(html, items["single"].position)
    assert single.count('type="radio"') == 3 and 'data-kind="single"' in single
    assert "second line" in single and "<br>second line" in single
    assert re.findall(r'<span class="tc-key" aria-hidden="true">(\d)</span>', single) == [
        "1",
        "2",
        "3",
    ]
    assert 'class="tc-options tc-likert"' in _item(html, items["likert"].position)
    multiple = _item(html, items["multiple"].position)
    assert multiple.count('type="checkbox"') == 3
    assert f'name="multi-{items["multiple"].position}"' in multiple
    assert 'data-testid="multiple-hint"' in multiple
    short = _item(html, items["short_text"].position)
    assert 'class="tc-text" type="text"' in short and 'maxlength="500"' in short
    essay = _item(html, items["essay"].position)
    assert 'data-max-words="250"' in essay and "/ 250 words" in essay
    # Nothing is checked, answered or flagged on a fresh paper.
    assert " checked" not in html
    assert 'data-flagged="0"' in single and 'aria-pressed="false"' in single


def test_saved_answers_and_flags_come_back_after_a_reload_and_stay_escaped(client, roles):
    attempt, items = _paper(client, roles)
    single, multiple = items["single"].position, items["multiple"].position
    short, essay = items["short_text"].position, items["essay"].position
    _save(client, attempt, single, label(attempt, single, "a"))
    _save(client, attempt, multiple, [label(attempt, multiple, "a"), label(attempt, multiple, "c")])
    _save(client, attempt, short, '"><script>alert(2)</script>')
    essay_text = "</textarea><script>alert(3)</script> and three words"
    _save(client, attempt, essay, essay_text)
    flagged = client.post(
        f"/en/tests/attempt/{attempt.pk}/flag/", {"position": essay, "flagged": "1"}
    )
    assert flagged.status_code == 200

    html = client.get(f"/en/tests/attempt/{attempt.pk}/").content.decode()
    assert "<script>alert(2)" not in html and "<script>alert(3)" not in html

    chosen = re.findall(r'value="([a-z])" checked', _item(html, single))
    assert chosen == [label(attempt, single, "a")]
    chosen = re.findall(r'value="([a-z])" checked', _item(html, multiple))
    assert sorted(chosen) == sorted([label(attempt, multiple, "a"), label(attempt, multiple, "c")])
    assert 'value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in _item(html, short)
    essay_html = _item(html, essay)
    assert ">&lt;/textarea&gt;&lt;script&gt;alert(3)&lt;/script&gt; and three words</textarea>" in (
        essay_html
    )
    assert '<span class="tc-words">4</span>' in essay_html  # as the page's counter counts
    assert 'data-flagged="1"' in essay_html and 'aria-pressed="true"' in essay_html

    panel = re.search(r'<nav class="tc-nav".*?</nav>', html, re.S)[0]
    answered = re.findall(r'class="tc-nav-q tc-answered[^"]*"\s+href="#item-(\d+)"', panel)
    assert sorted(map(int, answered)) == sorted([single, multiple, short, essay])
    assert re.findall(r'class="tc-nav-q[^"]*tc-flagged"\s+href="#item-(\d+)"', panel) == [
        str(essay)
    ]
