"""The API's shared contract: schema, docs without CDN, one error shape, token auth."""

from __future__ import annotations

import subprocess
import sys

import pytest

from eqyzmet.api_auth import api_token_issue, api_token_revoke
from eqyzmet.models import ApiToken
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.conftest import REPO
from tests.factories import UserFactory, make_state_body

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_valid_and_complete_without_warnings():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            "/dev/null",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_schema_and_docs_are_served_from_our_own_origin(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/vacancies/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the split view loads its script as a file (CSP)


def test_errors_have_one_shape_with_a_translated_message(client):
    response = client.get("/api/v1/me/applications/", headers={"accept-language": "ru"})
    assert response.status_code in (401, 403)
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "not_authenticated"
    assert "Учетные данные" in body["message"] or "учетные" in body["message"].lower()


def test_not_found_has_the_same_shape(client):
    response = client.get("/api/v1/competitions/999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _officer():
    body = make_state_body()
    from eqyzmet.services import roles_setup

    roles_setup()
    user = UserFactory()
    staff_assign(user=user, role=Role.HR_OFFICER, state_body=body)
    return user, body


def test_a_token_authenticates_and_is_stored_only_as_a_hash(client):
    user, body = _officer()
    token, plain = api_token_issue(name="HR system", user=user, state_body=body, actor=user)
    secret = plain.split(".", 1)[1]
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    response = client.get("/api/v1/me/applications/", headers={"authorization": f"Token {plain}"})
    assert response.status_code == 200


def test_a_wrong_or_revoked_token_is_refused(client):
    user, body = _officer()
    token, plain = api_token_issue(name="HR system", user=user, state_body=body, actor=user)
    bad = plain[:-2] + ("aa" if not plain.endswith("aa") else "bb")
    assert (
        client.get(
            "/api/v1/me/applications/", headers={"authorization": f"Token {bad}"}
        ).status_code
        == 401
    )
    api_token_revoke(token=token, actor=user)
    response = client.get("/api/v1/me/applications/", headers={"authorization": f"Token {plain}"})
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
