"""Registration, e-mail confirmation, password reset and the sign-in lockout."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.models import AuditEvent, User
from eqyzmet.roles import Role
from eqyzmet.selectors import user_has_role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Steppe-Horizon-2026"


def _register(client, email="new.candidate@example.kz", password=GOOD_PASSWORD, lang="en"):
    return client.post(
        f"/{lang}/accounts/register/",
        {"email": email, "password1": password, "password2": password, "consent": "on"},
    )


def _page(client, url: str) -> str:
    """The page as a visitor reads it (the per-response CSRF mask aside)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", client.get(url).content.decode())


def _confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm/\S+/", message.body).group(0)


def test_registration_creates_an_unconfirmed_candidate_and_mails_a_link(client):
    response = _register(client, email="New.Candidate@Example.kz")
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/register/done/")
    user = User.objects.get(email="new.candidate@example.kz")
    assert user.check_password(GOOD_PASSWORD)
    assert user_has_role(user=user, role=Role.CANDIDATE)
    assert not email_is_confirmed(user=user)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.candidate@example.kz"]
    event = AuditEvent.objects.get(action="account.registered")
    assert "example.kz" not in str(event.details)


def test_following_the_link_confirms_the_address_and_the_person_can_sign_in(client):
    _register(client)
    link = _confirmation_link(mail.outbox[0])
    client.logout()
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 200  # a button, not a side effect of GET
    user = User.objects.get(email="new.candidate@example.kz")
    assert not email_is_confirmed(user=user)
    response = client.post(path)
    assert response.status_code == 302
    assert email_is_confirmed(user=user)
    response = client.post(
        "/en/accounts/login/",
        {"username": "new.candidate@example.kz", "password": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/en/my/profile/").status_code == 200


def test_a_tampered_confirmation_link_is_refused_with_a_message(client):
    _register(client)
    path = _confirmation_link(mail.outbox[0]).split("testserver", 1)[1]
    response = client.post(path.replace("/confirm/", "/confirm/x"))
    assert response.status_code == 400
    assert "This confirmation link is not valid" in response.content.decode()
    assert not email_is_confirmed(user=User.objects.get(email="new.candidate@example.kz"))


def test_an_unconfirmed_person_can_ask_for_the_link_again(client):
    _register(client)
    client.login(username="new.candidate@example.kz", password=GOOD_PASSWORD)
    response = client.post("/en/accounts/confirm/resend/", follow=True)
    assert len(mail.outbox) == 2
    assert "We have sent a new confirmation link" in response.content.decode()


def test_registration_refuses_a_weak_password(client):
    response = _register(client, password="12345678")
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_registering_a_taken_address_looks_like_a_new_registration_and_warns_the_owner(
    client,
):
    owner = UserFactory(email="taken@example.kz")
    new = _register(client, email="fresh@example.kz")
    client.logout()
    taken = _register(client, email="TAKEN@example.kz")
    # The visitor cannot tell the two apart: same answer, same page, nobody signed in.
    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert "_auth_user_id" not in client.session
    assert "sessionid" not in taken.cookies and "sessionid" not in new.cookies
    assert _page(client, taken["Location"]) == _page(client, new["Location"])
    # The owner's account is untouched and the owner hears of the attempt.
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert User.objects.filter(email__iexact="taken@example.kz").count() == 1
    assert not AuditEvent.objects.filter(action="account.registered", target_id=str(owner.pk))
    notice = mail.outbox[-1]
    assert notice.to == ["taken@example.kz"]
    assert "tried to register" in notice.subject
    assert "You already have an account" in notice.body
    assert "/accounts/login/" in notice.body and "/accounts/password/reset/" in notice.body


def test_a_new_registration_does_not_sign_the_visitor_in(client):
    response = _register(client)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_password_reset_page_answers_the_same_for_known_and_unknown_addresses(client):
    UserFactory(email="known@example.kz")
    known = client.post("/en/accounts/password/reset/", {"email": "known@example.kz"})
    unknown = client.post("/en/accounts/password/reset/", {"email": "nobody@example.kz"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert _page(client, known["Location"]) == _page(client, unknown["Location"])


def test_password_reset_mails_a_working_link(client):
    user = UserFactory(email="forgetful@example.kz")
    response = client.post("/en/accounts/password/reset/", {"email": "forgetful@example.kz"})
    assert response.status_code == 302
    assert response["Location"].endswith("/accounts/password/reset/sent/")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/\S+/accounts/password/reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.kz"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_five_wrong_passwords_lock_out_the_address_from_that_ip_for_an_hour(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(email="target@example.kz")
    for _attempt in range(4):
        response = client.post(
            "/en/accounts/login/", {"username": "target@example.kz", "password": "wrong-guess"}
        )
        assert response.status_code == 200
    response = client.post(
        "/en/accounts/login/", {"username": "Target@Example.kz", "password": "wrong-guess"}
    )
    assert response.status_code == 429
    assert "Sign-in temporarily locked" in response.content.decode()
    # Even the right password is refused while locked out...
    response = client.post(
        "/en/accounts/login/", {"username": "target@example.kz", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but only for this address from this IP address.
    other = UserFactory(email="bystander@example.kz")
    response = client.post("/en/accounts/login/", {"username": other.email, "password": PASSWORD})
    assert response.status_code == 302


def test_the_lockout_page_is_translated(client, settings):
    settings.AXES_ENABLED = True
    UserFactory(email="target@example.kz")
    for _attempt in range(5):
        response = client.post(
            "/ru/accounts/login/", {"username": "target@example.kz", "password": "wrong-guess"}
        )
    assert response.status_code == 429
    assert 'lang="ru"' in response.content.decode()


def test_the_test_client_login_still_works_with_the_lockout_backend(client):
    user = UserFactory()
    assert client.login(username=user.email, password=PASSWORD)
