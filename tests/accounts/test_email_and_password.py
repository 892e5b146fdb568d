"""Changing the e-mail address (only through a link sent to the new one) and the password
(only with the current one; other sessions signed out)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from eqyzmet.accounts import services
from eqyzmet.models import AuditEvent, User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Steppe-Horizon-2027"


def _ask(client, new_email, password=PASSWORD):
    return client.post(
        "/en/accounts/account/email/",
        {"new_email": new_email, "password": password},
        follow=True,
    )


def _link_path(message) -> str:
    url = re.search(r"https?://\S+/accounts/account/email/confirm/\S+/", message.body).group(0)
    return url.split("testserver", 1)[1]


def test_the_address_changes_only_after_the_link_sent_to_it_is_followed(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="old@example.kz")
    client.force_login(user)
    page = _ask(client, "New@Example.kz").content.decode()
    assert "We have sent a link to new@example.kz" in page
    user.refresh_from_db()
    assert user.email == "old@example.kz"
    assert [m.to for m in mail.outbox] == [["new@example.kz"]]
    path = _link_path(mail.outbox[0])

    assert client.get(path).status_code == 200  # a button, not a side effect of GET
    user.refresh_from_db()
    assert user.email == "old@example.kz"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.kz"
    notice = mail.outbox[-1]
    assert notice.to == ["old@example.kz"]
    assert "new@example.kz" in notice.body
    assert AuditEvent.objects.filter(action="account.email_changed", actor_id=user.pk).exists()
    assert "example.kz" not in str(AuditEvent.objects.values_list("details", flat=True))
    # The same link cannot be used again: the address it was issued for is gone.
    assert client.post(path).status_code == 400


def test_an_address_of_another_account_gets_the_same_answer_and_no_link(client):
    UserFactory(email="taken@example.kz")
    user = UserFactory(email="me@example.kz")
    client.force_login(user)
    taken_page = _ask(client, "taken@example.kz").content.decode()
    free_page = _ask(client, "free@example.kz").content.decode()
    expected = "We have sent a link to %s. Your address changes when you follow it."
    assert expected % "taken@example.kz" in taken_page
    assert expected % "free@example.kz" in free_page
    warning, link = mail.outbox
    # The owner of the taken address is warned and gets no link; nothing changes.
    assert warning.to == ["taken@example.kz"]
    assert "/accounts/account/email/confirm/" not in warning.body
    assert "already have an account" in warning.body
    assert link.to == ["free@example.kz"]
    user.refresh_from_db()
    assert user.email == "me@example.kz"


def test_a_wrong_current_password_sends_nothing(client):
    user = UserFactory()
    client.force_login(user)
    page = _ask(client, "new@example.kz", password="not-my-password").content.decode()
    assert "The password is not correct." in page
    assert mail.outbox == []


def test_a_tampered_link_is_refused_and_changes_nothing(client):
    user = UserFactory(email="old@example.kz")
    token = services.email_change_token(user=user, new_email="new@example.kz")
    # Someone swaps in the payload of another address, keeping the signature.
    other = services.email_change_token(user=user, new_email="evil@example.kz")
    payload, _rest = other.split(":", 1)
    forged = payload + ":" + token.split(":", 1)[1]
    assert forged != token
    response = client.post(f"/en/accounts/account/email/confirm/{forged}/")
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "old@example.kz"


def test_an_expired_link_is_refused_and_changes_nothing(client):
    user = UserFactory(email="old@example.kz")
    with time_machine.travel(timezone.now() - dt.timedelta(hours=25)):
        token = services.email_change_token(user=user, new_email="new@example.kz")
    response = client.post(f"/en/accounts/account/email/confirm/{token}/")
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "old@example.kz"


def test_a_link_whose_address_was_taken_meanwhile_is_refused(client):
    user = UserFactory(email="old@example.kz")
    token = services.email_change_token(user=user, new_email="new@example.kz")
    UserFactory(email="new@example.kz")
    response = client.post(f"/en/accounts/account/email/confirm/{token}/")
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "old@example.kz"


def test_changing_the_password_needs_the_current_one_and_signs_out_other_sessions(client):
    user = UserFactory()
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)

    refused = client.post(
        "/en/accounts/account/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert refused.status_code == 200
    assert "Your old password was entered incorrectly" in refused.content.decode()
    weak = client.post(
        "/en/accounts/account/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "This password is too common" in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    done = client.post(
        "/en/accounts/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # This session goes on; the other one is signed out.
    assert client.get("/en/accounts/account/").status_code == 200
    other = elsewhere.get("/en/accounts/account/")
    assert other.status_code == 302 and "/accounts/login/" in other["Location"]
    assert AuditEvent.objects.filter(action="account.password_changed").count() == 1
    assert User.objects.get(pk=user.pk).is_active
