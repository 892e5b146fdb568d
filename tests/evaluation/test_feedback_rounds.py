"""360 rounds cannot be differenced: nothing is shown before the round closes, a closed
round takes no new respondent and no late answer, and what is shown is rounded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from eqyzmet.errors import ApplicationError
from evaluation import selectors, services
from evaluation.models import FeedbackInvitation, FeedbackResponse
from tests.evaluation.factories import assessment_of, employee, open_cycle, person, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def emp(department, manager, competencies):
    return employee(department, supervisor=manager, unit_head=manager)


@pytest.fixture
def assessment(emp, department):
    return assessment_of(emp, open_cycle(department))


def _invite(assessment, manager, people):
    services.feedback_invite(
        assessment=assessment, actor=manager, respondents=people, relation="peer"
    )


def _answer(assessment, respondent, mark):
    services.feedback_submit(
        invitation=FeedbackInvitation.objects.get(assessment=assessment, respondent=respondent),
        actor=respondent,
        collaboration=mark,
        reliability=mark,
        respect=mark,
    )


def test_the_differencing_attack_yields_nothing(assessment, manager):
    """5·after − 4·before needs an aggregate before and after one more answer: neither
    exists together."""
    colleagues = [person() for _ in range(4)]
    _invite(assessment, manager, colleagues)
    for colleague, mark in zip(colleagues, (5, 4, 4, 2), strict=True):
        _answer(assessment, colleague, mark)
    # Four answers, but the round is open: no figure at all.
    assert selectors.feedback_aggregate(assessment=assessment) is None
    services.feedback_round_close(assessment=assessment, actor=manager)
    shown = selectors.feedback_aggregate(assessment=assessment)
    assert shown is not None and shown.respondents == 4
    # The manager tries to add a fifth colleague: refused, and nothing changes.
    extra = person()
    with pytest.raises(ApplicationError) as refused:
        _invite(assessment, manager, [extra])
    assert refused.value.code == "feedback_closed"
    assert not FeedbackInvitation.objects.filter(respondent=extra).exists()
    assert selectors.feedback_aggregate(assessment=assessment) == shown


def test_a_late_answer_after_close_is_refused_and_changes_nothing(assessment, manager):
    colleagues = [person() for _ in range(5)]
    _invite(assessment, manager, colleagues)
    for colleague in colleagues[:4]:
        _answer(assessment, colleague, 4)
    services.feedback_round_close(assessment=assessment, actor=manager)
    shown = selectors.feedback_aggregate(assessment=assessment)
    with pytest.raises(ApplicationError) as refused:
        _answer(assessment, colleagues[4], 1)
    assert refused.value.code == "feedback_closed"
    assert FeedbackResponse.objects.count() == 4
    assert selectors.feedback_aggregate(assessment=assessment) == shown
    # The late colleague is no longer asked.
    assert selectors.pending_feedback(user=colleagues[4]) == []


def test_the_result_uses_only_the_closed_round(assessment, manager):
    colleagues = [person() for _ in range(3)]
    _invite(assessment, manager, colleagues)
    for colleague in colleagues:
        _answer(assessment, colleague, 4)
    result = score(assessment, manager)
    # Issuing the result closes the round: what it counted is what is shown, for good.
    assert result.feedback_closed_at is not None
    assert result.feedback_score is not None
    assert selectors.feedback_aggregate(assessment=assessment).score == result.feedback_score


def test_a_round_closed_with_two_answers_shows_no_figure_ever(assessment, manager):
    colleagues = [person() for _ in range(3)]
    _invite(assessment, manager, colleagues)
    for colleague in colleagues[:2]:
        _answer(assessment, colleague, 1)
    services.feedback_round_close(assessment=assessment, actor=manager)
    with pytest.raises(ApplicationError):
        _answer(assessment, colleagues[2], 1)
    assert selectors.feedback_aggregate(assessment=assessment) is None
    assert score(assessment, manager).feedback_score is None


def test_only_an_evaluator_closes_the_round_and_only_once(assessment, manager):
    with pytest.raises(ApplicationError):
        services.feedback_round_close(assessment=assessment, actor=person())
    services.feedback_round_close(assessment=assessment, actor=manager)
    with pytest.raises(ApplicationError):
        services.feedback_round_close(assessment=assessment, actor=manager)


def test_shown_averages_are_rounded_to_half_marks(assessment, manager):
    colleagues = [person() for _ in range(4)]
    _invite(assessment, manager, colleagues)
    for colleague, mark in zip(colleagues, (5, 4, 4, 4), strict=True):
        _answer(assessment, colleague, mark)  # mean 4.25
    services.feedback_round_close(assessment=assessment, actor=manager)
    shown = selectors.feedback_aggregate(assessment=assessment)
    for value in (shown.collaboration, shown.reliability, shown.respect):
        assert (value * 2) % 1 == 0, value
    assert shown.score % 10 == 0  # 20 points per mark, in half-mark steps


def test_the_manager_page_shows_nothing_before_close_and_the_average_after(
    client, assessment, manager, department
):
    colleagues = [person() for _ in range(4)]
    _invite(assessment, manager, colleagues)
    for colleague in colleagues:
        _answer(assessment, colleague, 4)
    client.force_login(manager)
    page = client.get(reverse("evaluation:score", args=[assessment.pk])).content.decode()
    assert 'data-testid="feedback-aggregate"' not in page
    response = client.post(reverse("evaluation:feedback_close", args=[assessment.pk]))
    assert response.status_code == 302
    page = client.get(reverse("evaluation:score", args=[assessment.pk])).content.decode()
    assert 'data-testid="feedback-aggregate"' in page
    # A closed round offers no way to ask anyone else.
    assert reverse("evaluation:feedback_invite", args=[assessment.pk]) not in page
    response = client.post(
        reverse("evaluation:feedback_invite", args=[assessment.pk]),
        {"respondents": [employee(department).user.pk], "relation": "peer"},
    )
    assert response.status_code == 400
    assert FeedbackInvitation.objects.count() == 4
