"""An approved extra-time adjustment lengthens that candidate's clock, on the server and on
the one-statement autosave path, and nobody else's."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services
from recruitment.models import Stage
from testing_center.delivery.fast_save import attempt_autosave_fast, paper_facts
from testing_center.models import Attempt, option_labels
from tests.factories import UserFactory
from tests.testing_center.factories import (
    make_application,
    make_blueprint,
    make_candidate,
    make_contest,
    small_bank,
)

pytestmark = pytest.mark.django_db

HOUR = 3600


@pytest.fixture
def hour_contest(roles):
    topics = small_bank(sections=1, per_topic=3)
    blueprint = make_blueprint([(topics[0], 2, 1)], time_limit=HOUR, grace=10)
    now = timezone.now()
    # The window opens later, so the request can still be made and decided.
    return make_contest(
        blueprint=blueprint,
        opens=now + dt.timedelta(hours=1),
        closes=now + dt.timedelta(hours=6),
    )


def _approve_extra(contest, user, application, extra_time="50"):
    officer = UserFactory()
    staff_assign(user=officer, role=Role.ADJUSTMENTS_OFFICER, state_body=contest.body)
    adjustment = services.adjustment_request(
        user=user,
        application=application,
        extra_time=extra_time,
        reason="I need more time to read because of a visual impairment.",
    )
    services.adjustment_decide(adjustment=adjustment, actor=officer, status="approved")


def _open_window(contest):
    Stage.objects.filter(pk=contest.stage.pk).update(
        opens_at=timezone.now() - dt.timedelta(minutes=1)
    )


def _start(client, user, contest):
    client.force_login(user)
    assert client.post(f"/en/tests/sitting/{contest.sitting.pk}/start/").status_code == 302
    return Attempt.objects.filter(sitting=contest.sitting).order_by("-pk").first()


def _save(client, user, attempt, option="a"):
    client.force_login(user)
    item = attempt.items.get(position=1)
    labels = option_labels(seed=attempt.seed, position=1, option_order=item.option_order)
    return client.post(
        f"/en/tests/attempt/{attempt.pk}/save/",
        {
            "position": 1,
            "answer": json.dumps(labels[option]),
            "changed_at": int(timezone.now().timestamp() * 1000),
        },
    )


def test_plus_fifty_percent_on_a_sixty_minute_test_gives_ninety_minutes(client, hour_contest):
    adjusted, plain = make_candidate(), make_candidate()
    adjusted_app = make_application(hour_contest, user=adjusted)
    make_application(hour_contest, user=plain)
    _approve_extra(hour_contest, adjusted, adjusted_app)
    _open_window(hour_contest)

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        long = _start(client, adjusted, hour_contest)
        short = _start(client, plain, hour_contest)
        assert long.deadline - long.started_at == dt.timedelta(minutes=90)
        assert short.deadline - short.started_at == dt.timedelta(minutes=60)
        page = client.get(f"/en/tests/attempt/{short.pk}/").content.decode()
        assert 'data-remaining-ms="3600000"' in page
        client.force_login(adjusted)
        page = client.get(f"/en/tests/attempt/{long.pk}/").content.decode()
        assert 'data-remaining-ms="5400000"' in page

        clock.move_to(start + dt.timedelta(minutes=61))
        accepted = _save(client, adjusted, long)
        assert accepted.status_code == 200 and accepted.json()["saved"] is True
        refused = _save(client, plain, short)
        assert refused.status_code != 200 or refused.json().get("saved") is not True
        short.refresh_from_db()
        assert short.status != Attempt.Status.IN_PROGRESS
        assert short.items.get(position=1).answer in (None, "", [])

        # The server refuses the longer paper too once its own 90 minutes (and grace) end.
        clock.move_to(start + dt.timedelta(minutes=91))
        late = _save(client, adjusted, long, option="b")
        assert late.status_code != 200 or late.json().get("saved") is not True
        long.refresh_from_db()
        assert long.status != Attempt.Status.IN_PROGRESS


def test_the_fast_autosave_honours_the_extended_deadline(hour_contest, client):
    adjusted, plain = make_candidate(), make_candidate()
    adjusted_app = make_application(hour_contest, user=adjusted)
    make_application(hour_contest, user=plain)
    _approve_extra(hour_contest, adjusted, adjusted_app)
    _open_window(hour_contest)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        long = _start(client, adjusted, hour_contest)
        short = _start(client, plain, hour_contest)
    later = start + dt.timedelta(minutes=61)
    stamp = int(later.timestamp() * 1000)
    long_facts, short_facts = paper_facts(long.pk), paper_facts(short.pk)
    saved = attempt_autosave_fast(
        facts=long_facts, position=1, answer=_label(long), changed_at_ms=stamp, now=later
    )
    assert saved is not None and saved.saved
    # The other paper's time is up: the fast path writes nothing and leaves the full path
    # to answer "time is up".
    assert (
        attempt_autosave_fast(
            facts=short_facts, position=1, answer=_label(short), changed_at_ms=stamp, now=later
        )
        is None
    )
    assert short.items.get(position=1).version == 0


def test_a_refused_or_undecided_request_changes_no_clock(client, hour_contest):
    user = make_candidate()
    application = make_application(hour_contest, user=user)
    services.adjustment_request(
        user=user,
        application=application,
        extra_time="100",
        reason="I need more time to read because of a visual impairment.",
    )
    _open_window(hour_contest)
    attempt = _start(client, user, hour_contest)
    assert attempt.deadline - attempt.started_at == dt.timedelta(minutes=60)


def _label(attempt):
    item = attempt.items.get(position=1)
    return option_labels(seed=attempt.seed, position=1, option_order=item.option_order)["a"]


def test_extra_time_never_runs_past_the_window(client, hour_contest):
    user = make_candidate()
    application = make_application(hour_contest, user=user)
    _approve_extra(hour_contest, user, application)
    _open_window(hour_contest)
    closes = timezone.now() + dt.timedelta(minutes=75)
    Stage.objects.filter(pk=hour_contest.stage.pk).update(closes_at=closes)
    attempt = _start(client, user, hour_contest)
    # 90 minutes are granted, but the window closes after 75: the stage ends then for all.
    assert attempt.deadline == closes
