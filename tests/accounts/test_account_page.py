"""The account page: reached from the header, a bounded read; and the demo's "check your
e-mail" page that says where the e-mail went."""

from __future__ import annotations

import pytest

from eqyzmet.accounts.consent import consent_record
from eqyzmet.accounts.views_account import email_goes_to_terminal
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_header_links_to_the_account_page_for_a_signed_in_person(client):
    assert 'href="/en/accounts/account/"' not in client.get("/en/").content.decode()
    user = UserFactory(email="me@example.kz")
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    client.force_login(user)
    assert 'href="/en/accounts/account/"' in client.get("/en/").content.decode()


def test_the_account_page_shows_the_address_and_every_action(client, django_assert_max_num_queries):
    user = UserFactory(email="me@example.kz")
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    consent_record(user=user)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get("/en/accounts/account/")
    page = response.content.decode()
    assert "me@example.kz" in page and "confirmed" in page
    for path in ["email/", "password/", "my-data.json", "delete/"]:
        assert f'href="/en/accounts/account/{path}"' in page


def test_a_person_with_no_consent_on_record_is_invited_to_give_it(client):
    client.force_login(UserFactory())
    page = client.get("/en/accounts/account/").content.decode()
    assert "We have no consent of yours on record." in page


@pytest.mark.parametrize(
    ("debug", "backend", "shown"),
    [
        (True, "django.core.mail.backends.console.EmailBackend", True),
        (False, "django.core.mail.backends.console.EmailBackend", False),
        (True, "django.core.mail.backends.smtp.EmailBackend", False),
    ],
)
def test_only_the_demo_says_the_e_mail_went_to_the_terminal(
    client, settings, debug, backend, shown
):
    settings.DEBUG = debug
    settings.EMAIL_BACKEND = backend
    assert email_goes_to_terminal() is shown
    page = client.get("/en/accounts/register/done/").content.decode()
    assert ("written to the terminal" in page) is shown
