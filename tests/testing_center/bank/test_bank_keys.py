"""Answer keys are seen and exported only by the keepers of their part of the bank.

The national bank (topics without an owner body) is kept by holders of
``testing_center.keep_national_bank``; a body's own topics by that body's HR officers.
Every other HR officer sees the national questions (to build blueprints) without keys:
no key, reference answer, explanation or rubric on any admin page, list filter or export.
"""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission

from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import UserFactory, make_state_body
from tests.testing_center.factories import make_question, make_topic

pytestmark = pytest.mark.django_db

QUESTIONS = "/admin/testing_center/question/"
SECRETS = ("KEYWORD-ZX9", "REFANS-QQ7", "EXPLAIN-PP3", "RUBRIC-RR5")


def _secret_question(topic, n: int = 0):
    return make_question(
        topic,
        kind="short_text",
        key=[f"{SECRETS[0]}-{n}"],
        reference_answer=f"{SECRETS[1]}-{n}",
        explanation_ru=f"{SECRETS[2]}-{n}",
        explanation_en=f"{SECRETS[2]}-{n}",
        rubric=[{"points": 1, "ru": f"{SECRETS[3]}-{n}"}],
    )


@pytest.fixture
def national(roles):
    topic = make_topic("national-law")
    return [_secret_question(topic, n) for n in range(3)]


@pytest.fixture
def hr(roles):
    body = make_state_body()
    user = UserFactory()
    staff_assign(user=user, role=Role.HR_OFFICER, state_body=body)
    user.body = body
    return user


@pytest.fixture
def keeper(roles):
    """An HR officer of the authorised body, holding the national bank."""
    user = UserFactory()
    staff_assign(user=user, role=Role.HR_OFFICER, state_body=make_state_body())
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="testing_center", codename="keep_national_bank"
        )
    )
    return user


def _export(client, fmt: str, questions):
    return client.post(
        QUESTIONS,
        {
            "action": f"export_{fmt}",
            "select_across": "1",
            "index": "0",
            "_selected_action": [q.pk for q in questions],
        },
    )


def _leaks(response) -> list[str]:
    body = response.content.decode(errors="replace")
    return [s for s in SECRETS if s in body]


def test_an_hr_officer_sees_national_questions_without_any_key(client, national, hr):
    client.force_login(hr)
    question = national[0]
    pages = [
        QUESTIONS,
        f"{QUESTIONS}?q=national",
        f"{QUESTIONS}{question.pk}/change/",
        f"{QUESTIONS}{question.pk}/history/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(response) == [], url
    change = client.get(f"{QUESTIONS}{question.pk}/change/").content.decode()
    for field in ("key", "reference_answer", "rubric", "explanation_ru"):
        assert f"field-{field}" not in change
    # Topics and counts are what a blueprint needs; those stay visible.
    assert question.external_id in change


@pytest.mark.parametrize(
    "lookup",
    [
        "key__icontains=KEYWORD",
        "reference_answer__icontains=REFANS",
        "explanation_ru__startswith=EXPLAIN",
        "rubric__icontains=RUBRIC",
        "revisions__snapshot__icontains=KEYWORD",
    ],
)
def test_the_changelist_is_no_oracle_for_the_key(client, national, hr, lookup):
    client.force_login(hr)
    response = client.get(f"{QUESTIONS}?{lookup}")
    assert response.status_code in (400, 302)
    assert _leaks(response) == []


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_hr_officer_cannot_export_the_national_bank(client, national, hr, fmt):
    client.force_login(hr)
    before = AuditEvent.objects.count()
    response = _export(client, fmt, national)
    assert "attachment" not in response.get("Content-Disposition", "")
    assert _leaks(response) == []
    assert AuditEvent.objects.filter(action="bank.exported").count() == 0
    assert AuditEvent.objects.count() == before


def test_an_export_mixing_own_and_national_topics_is_refused_whole(client, national, hr):
    own = make_topic("own-topic", owner=hr.body)
    mine = _secret_question(own, 9)
    client.force_login(hr)
    response = _export(client, "json", [mine, *national])
    assert "attachment" not in response.get("Content-Disposition", "")
    assert _leaks(response) == []


def test_an_hr_officer_exports_their_own_topic_and_the_export_is_audited(client, national, hr):
    own = make_topic("own-topic", owner=hr.body)
    mine = [_secret_question(own, 10 + n) for n in range(2)]
    client.force_login(hr)
    response = client.post(
        f"{QUESTIONS}?topic__id__exact={own.pk}",
        {
            "action": "export_json",
            "select_across": "1",
            "index": "0",
            "_selected_action": [mine[0].pk],
        },
    )
    assert "attachment" in response["Content-Disposition"]
    doc = json.loads(response.content)
    assert {q["id"] for q in doc["questions"]} == {q.external_id for q in mine}
    event = AuditEvent.objects.get(action="bank.exported")
    assert event.details["count"] == 2 and event.details["topics"] == ["own-topic"]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_national_bank_keeper_exports_keys_and_the_export_is_audited(
    client, national, keeper, fmt
):
    client.force_login(keeper)
    response = _export(client, fmt, national)
    assert "attachment" in response["Content-Disposition"]
    assert SECRETS[0] in response.content.decode()
    event = AuditEvent.objects.get(action="bank.exported")
    assert event.details["count"] == 3
    assert event.details["topics"] == ["national-law"]
    assert event.details["format"] == fmt
    assert not any(s in json.dumps(event.details) for s in SECRETS)


def test_the_keeper_sees_the_key_on_the_change_page(client, national, keeper):
    client.force_login(keeper)
    response = client.get(f"{QUESTIONS}{national[0].pk}/change/")
    assert response.status_code == 200
    assert SECRETS[0] in response.content.decode()


def test_the_staff_api_never_carries_a_key(client, national, hr):
    client.force_login(hr)
    for url in ("/api/v1/hr/test-results/T1-AAAA-BBBB/", "/api/v1/schema/"):
        response = client.get(url)
        assert _leaks(response) == [], url
