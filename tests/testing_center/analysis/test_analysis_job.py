"""Item analysis of a closed sitting runs as a background job: queued once by the beat
sweep, its progress on the sittings' admin list while a worker computes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from eqyzmet.models import Job
from recruitment.models import Stage
from testing_center.analysis import ANALYSE_JOB
from testing_center.delivery import attempt_start, attempt_submit
from testing_center.models import ItemStatistic, Sitting
from testing_center.tasks import sweep
from tests.testing_center.factories import make_application, make_candidate
from tests.testing_center.helpers import answer_sections

pytestmark = pytest.mark.django_db

SITTINGS = "/admin/testing_center/sitting/"


@pytest.fixture
def closed(contest, django_capture_on_commit_callbacks):
    """Four candidates sat the test and were scored; the window has closed."""
    for n in range(4):
        user = make_candidate()
        make_application(contest, user=user)
        attempt = attempt_start(user=user, sitting=contest.sitting)
        answer_sections(attempt, {1: min(n, 3), 2: max(0, n - 1)})
        with django_capture_on_commit_callbacks(execute=True):
            attempt_submit(attempt=attempt, by="candidate")
    Stage.objects.filter(pk=contest.stage.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return contest


def test_the_sweep_queues_one_analysis_and_the_worker_reports_it_done(
    client, closed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["analyses"] == 1
    job = Job.objects.get(kind=ANALYSE_JOB, ref=closed.sitting.pk)
    assert (job.state, job.progress) == (Job.State.DONE, 100)
    # Nobody asked for it, so it speaks the site's default language (Kazakh).
    assert job.message == "4 алғашқы әрекет талданды."
    assert Sitting.objects.get(pk=closed.sitting.pk).analysed_at is not None
    assert ItemStatistic.objects.filter(sitting=closed.sitting).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["analyses"] == 0  # analysed: nothing more to do


def test_a_queued_analysis_is_not_queued_twice_and_the_list_shows_its_progress(
    client, closed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        sweep()
        sweep()  # the next half minute, the worker not done yet
    job = Job.objects.get(kind=ANALYSE_JOB, ref=closed.sitting.pk)
    assert Job.objects.filter(kind=ANALYSE_JOB).count() == 1
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    cache.set(f"job:{job.pk}:progress", 40)
    client.force_login(closed.hr)
    client.cookies["eqyzmet_language"] = "en"
    assert "analysing… 40%" in client.get(SITTINGS).content.decode()
