"""AI-assisted scoring with real Celery workers against real Redis and PostgreSQL: a whole
essay sitting is scored and routed, the commission's marks decide; and a worker killed in
the middle of a training run loses nothing and duplicates nothing."""

from __future__ import annotations

import signal
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from eqyzmet.celery import app as celery_app
from recruitment.models import StageResult
from testing_center.models import AiScore, EssayReview, ScoringModel, ScoringPolicy, TrainingRun
from testing_center.scoring.training import training_run_start, training_upload_create
from tests.factories import UserFactory
from tests.integration_helpers import celery_worker, require_services, stop_process_group
from tests.testing_center.ai_factories import (
    KEY_IDEAS,
    make_essay_contest,
    scored_answers_csv,
    write_essay,
)
from tests.testing_center.factories import make_question

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def real_broker():
    require_services()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def wait_until(condition, *, timeout: float, worker=None, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker exited while waiting for {what}")
        time.sleep(0.3)
    log = stop_process_group(worker) if worker is not None else ""
    raise AssertionError(f"timed out waiting for {what}\n{log[-4000:]}")


def test_a_sitting_of_essays_is_scored_by_a_worker_and_the_commission_decides(
    roles, real_broker, client
):
    contest = make_essay_contest(members=3, quorum=(1, 3))
    admin = UserFactory(is_superuser=True, is_staff=True)
    ScoringPolicy.objects.create(
        question=contest.question, confidence_threshold=Decimal("0.9"), review_margin=1
    )
    training_upload_create(
        actor=admin, data=scored_answers_csv(contest.question), filename="marks.csv"
    )
    texts = [
        ". ".join(KEY_IDEAS) + ".",  # every key idea: the model is sure
        "Открытость. Сроки. Наверное этика. Может быть что-то еще о гражданах и службе.",
        "Я не знаю. Погода сегодня хорошая, а государственная служба нужна обществу.",
    ]
    with celery_worker() as worker:
        run = training_run_start(actor=admin, question=contest.question)
        wait_until(
            lambda: TrainingRun.objects.get(pk=run.pk).status == TrainingRun.Status.DONE,
            timeout=120,
            worker=worker,
            what="the training run",
        )
        papers = [write_essay(contest, text, score=False) for text in texts]
        wait_until(
            lambda: EssayReview.objects.count() == len(texts),
            timeout=120,
            worker=worker,
            what="the essays to be prepared",
        )
    model = ScoringModel.objects.get(is_active=True)
    reviews = {r.attempt.application_id: r for r in EssayReview.objects.select_related("attempt")}
    for application, _attempt in papers:
        score = AiScore.objects.get(item__attempt__application=application)
        assert score.model == model
        expected = "double" if score.confidence < 0.9 else "single"
        assert reviews[application.pk].route == expected
    doubtful = [a for a, _ in papers if reviews[a.pk].route == "double"]
    confident = [a for a, _ in papers if reviews[a.pk].route == "single"]
    assert doubtful, "the set-up should give the model at least one essay it doubts"
    assert confident, "and at least one it is sure of"

    member, second = contest.members[0], contest.members[1]
    client.force_login(member.user)
    queue = client.get(reverse("staff:commission_queue", args=[member.pk])).content.decode()
    for application in doubtful:
        assert application.code in queue
    assert queue.index(doubtful[0].code) < queue.index(confident[0].code)
    assert "Blind double marking" in queue

    def mark(seat, application, ideas):
        client.force_login(seat.user)
        url = reverse("staff:commission_essay", args=[seat.pk, application.pk])
        page = client.get(url).content.decode()
        assert 'data-testid="ai-opinion"' not in page  # blind until marked
        response = client.post(url, {"rubric-ideas": str(ideas), "rubric-language": "1"})
        assert response.status_code == 302

    for application in doubtful:
        mark(member, application, 1)
        assert not StageResult.objects.filter(application=application).exists()
        mark(second, application, 2)
        # Two blind human marks, 2 and 3: the result is theirs, whatever the AI said.
        assert StageResult.objects.get(application=application).score == Decimal("2.500")
    for application in confident:
        ai = reviews[application.pk].ai_score
        ideas = max(0, min(4, int(ai) - 1))
        mark(member, application, ideas)
        if abs(Decimal(ideas + 1) - ai) <= reviews[application.pk].gap_margin:
            assert StageResult.objects.get(application=application).score == Decimal(ideas + 1)


def test_a_worker_killed_mid_training_loses_nothing_and_stores_nothing_twice(roles, real_broker):
    contest = make_essay_contest()
    admin = UserFactory(is_superuser=True, is_staff=True)
    questions = [contest.question] + [
        make_question(contest.question.topic, kind="essay", points=Decimal(5)) for _ in range(3)
    ]
    for n, question in enumerate(questions):
        training_upload_create(
            actor=admin,
            data=scored_answers_csv(question, per_score=40, seed=n),
            filename=f"{question.external_id}.csv",
        )
    fast_redelivery = {"CELERY_VISIBILITY_TIMEOUT": "3"}
    with celery_worker(extra_env=fast_redelivery) as first:
        run = training_run_start(actor=admin)
        wait_until(
            lambda: TrainingRun.objects.get(pk=run.pk).progress_done >= 1,
            timeout=120,
            worker=first,
            what="the first question to be trained",
        )
        stop_process_group(first, sig=signal.SIGKILL)
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.RUNNING, "the kill should land mid-run"
    trained_before_kill = ScoringModel.objects.count()
    assert 1 <= trained_before_kill < len(questions)

    with celery_worker(extra_env=fast_redelivery) as second:
        wait_until(
            lambda: TrainingRun.objects.get(pk=run.pk).status == TrainingRun.Status.DONE,
            timeout=180,
            worker=second,
            what="the redelivered run to finish",
        )
    run.refresh_from_db()
    assert (run.progress_done, run.progress_total) == (len(questions), len(questions))
    assert ScoringModel.objects.count() == len(questions)
    assert ScoringModel.objects.filter(is_active=True).count() == len(questions)
