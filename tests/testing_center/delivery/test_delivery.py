"""Taking a test: window and admission, the server's clock, autosave, two tabs, resume,
the seeded draw and the key that never reaches the browser."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from eqyzmet.errors import ApplicationError
from testing_center.delivery import attempt_start, attempt_submit, paper_draw
from testing_center.delivery.drawing import _pool
from testing_center.models import Attempt, AttemptItem, Blueprint, IntegrityEvent
from tests.testing_center.factories import make_application, make_candidate
from tests.testing_center.helpers import label, stamp

pytestmark = pytest.mark.django_db


def _start(client, user, contest, lang="ru"):
    client.force_login(user)
    response = client.post(f"/{lang}/tests/sitting/{contest.sitting.pk}/start/")
    assert response.status_code == 302
    return Attempt.objects.get(sitting=contest.sitting)


def _save(client, attempt, position, answer, changed_at, lang="ru"):
    return client.post(
        f"/{lang}/tests/attempt/{attempt.pk}/save/",
        {"position": position, "answer": json.dumps(answer), "changed_at": changed_at},
    )


def _choose(client, attempt, position, option_id, changed_at, lang="ru"):
    """Choose option ``option_id`` as the candidate does: by the label the paper shows."""
    return _save(client, attempt, position, label(attempt, position, option_id), changed_at, lang)


def test_admitted_candidate_starts_once_and_the_deadline_is_stored(
    client, contest, admitted, candidate
):
    attempt = _start(client, candidate, contest)
    assert attempt.application_id == admitted.pk
    expected = attempt.started_at + dt.timedelta(seconds=contest.blueprint.time_limit_seconds)
    assert attempt.deadline == expected
    assert attempt.items.count() == 6
    # A second start returns the running attempt, never a second paper.
    client.post(f"/ru/tests/sitting/{contest.sitting.pk}/start/")
    assert Attempt.objects.filter(sitting=contest.sitting).count() == 1


def test_no_second_attempt_unless_the_blueprint_allows_it(contest, admitted, candidate):
    attempt = attempt_start(user=candidate, sitting=contest.sitting)
    attempt_submit(attempt=attempt, by="candidate")
    with pytest.raises(ApplicationError) as exc:
        attempt_start(user=candidate, sitting=contest.sitting)
    assert exc.value.code == "no_attempts_left"
    Blueprint.objects.filter(pk=contest.blueprint.pk).update(max_attempts=2)
    contest.sitting.refresh_from_db()
    second = attempt_start(user=candidate, sitting=contest.sitting)
    assert second.number == 2


def test_start_is_refused_outside_the_window(client, contest, admitted, candidate):
    contest.stage.opens_at = timezone.now() + dt.timedelta(hours=1)
    contest.stage.save(update_fields=["opens_at"])
    client.force_login(candidate)
    response = client.post(f"/en/tests/sitting/{contest.sitting.pk}/start/", follow=True)
    assert "only while its window is open" in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_candidate_whose_application_is_not_admitted_cannot_start(client, contest, candidate):
    make_application(contest, user=candidate, status="eliminated")
    client.force_login(candidate)
    response = client.post(f"/en/tests/sitting/{contest.sitting.pk}/start/", follow=True)
    assert "You are not admitted to this test." in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_answer_after_deadline_and_grace_is_refused_and_changes_nothing(
    client, contest, admitted, candidate, django_capture_on_commit_callbacks
):
    attempt = _start(client, candidate, contest)
    assert _choose(client, attempt, 1, "a", stamp()).json()["saved"] is True
    past = timezone.now() - dt.timedelta(seconds=attempt.grace_seconds + 1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=past)
    with django_capture_on_commit_callbacks(execute=True):
        response = _choose(client, attempt, 1, "b", stamp())
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "time_up"
    with override("ru"):
        assert body["error"] == str(
            _("Time is up: the test has been submitted and answers can no longer change.")
        )
    item = AttemptItem.objects.get(attempt=attempt, position=1)
    assert item.answer == "a"
    attempt.refresh_from_db()
    # The refused request also handed the paper in (the check on every request).
    assert attempt.status == Attempt.Status.SCORED
    assert attempt.submitted_by == Attempt.SubmittedBy.TIMER


def test_an_answer_inside_the_grace_period_is_still_accepted(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(seconds=attempt.grace_seconds - 5)
    )
    assert _save(client, attempt, 2, "c", stamp()).json()["saved"] is True


def test_the_beat_sweep_hands_in_papers_nobody_is_looking_at(
    contest, admitted, candidate, django_capture_on_commit_callbacks
):
    attempt = attempt_start(user=candidate, sitting=contest.sitting)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(seconds=attempt.grace_seconds + 1)
    )
    from testing_center.tasks import sweep

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["expired"] == 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED


def test_two_tabs_never_lose_an_answer_and_the_newest_change_wins(
    client, contest, admitted, candidate
):
    attempt = _start(client, candidate, contest)
    first, second = stamp(), stamp()
    # Tab A answers item 1, tab B answers item 2: both stay.
    assert _choose(client, attempt, 1, "a", first).json()["version"] == 1
    assert _choose(client, attempt, 2, "b", second).json()["version"] == 1
    # Both tabs change item 3; tab B's change is newer but arrives first.
    older, newer = stamp(), stamp()
    assert _choose(client, attempt, 3, "d", newer).json()["saved"] is True
    late = _choose(client, attempt, 3, "c", older).json()
    assert late["saved"] is False
    assert late["answer"] == label(attempt, 3, "d")
    assert late["version"] == 1
    answers = dict(AttemptItem.objects.filter(attempt=attempt).values_list("position", "answer"))
    assert answers[1] == "a" and answers[2] == "b" and answers[3] == "d"


def test_autosave_is_idempotent_a_retry_changes_nothing(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest)
    at = stamp()
    assert _save(client, attempt, 1, "b", at).json() == {
        "ok": True,
        "saved": True,
        "version": 1,
        "changed_at": at,
        "answer": "b",
    }
    retry = _save(client, attempt, 1, "b", at).json()
    assert retry["saved"] is True and retry["version"] == 1
    assert AttemptItem.objects.get(attempt=attempt, position=1).version == 1


def test_autosave_is_one_small_write_with_a_fixed_number_of_queries(
    client, contest, admitted, candidate, django_assert_max_num_queries, django_assert_num_queries
):
    attempt = _start(client, candidate, contest)
    _save(client, attempt, 1, "a", stamp())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _save(client, attempt, 2, "b", stamp())
    from testing_center.delivery.fast_save import PREPARED_NAME

    writes = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT", "DELETE", f"EXECUTE {PREPARED_NAME}"))
    ]
    assert len(writes) == 1
    if connection.vendor == "postgresql":
        # Prepared once per connection, then executed by name.
        assert writes[0].startswith(f"EXECUTE {PREPARED_NAME}")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE name = %s", [PREPARED_NAME]
            )
            (statement,) = cursor.fetchone()
        assert statement.startswith(f"PREPARE {PREPARED_NAME} AS UPDATE")
        assert '"testing_center_attemptitem"' in statement
    else:
        assert writes[0].startswith("UPDATE") and "testing_center_attemptitem" in writes[0]
    count = len(captured.captured_queries)
    for position in (3, 4, 5):
        with django_assert_num_queries(count):
            _save(client, attempt, position, "c", stamp())
    with django_assert_max_num_queries(8):
        _save(client, attempt, 6, "d", stamp())


def test_bad_answers_are_refused_with_a_translated_message(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest)
    response = _save(client, attempt, 1, "zzz", stamp(), lang="en")
    assert response.status_code == 400
    assert response.json()["error"] == "Choose one of the options."
    response = _save(client, attempt, 99, "a", stamp(), lang="en")
    assert response.json()["code"] == "no_item"
    assert not AttemptItem.objects.filter(attempt=attempt, answer__isnull=False).exists()


def test_reopening_the_page_shows_the_saved_answers(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest)
    item = AttemptItem.objects.get(attempt=attempt, position=2)
    _save(client, attempt, 2, item.option_order[1], stamp())
    html = client.get(f"/ru/tests/attempt/{attempt.pk}/").content.decode()
    assert f'value="{item.option_order[1]}" checked' in html
    assert html.count(" checked") == 1
    # The clock continues from the stored deadline, not from the reload.
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + dt.timedelta(seconds=42))
    html = client.get(f"/ru/tests/attempt/{attempt.pk}/").content.decode()
    remaining = int(html.split('data-remaining-ms="')[1].split('"')[0])
    assert 40_000 < remaining <= 42_000


def test_the_key_never_reaches_the_browser(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest)
    html = client.get(f"/ru/tests/attempt/{attempt.pk}/").content.decode()
    assert '"key"' not in html and "data-key" not in html
    # Options render in the drawn order; the right one is not always first.
    orders = [i.option_order for i in attempt.items.all()]
    for order in orders:
        assert sorted(order) == ["a", "b", "c", "d"]
    import re

    for item in attempt.items.all():
        chunk = html.split(f'id="item-{item.position}"')[1].split("</fieldset>")[0]
        # Each option under this paper's own label, not the bank's option id.
        assert re.findall(r'value="([a-d])"', chunk) == [
            label(attempt, item, o) for o in item.option_order
        ]
    assert any(order[0] != "a" for order in orders)


def test_the_same_seed_draws_the_same_paper_and_other_attempts_differ(contest):
    pool = _pool(contest.blueprint)
    first = paper_draw(blueprint=contest.blueprint, seed="seed-1", pool=pool)
    again = paper_draw(blueprint=contest.blueprint, seed="seed-1", pool=pool)
    assert first == again
    papers = {
        json.dumps(
            paper_draw(blueprint=contest.blueprint, seed=f"seed-{n}", pool=pool), default=str
        )
        for n in range(2, 12)
    }
    assert len(papers) > 5
    # Each section draws from its own topic, the counts the blueprint asks for.
    assert [d["section_position"] for d in first] == [1, 1, 1, 2, 2, 2]


def test_neighbours_get_different_papers(contest):
    users = [make_candidate() for _ in range(3)]
    for user in users:
        make_application(contest, user=user)
    attempts = [attempt_start(user=u, sitting=contest.sitting) for u in users]
    papers = [
        [(i.question_id, tuple(i.option_order)) for i in a.items.order_by("position")]
        for a in attempts
    ]
    assert len({tuple(p) for p in papers}) == 3
    assert len({a.seed for a in attempts}) == 3


def test_integrity_events_are_recorded_never_punishing(
    client, contest, admitted, candidate, django_capture_on_commit_callbacks
):
    attempt = _start(client, candidate, contest)
    events = [
        {"kind": "item_time", "position": 1, "ms": 5300},
        {"kind": "focus_lost", "position": None, "ms": 12000},
        {"kind": "paste", "position": 2, "ms": 0},
        {"kind": "nonsense"},
    ]
    response = client.post(
        f"/ru/tests/attempt/{attempt.pk}/events/", {"events": json.dumps(events)}
    )
    assert response.json()["stored"] == 3
    assert set(IntegrityEvent.objects.values_list("kind", flat=True)) == {
        "item_time",
        "focus_lost",
        "paste",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/ru/tests/attempt/{attempt.pk}/submit/", {"item-1": "a"})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED


def test_result_shows_sections_and_which_items_were_right_but_no_keys(
    client, contest, admitted, candidate, django_capture_on_commit_callbacks
):
    attempt = _start(client, candidate, contest, lang="en")
    items = list(attempt.items.order_by("position"))
    _choose(client, attempt, 1, "a", stamp())
    wrong = next(o for o in items[1].option_order if o != "a")
    _choose(client, attempt, 2, wrong, stamp())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/tests/attempt/{attempt.pk}/submit/")
    html = client.get(f"/en/tests/attempt/{attempt.pk}/result/").content.decode()
    assert "Sections" in html and "Not passed" in html
    assert html.count('class="tc-review-item tc-right"') == 1
    assert html.count('class="tc-review-item tc-wrong"') == 5
    assert "Correct answer:" not in html
    # The key of a wrongly answered item is not shown.
    key_text = next(o["en"] for o in items[1].question.options if o["id"] == "a")
    assert key_text not in html
