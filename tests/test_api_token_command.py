"""manage.py api_token: issue a token once, list tokens, revoke one; each step audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from eqyzmet.models import ApiToken, AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import UserFactory, make_state_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(roles):
    body = make_state_body()
    user = UserFactory()
    staff_assign(user=user, role=Role.HR_OFFICER, state_body=body)
    return user, body


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_a_token_is_issued_once_works_and_is_revoked(client, officer):
    user, body = officer
    plain, note = _run(
        "issue", "--email", user.email.upper(), "--state-body", body.code, "--name", "HR system"
    )
    prefix = plain.split(".", 1)[0]
    assert "shown once" in note
    token = ApiToken.objects.get(prefix=prefix)
    assert (token.user, token.state_body, token.name) == (user, body, "HR system")
    assert plain.split(".", 1)[1] not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    url = "/api/v1/me/applications/"
    assert client.get(url, headers={"authorization": f"Token {plain}"}).status_code == 200

    listing, _ = _run("list", "--state-body", body.code)
    assert prefix in listing and "active" in listing and plain not in listing

    assert _run("revoke", prefix)[0] == f"Token {prefix} revoked."
    assert client.get(url, headers={"authorization": f"Token {plain}"}).status_code == 401
    assert "revoked" in _run("list")[0]
    assert _run("revoke", prefix)[0] == f"Token {prefix} was already revoked."
    actions = list(
        AuditEvent.objects.filter(action__startswith="api_token.").values_list("action", flat=True)
    )
    assert actions == ["api_token.issued", "api_token.revoked"]


@pytest.mark.parametrize(
    "args",
    [
        ["issue", "--email", "nobody@example.kz", "--state-body", "{body}", "--name", "X"],
        ["issue", "--email", "{email}", "--state-body", "no-such-body", "--name", "X"],
        ["issue", "--email", "{email}", "--state-body", "{body}", "--name", " "],
        ["revoke", "deadbeef"],
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(officer, args):
    user, body = officer
    args = [a.format(email=user.email, body=body.code) for a in args]
    with pytest.raises(CommandError):
        _run(*args)
    assert not ApiToken.objects.exists()
