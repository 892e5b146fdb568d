"""Faults are part of a national portal's normal day.

- With Redis down (cache and broker), applications, test answers and submissions, and
  ethics reports are still accepted; work for the workers waits in the database for the
  sweepers.
- A dropped database connection (what a PostgreSQL restart does to every open connection)
  makes the request in flight fail cleanly, and the next one recovers by itself.
"""

from __future__ import annotations

import pytest
from django.db import connection
from kombu.exceptions import OperationalError

from eqyzmet.celery import app as celery_app
from recruitment import services as recruitment_services
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Cache on a port nothing listens on; every publish to the broker refused."""
    settings.CACHES = {
        "default": {
            "BACKEND": "eqyzmet.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    celery_app.conf.task_always_eager = False

    def refused(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("celery.app.task.Task.apply_async", refused)
    yield


def test_applications_are_accepted_while_redis_is_down(roles, redis_down):
    staff = make_staff()
    competition = make_competition(staff=staff)
    recruitment_services.competition_publish(competition=competition, actor=staff.hr)
    candidate = make_candidate()
    application = recruitment_services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )
    assert application.pk and application.status == "admitted"


def test_ethics_reports_are_accepted_while_redis_is_down(client, roles, redis_down):
    from ethics.models import EthicsCase
    from tests.factories import make_state_body

    body = make_state_body()
    response = client.post(
        "/en/ethics/report/",
        {
            "category": "corruption_risk",
            "state_body": body.pk,
            "subject": "Gifts for a permit",
            "description": "An official asked for a gift before signing a permit.",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert EthicsCase.objects.count() == 1
    assert 'data-testid="receipt-code"' in response.content.decode()


def test_test_answers_and_submission_are_kept_while_redis_is_down(
    roles, redis_down, django_capture_on_commit_callbacks, caplog
):
    from testing_center.delivery import attempt_start, attempt_submit
    from testing_center.models import Attempt
    from tests.testing_center.factories import (
        make_application,
        make_blueprint,
        make_contest,
        small_bank,
    )
    from tests.testing_center.factories import (
        make_candidate as make_tc_candidate,
    )

    topics = small_bank()
    contest = make_contest(blueprint=make_blueprint([(topic, 2, None) for topic in topics]))
    user = make_tc_candidate()
    make_application(contest, user=user)
    attempt = attempt_start(user=user, sitting=contest.sitting)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt, by="candidate")
    attempt.refresh_from_db()
    assert attempt.status != Attempt.Status.IN_PROGRESS  # handed in, waiting for scoring
    assert "left for its sweeper" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_fails_cleanly_then_recovers(client, postgresql_only):
    import psycopg2
    from django.db import close_old_connections

    assert client.get("/en/vacancies/").status_code == 200
    backend_pid = connection.connection.info.backend_pid
    settings_dict = connection.settings_dict
    killer = psycopg2.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"],
        port=settings_dict["PORT"],
    )
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    killer.close()

    client.raise_request_exception = False
    failed = client.get("/en/vacancies/")
    assert failed.status_code == 500  # the request in flight fails, and says so
    assert b"Traceback" not in failed.content
    # What Django's handler does at the end of every request (the test client skips it):
    # a connection that saw errors and no longer answers is closed, so the next request
    # opens a fresh one.
    close_old_connections()
    recovered = client.get("/en/vacancies/")
    assert recovered.status_code == 200
