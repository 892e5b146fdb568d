"""Staff sign in with a second factor (TOTP); candidates may opt in."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import PASSWORD, UserFactory, make_state_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.EQYZMET_STAFF_2FA = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def officer(roles):
    user = UserFactory()
    staff_assign(user=user, role=Role.HR_OFFICER, state_body=make_state_body())
    return user


def test_a_staff_member_is_sent_to_set_up_a_second_factor(client, officer):
    client.login(username=officer.email, password=PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/setup/" in response["Location"]
    assert client.get("/kk/staff/observe/").status_code == 302


def test_setting_up_the_authenticator_opens_the_admin(client, officer):
    client.login(username=officer.email, password=PASSWORD)
    page = client.get("/en/accounts/2fa/setup/")
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/en/accounts/2fa/setup/", {"token": "000000"})
    assert b"not right" in wrong.content
    device.refresh_from_db()
    device.throttle_reset()  # as if the officer waited out the short delay after a mistake
    client.post("/en/accounts/2fa/setup/", {"token": _code(device), "next": "/admin/"})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


def test_a_new_session_must_enter_the_code(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.login(username=officer.email, password=PASSWORD)
    response = client.get("/admin/")
    assert "/accounts/2fa/verify/" in response["Location"]
    client.post("/en/accounts/2fa/verify/", {"token": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_repeated_wrong_codes_are_throttled(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.login(username=officer.email, password=PASSWORD)
    for _ in range(3):
        client.post("/en/accounts/2fa/verify/", {"token": "000000"})
    response = client.post("/en/accounts/2fa/verify/", {"token": _code(device)})
    assert b"Too many wrong codes" in response.content
    assert client.get("/admin/").status_code == 302


def test_session_api_calls_by_staff_without_the_second_factor_are_refused(client, officer):
    client.login(username=officer.email, password=PASSWORD)
    response = client.get("/api/v1/me/applications/")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_a_candidate_is_not_forced_but_may_opt_in(client, roles):
    candidate = UserFactory()
    staff_assign(user=candidate, role=Role.CANDIDATE, state_body=None)
    client.login(username=candidate.email, password=PASSWORD)
    assert client.get("/kk/").status_code == 200
    TOTPDevice.objects.create(user=candidate, name="app", confirmed=True)
    client.logout()
    client.login(username=candidate.email, password=PASSWORD)
    assert "/accounts/2fa/verify/" in client.get("/kk/").get("Location", "")
