"""The legislation test's pass rule: ≥ 30 correct overall AND ≥ 5 in every section
(DESIGN §2.3), as data on the blueprint, checked at its edges end to end."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recruitment.models import StageResult
from testing_center.delivery import attempt_start, attempt_submit
from testing_center.models import Attempt
from testing_center.scoring.papers import SectionOutcome, attempt_outcome, attempt_score
from tests.testing_center.factories import (
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    make_question,
    make_topic,
)
from tests.testing_center.helpers import answer_sections

pytestmark = pytest.mark.django_db


@pytest.fixture
def legislation(roles):
    """Kazakhstan's seeded shape: 15 + 15 + 15 + 10 items, 55 minutes, 30 overall, 5 each."""
    sizes = [15, 15, 15, 10]
    topics = []
    for size in sizes:
        topic = make_topic()
        for _ in range(size):
            make_question(topic)
        topics.append(topic)
    blueprint = make_blueprint(
        [(t, size, 5) for t, size in zip(topics, sizes, strict=True)],
        time_limit=55 * 60,
        pass_min_correct=30,
    )
    return make_contest(blueprint=blueprint)


@pytest.fixture
def sit(django_capture_on_commit_callbacks):
    def run(contest, correct):
        user = make_candidate()
        application = make_application(contest, user=user)
        attempt = attempt_start(user=user, sitting=contest.sitting)
        answer_sections(attempt, correct)
        with django_capture_on_commit_callbacks(execute=True):
            attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
        attempt.refresh_from_db()
        return attempt, application

    return run


def test_thirty_correct_with_every_section_at_five_or_more_passes(legislation, sit):
    attempt, application = sit(legislation, {1: 10, 2: 10, 3: 5, 4: 5})
    assert attempt.status == Attempt.Status.SCORED
    assert attempt.correct_count == 30
    assert attempt.passed is True
    result = StageResult.objects.get(application=application, stage=legislation.stage)
    assert result.passed is True
    assert result.score == Decimal(30)
    assert [s["correct"] for s in result.details["sections"]] == [10, 10, 5, 5]


def test_candidate_below_section_minimum_fails_even_with_30_correct(legislation, sit):
    attempt, application = sit(legislation, {1: 15, 2: 11, 3: 4, 4: 0})
    assert attempt.correct_count == 30
    assert attempt.passed is False
    assert [s["ok"] for s in attempt.sections] == [True, True, False, False]
    assert StageResult.objects.get(application=application).passed is False


def test_thirty_correct_with_one_section_at_four_fails(legislation, sit):
    attempt, _ = sit(legislation, {1: 11, 2: 10, 3: 5, 4: 4})
    assert attempt.correct_count == 30
    assert attempt.passed is False


def test_twenty_nine_correct_fails_even_with_every_section_at_five(legislation, sit):
    attempt, application = sit(legislation, {1: 9, 2: 10, 3: 5, 4: 5})
    assert attempt.correct_count == 29
    assert attempt.passed is False
    assert StageResult.objects.get(application=application).score == Decimal(29)


def test_scoring_twice_changes_nothing(legislation, sit):
    attempt, application = sit(legislation, {1: 10, 2: 10, 3: 5, 4: 5})
    recorded = StageResult.objects.get(application=application).recorded_at
    assert attempt_score(attempt_id=attempt.pk) is False
    assert StageResult.objects.get(application=application).recorded_at == recorded


def test_the_rule_is_data_every_threshold_that_is_set_must_hold():
    sections = [
        SectionOutcome(position=1, items=10, correct=6, score=Decimal(6), min_correct=None),
        SectionOutcome(position=2, items=10, correct=6, score=Decimal(6), min_correct=7),
    ]
    assert attempt_outcome(sections=sections, pass_min_correct=12, pass_min_score=None) is False
    sections[1] = SectionOutcome(2, 10, 7, Decimal(7), 7)
    assert attempt_outcome(sections=sections, pass_min_correct=12, pass_min_score=None) is True
    assert (
        attempt_outcome(sections=sections, pass_min_correct=None, pass_min_score=Decimal(14))
        is False
    )


def test_multiple_choice_and_short_text_are_scored_exactly():
    from testing_center.scoring.papers import item_score

    one = Decimal(1)
    assert item_score(kind="multiple", key=["a", "c"], answer=["c", "a"], points=one) == (one, True)
    assert item_score(kind="multiple", key=["a", "c"], answer=["a"], points=one)[1] is False
    assert item_score(kind="short_text", key=["Высшую"], answer=" высшую. ", points=one)[1]
    assert item_score(kind="single", key=["a"], answer=None, points=one) == (Decimal(0), False)
    assert item_score(kind="likert", key={"a": 1, "b": 5}, answer="b", points=one)[0] == 5
