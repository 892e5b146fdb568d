"""Locking the ranking runs in a worker: the request checks the rules and queues; the list
and the competition's page show the work while it runs and how it ended."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eqyzmet import jobs
from eqyzmet.errors import ApplicationError
from eqyzmet.models import Job
from recruitment import services
from recruitment.models import Application, Competition, Stage
from recruitment.public import stage_result_record
from tests.recruitment.factories import (
    competition_at_written_test,
    make_competition,
    make_staff,
)

pytestmark = pytest.mark.django_db

LIST = "/admin/recruitment/competition/"


@pytest.fixture
def marked(roles):
    """A competition at its last (essay) stage with every mark given: ready to lock."""
    staff = make_staff()
    competition, applications, test = competition_at_written_test(staff=staff, applicants=3)
    Stage.objects.filter(pk=test.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    for application in applications:
        stage_result_record(
            application_id=application.pk, stage_id=test.pk, score=Decimal(41), passed=True
        )
    services.competition_advance(competition=competition, actor=staff.hr)
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for application, score in zip(applications, [3, 5, 4], strict=True):
            services.commission_mark(member=member, application=application, score=Decimal(score))
    competition.refresh_from_db()
    return staff, competition


def _confirm_lock(client, competition):
    page = client.post(
        LIST, {"action": "lock_ranking", "_selected_action": [competition.pk]}
    ).content.decode()
    token = page.split('name="confirm_token" value="', 1)[1].split('"', 1)[0]
    return client.post(
        LIST,
        {
            "action": "lock_ranking",
            "_selected_action": [competition.pk],
            "confirmed": "yes",
            "confirm_token": token,
        },
        follow=True,
    )


def _signed_in(client, staff):
    client.force_login(staff.hr)
    client.cookies["eqyzmet_language"] = "en"
    return client


def test_the_request_queues_the_lock_and_the_worker_ranks_and_reports(
    client, marked, django_capture_on_commit_callbacks
):
    staff, competition = marked
    _signed_in(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm_lock(client, competition)
    assert "the ranking is being locked in the background" in response.content.decode()
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED
    assert sorted(competition.applications.values_list("rank", flat=True)) == [1, 2, 3]
    job = Job.objects.get(kind=services.LOCK_RANKING_JOB, ref=competition.pk)
    assert (job.state, job.progress) == (Job.State.DONE, 100)
    assert job.message == "Ranking locked: 3 codes ranked."
    assert job.requested_by == staff.hr
    page = client.get(f"{LIST}{competition.pk}/change/").content.decode()
    assert "done, 100% — Ranking locked: 3 codes ranked." in page


def test_while_the_job_waits_the_list_says_so_and_a_second_lock_is_refused(
    client, marked, django_capture_on_commit_callbacks
):
    staff, competition = marked
    _signed_in(client, staff)
    with django_capture_on_commit_callbacks(execute=False):
        _confirm_lock(client, competition)
    assert Job.objects.get(ref=competition.pk).state == Job.State.QUEUED
    listing = client.get(LIST).content.decode()
    assert "locking the ranking…" in listing
    with django_capture_on_commit_callbacks(execute=False):
        again = _confirm_lock(client, competition).content.decode()
    assert "already being done; wait until it finishes" in again
    assert Job.objects.filter(ref=competition.pk).count() == 1
    competition.refresh_from_db()
    assert competition.status == Competition.Status.ESSAY


def test_rules_broken_after_the_request_fail_the_job_with_the_reason_and_change_nothing(
    client, marked, django_capture_on_commit_callbacks
):
    staff, competition = marked
    _signed_in(client, staff)
    with django_capture_on_commit_callbacks(execute=False):
        _confirm_lock(client, competition)
    # Before the worker starts, the competition is cancelled.
    services.competition_cancel(
        competition=competition, actor=staff.hr, reason="The post was abolished meanwhile."
    )
    job = Job.objects.get(ref=competition.pk)
    assert jobs.job_run(job.pk, services.competition_lock_ranking_run) is False
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.message  # the procedure's own reason, in the requester's language
    competition.refresh_from_db()
    assert competition.status == Competition.Status.CANCELLED
    assert not Application.objects.filter(competition=competition).exclude(rank=None).exists()
    listing = client.get(LIST).content.decode()
    assert "the ranking lock failed: open the competition to read why" in listing


def test_a_redelivered_message_runs_the_lock_once(marked, django_capture_on_commit_callbacks):
    staff, competition = marked
    with django_capture_on_commit_callbacks(execute=False):
        job = services.competition_lock_ranking_queue(competition=competition, actor=staff.hr)
    calls = []

    def work(*, job, progress):
        calls.append(job.pk)
        return services.competition_lock_ranking_run(job=job, progress=progress)

    assert jobs.job_run(job.pk, work) is True
    assert jobs.job_run(job.pk, work) is False
    assert calls == [job.pk]


def test_a_job_whose_worker_died_is_claimed_again_after_the_time_limit(marked):
    staff, competition = marked
    job = Job.objects.create(
        kind=services.LOCK_RANKING_JOB,
        ref=competition.pk,
        task="recruitment.lock_ranking",
        requested_by=staff.hr,
        state=Job.State.RUNNING,
        started_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert jobs.job_run(job.pk, services.competition_lock_ranking_run) is False
    Job.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - jobs.STALE_AFTER - dt.timedelta(seconds=1)
    )
    assert jobs.job_run(job.pk, services.competition_lock_ranking_run) is True
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED


def test_a_job_the_broker_lost_is_queued_again_by_the_sweeper(
    marked, django_capture_on_commit_callbacks
):
    staff, competition = marked
    with django_capture_on_commit_callbacks(execute=False):
        job = services.competition_lock_ranking_queue(competition=competition, actor=staff.hr)
    assert jobs.jobs_requeue_lost() == 0  # too young to be lost
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.jobs_requeue_lost() == 1
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED


def test_a_refusal_is_shown_at_once_without_queueing_anything(marked):
    staff, competition = marked
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.PUBLISHED)
    with pytest.raises(ApplicationError):
        services.competition_lock_ranking_queue(competition=competition, actor=staff.hr)
    assert not Job.objects.exists()


def test_the_competitions_list_costs_the_same_queries_with_more_rows_and_jobs(client, marked):
    staff, _competition = marked
    _signed_in(client, staff)
    client.get(LIST)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for _ in range(3):
        other = make_competition(staff=staff)
        Job.objects.create(
            kind=services.LOCK_RANKING_JOB, ref=other.pk, task="recruitment.lock_ranking"
        )
    with CaptureQueriesContext(connection) as more:
        assert client.get(LIST).status_code == 200
    assert len(more) == len(few)
