"""The final form post saves every answer in two statements and leaves the paper exactly
as saving them one by one through autosave would."""

from __future__ import annotations

import contextlib
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eqyzmet.errors import ApplicationError
from testing_center.delivery import attempt_autosave, attempt_save_many, attempt_start
from testing_center.models import option_labels
from tests.testing_center.factories import make_application, make_candidate

pytestmark = pytest.mark.django_db


def _paper(contest):
    user = make_candidate()
    make_application(contest, user=user)
    return attempt_start(user=user, sitting=contest.sitting)


def _labels(attempt):
    return {
        i.position: option_labels(
            seed=attempt.seed, position=i.position, option_order=i.option_order
        )
        for i in attempt.items.all()
    }


def _state(attempt):
    return list(attempt.items.order_by("position").values_list("position", "answer", "version"))


def test_a_whole_paper_is_saved_in_two_statements(contest):
    attempt = _paper(contest)
    labels = _labels(attempt)
    answers = {p: labels[p]["a"] for p in labels}
    with CaptureQueriesContext(connection) as captured:
        attempt_save_many(attempt=attempt, answers=answers)
    assert len(captured.captured_queries) == 2
    assert {a for _p, a, _v in _state(attempt)} == {"a"}


CHOICE = st.one_of(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["zz", 7, ""]))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.dictionaries(st.integers(1, 6), st.sampled_from(["a", "b"]), max_size=6),
    final=st.dictionaries(st.integers(0, 8), CHOICE, max_size=9),
    newer_elsewhere=st.sets(st.integers(1, 6), max_size=3),
)
def test_the_final_save_matches_saving_one_by_one(contest, before, final, newer_elsewhere):
    bulk, single = _paper(contest), _paper(contest)
    now_ms = int(time.time() * 1000)
    for attempt in (bulk, single):
        labels = _labels(attempt)
        for position, option in before.items():
            attempt_autosave(
                attempt=attempt,
                position=position,
                answer=labels[position][option],
                changed_at_ms=now_ms - 60_000,
            )
        for position in newer_elsewhere:  # another tab's change, stamped in the future
            attempt_autosave(
                attempt=attempt,
                position=position,
                answer=labels[position]["c"],
                changed_at_ms=now_ms + 60_000,
            )

    def form(attempt):
        labels = _labels(attempt)
        return {
            p: labels[p][v] if p in labels and v in ("a", "b", "c", "d") else v
            for p, v in final.items()
        }

    attempt_save_many(attempt=bulk, answers=form(bulk))
    final_ms = int(time.time() * 1000)  # as the final post stamps its changes
    for position, value in form(single).items():  # the reference: autosave, item by item
        with contextlib.suppress(ApplicationError):
            attempt_autosave(
                attempt=single, position=position, answer=value, changed_at_ms=final_ms
            )
    assert _state(bulk) == _state(single)
