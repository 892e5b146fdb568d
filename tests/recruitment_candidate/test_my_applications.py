"""My applications: only one's own, results as they are published, withdrawal, appeals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from recruitment import services
from recruitment.models import (
    Appeal,
    Application,
    Competition,
    IdentityEscrow,
    ReserveEntry,
    Stage,
    StageResult,
)
from tests.recruitment_candidate.factories import make_candidate_with_profile, open_vacancy

pytestmark = pytest.mark.django_db


def _apply(user, competition=None, vacancy=None) -> Application:
    if competition is None:
        competition, vacancy = open_vacancy()
    return services.application_submit(
        user=user, competition=competition, vacancy=vacancy, consent=True
    )


def _publish_result(application, *, score="40", passed=True, published_ago=dt.timedelta(0)):
    stage = application.competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    StageResult.objects.create(
        application=application, stage=stage, score=Decimal(score), passed=passed
    )
    Stage.objects.filter(pk=stage.pk).update(results_published_at=timezone.now() - published_ago)
    return stage


@pytest.fixture
def candidate(client):
    user = make_candidate_with_profile()
    client.force_login(user)
    return user


@pytest.fixture
def _no_redaction_model(monkeypatch):
    """Appeals are redacted for staff by the testing centre's redactor (tested there); these
    page tests replace it with a stand-in so they do not load the language model."""
    monkeypatch.setattr("recruitment.redaction.redact_for_staff", lambda text: f"[redacted] {text}")


def test_my_applications_lists_only_my_own(client, candidate):
    mine = _apply(candidate)
    theirs = _apply(make_candidate_with_profile())
    page = client.get("/en/my/applications/").content.decode()
    assert mine.code in page
    assert theirs.code not in page


@pytest.mark.parametrize("count", [1, 10])
def test_my_applications_runs_a_fixed_number_of_queries(
    client, candidate, count, django_assert_max_num_queries
):
    for _ in range(count):
        application = _apply(candidate)
        _publish_result(application)
    with django_assert_max_num_queries(8):
        response = client.get("/en/my/applications/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == count


def test_stage_results_appear_only_once_published(client, candidate):
    application = _apply(candidate)
    stage = application.competition.stages.get()
    StageResult.objects.create(
        application=application, stage=stage, score=Decimal("41"), passed=True
    )
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "No results have been published yet." in page
    Stage.objects.filter(pk=stage.pk).update(results_published_at=timezone.now())
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "Score: 41 of 55" in page
    assert "You may appeal this result until" in page


def test_rank_decision_and_reserve_are_shown_after_the_results_are_published(client, candidate):
    application = _apply(candidate)
    Application.objects.filter(pk=application.pk).update(
        rank=2, final_score=Decimal("7.5"), status=Application.Status.RESERVE
    )
    until = timezone.localdate() + dt.timedelta(days=365)
    ReserveEntry.objects.create(application=application, valid_until=until)
    Competition.objects.filter(pk=application.competition_id).update(
        status=Competition.Status.RANKING_LOCKED
    )
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "In the personnel reserve until" not in page
    Competition.objects.filter(pk=application.competition_id).update(
        status=Competition.Status.RESULTS_PUBLISHED
    )
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "Offered a place in the reserve" in page
    assert "In the personnel reserve until" in page
    assert "7.5" in page


def test_a_candidate_withdraws_after_confirming(client, candidate):
    application = _apply(candidate)
    url = f"/en/my/applications/{application.pk}/withdraw/"
    assert "Yes, withdraw" in client.get(url).content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.ADMITTED  # GET changes nothing
    response = client.post(url, follow=True)
    assert "Your application is withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert not IdentityEscrow.objects.get(application_id=application.pk).active


def test_withdrawing_after_the_ranking_is_locked_is_refused(client, candidate):
    application = _apply(candidate)
    Competition.objects.filter(pk=application.competition_id).update(
        status=Competition.Status.RANKING_LOCKED
    )
    response = client.post(f"/en/my/applications/{application.pk}/withdraw/", follow=True)
    assert "can no longer be withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.ADMITTED


@pytest.mark.usefixtures("_no_redaction_model")
def test_an_appeal_within_the_window_is_submitted_and_its_answer_shown(client, candidate):
    application = _apply(candidate)
    stage = _publish_result(application, score="28", passed=False)
    url = f"/en/my/applications/{application.pk}/appeal/{stage.pk}/"
    page = client.get(url).content.decode()
    assert "The appeal window closes" in page
    response = client.post(url, {"text": "Question 12 had two correct answers, please recheck."})
    assert response.status_code == 302
    appeal = Appeal.objects.get(application=application)
    services.appeal_decide(
        appeal=appeal,
        actor=make_candidate_with_profile(),
        upheld=True,
        answer="Question 12 is annulled.",
        corrected_score=Decimal("30"),
    )
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "Question 12 had two correct answers" in page
    assert "Question 12 is annulled." in page
    assert "Corrected score: 30" in page


@pytest.mark.usefixtures("_no_redaction_model")
def test_an_appeal_that_is_too_short_is_refused_with_a_message(client, candidate):
    application = _apply(candidate)
    stage = _publish_result(application)
    response = client.post(
        f"/en/my/applications/{application.pk}/appeal/{stage.pk}/", {"text": "Unfair."}
    )
    assert "at least 20 characters" in response.content.decode()
    assert not Appeal.objects.exists()


def test_an_appeal_after_the_window_is_refused(client, candidate):
    application = _apply(candidate)
    days = application.competition.appeal_window_days
    stage = _publish_result(application, published_ago=dt.timedelta(days=days, minutes=1))
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "You may appeal this result" not in page
    response = client.post(
        f"/en/my/applications/{application.pk}/appeal/{stage.pk}/",
        {"text": "Question 12 had two correct answers, please recheck."},
    )
    assert "The appeal window for this stage is closed." in response.content.decode()
    assert not Appeal.objects.exists()


def test_an_unpublished_result_cannot_be_appealed(client, candidate):
    application = _apply(candidate)
    stage = application.competition.stages.get()
    StageResult.objects.create(application=application, stage=stage, score=1, passed=False)
    url = f"/en/my/applications/{application.pk}/appeal/{stage.pk}/"
    assert client.get(url).status_code == 404
