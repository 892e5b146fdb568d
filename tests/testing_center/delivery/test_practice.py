"""Practice: anyone, no account, a separate bank, scored at once with explanations."""

from __future__ import annotations

import pytest

from recruitment.models import StageResult
from testing_center.bank import blueprint_upsert
from testing_center.delivery import sitting_attach
from testing_center.models import Attempt
from tests.testing_center.factories import make_blueprint, make_question, make_topic, small_bank
from tests.testing_center.helpers import label

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice():
    topic = make_topic(practice=True)
    for _ in range(4):
        make_question(topic, explanation_en="Because the law says so.")
    return make_blueprint([(topic, 3, 2)], code="practice-demo", practice=True, pass_min_correct=2)


def test_a_visitor_takes_a_practice_test_and_sees_keys_and_explanations(client, practice):
    response = client.post("/en/tests/practice/practice-demo/start/")
    attempt = Attempt.objects.get()
    assert response["Location"].endswith(f"/tests/attempt/{attempt.pk}/")
    assert attempt.application_id is None and attempt.sitting_id is None
    page = client.get(f"/en/tests/attempt/{attempt.pk}/")
    assert page.status_code == 200
    posted = {f"item-{i.position}": label(attempt, i, "a") for i in attempt.items.all()}
    client.post(f"/en/tests/attempt/{attempt.pk}/submit/", posted)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED and attempt.passed is True
    html = client.get(f"/en/tests/attempt/{attempt.pk}/result/").content.decode()
    assert "Correct answer:" in html and "Because the law says so." in html
    assert not StageResult.objects.exists()


def test_another_visitor_cannot_open_my_practice_attempt(client, practice):
    client.post("/en/tests/practice/practice-demo/start/")
    attempt = Attempt.objects.get()
    from django.test import Client

    stranger = Client()
    assert stranger.get(f"/en/tests/attempt/{attempt.pk}/").status_code == 404


def test_a_practice_blueprint_never_draws_from_the_real_bank(db):
    real = small_bank(sections=1, per_topic=3)[0]
    from eqyzmet.errors import ApplicationError

    spec = {
        "code": "mixed",
        "name_kk": "x",
        "name_ru": "x",
        "name_en": "x",
        "time_limit_seconds": 60,
        "is_practice": True,
        "sections": [{"topic": real.code, "items": 2}],
    }
    with pytest.raises(ApplicationError) as exc:
        blueprint_upsert(actor=None, spec=spec)
    assert exc.value.code == "bank_mismatch"


def test_a_practice_blueprint_cannot_be_attached_to_a_competition(contest, practice):
    from eqyzmet.errors import ApplicationError

    with pytest.raises(ApplicationError):
        sitting_attach(actor=None, stage_id=contest.stage.pk, blueprint=practice)


def test_the_real_test_refuses_a_practice_start(client, contest):
    assert client.post(f"/en/tests/practice/{contest.blueprint.code}/start/").status_code == 404
    assert not Attempt.objects.exists()
