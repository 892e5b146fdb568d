"""Staff sign in with a second factor (TOTP); candidates may opt in."""

from __future__ import annotations

import base64
import re

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


def test_the_manual_key_is_base32_in_groups_of_four(client, officer):
    client.login(username=officer.email, password=PASSWORD)
    page = client.get("/en/accounts/2fa/setup/").content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    shown = re.search(r"<code[^>]*>([^<]+)</code>", page).group(1)
    assert shown.replace(" ", "") == base64.b32encode(device.bin_key).decode().rstrip("=")
    assert all(len(group) == 4 for group in shown.split(" ")[:-1])
    assert device.key not in page


def test_a_password_session_cannot_set_up_a_new_app_over_a_confirmed_one(client, officer):
    owners = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.login(username=officer.email, password=PASSWORD)
    response = client.get("/en/accounts/2fa/setup/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/en/accounts/2fa/verify/")
    assert "already have an authenticator" in response.content.decode()
    assert list(TOTPDevice.objects.filter(user=officer)) == [owners]


def test_replacing_the_app_needs_the_current_code_and_is_audited(client, officer):
    from eqyzmet.models import AuditEvent

    old = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.login(username=officer.email, password=PASSWORD)
    client.post("/en/accounts/2fa/verify/", {"token": _code(old)})
    page = client.get("/en/accounts/2fa/setup/")
    assert page.status_code == 200 and b"current_token" in page.content
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    refused = client.post(
        "/en/accounts/2fa/setup/", {"current_token": "000000", "token": _code(new)}
    )
    assert b"current app is not right" in refused.content
    assert TOTPDevice.objects.get(pk=old.pk).confirmed
    new.refresh_from_db()
    assert not new.confirmed
    old.refresh_from_db()
    old.throttle_reset()
    old.last_t = -1
    old.save()
    new.last_t = -1
    new.save()
    client.post("/en/accounts/2fa/setup/", {"current_token": _code(old), "token": _code(new)})
    assert list(TOTPDevice.objects.filter(user=officer).values_list("pk", flat=True)) == [new.pk]
    assert AuditEvent.objects.filter(action="second_factor.replaced", actor_id=officer.pk).exists()
    assert client.get("/admin/").status_code == 200


def test_a_path_that_merely_contains_an_open_address_is_still_guarded(client, officer):
    client.login(username=officer.email, password=PASSWORD)
    for path in (
        "/admin/eqyzmet/statebody/1/accounts/2fa/change/",
        "/admin/eqyzmet/statebody/1/admin/logout/change/",
        "/en/staff/observe/accounts/logout/",
        "/healthzx/admin/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/accounts/2fa/" in response["Location"], path


def test_the_next_address_survives_the_detour_intact_and_stays_on_this_site(client, officer):
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    client.login(username=officer.email, password=PASSWORD)
    response = client.get("/en/staff/observe/?page=2&next=https://evil.example/")
    location = response["Location"]
    assert location.startswith("/en/accounts/2fa/verify/?next=")
    assert location.count("next=") == 1 and "&" not in location
    done = client.post(location, {"token": _code(device)})
    assert done["Location"] == "/en/staff/observe/?page=2&next=https://evil.example/"
    client.logout()
    client.login(username=officer.email, password=PASSWORD)
    device.last_t = -1
    device.save()
    away = client.post(
        "/en/accounts/2fa/verify/?next=https://evil.example/", {"token": _code(device)}
    )
    assert away["Location"] == "/"
