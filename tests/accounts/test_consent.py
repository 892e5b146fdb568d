"""Consent to the privacy notice: required at registration, recorded with its version,
shown on the account page, and asked again when the notice's version changes."""

from __future__ import annotations

import pytest
from django.core import mail

from eqyzmet.accounts.consent import consent_record
from eqyzmet.models import Consent, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Steppe-Horizon-2026"


def _register(client, **extra):
    data = {"email": "aruzhan@example.kz", "password1": GOOD_PASSWORD}
    data["password2"] = GOOD_PASSWORD
    data.update(extra)
    return client.post("/en/accounts/register/", data, REMOTE_ADDR="203.0.113.7")


def test_registration_without_consent_is_refused_and_creates_nothing(client):
    response = _register(client)
    assert response.status_code == 200
    assert "You must agree to the privacy notice to register." in response.content.decode()
    assert not User.objects.filter(email="aruzhan@example.kz").exists()
    assert mail.outbox == []


def test_registration_records_the_consent_with_the_notice_version(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-7"
    assert _register(client, consent="on").status_code == 302
    consent = Consent.objects.get(user__email="aruzhan@example.kz")
    assert consent.version == "2026-7"
    # The address is kept only as a keyed hash.
    assert len(consent.ip_hash) == 64 and "203.0.113.7" not in consent.ip_hash


def test_the_registration_page_and_the_footer_link_to_the_privacy_notice(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-7"
    page = client.get("/en/accounts/register/").content.decode()
    assert page.count('href="/en/accounts/privacy/"') >= 2  # the form and the footer
    assert "I have read the privacy notice" in page
    notice = client.get("/en/accounts/privacy/")
    assert notice.status_code == 200
    text = notice.content.decode()
    assert "Version 2026-7" in text
    assert "5 years after the competition ends" in text


@pytest.mark.parametrize(
    ("lang", "title"),
    [("kk", "Құпиялылық туралы хабарлама"), ("ru", "Уведомление о конфиденциальности")],
)
def test_the_privacy_notice_is_published_in_kazakh_and_russian(client, lang, title):
    response = client.get(f"/{lang}/accounts/privacy/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'lang="{lang}"' in page
    assert title in page


def test_the_account_page_shows_the_consent_and_its_version(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-1"
    user = UserFactory()
    consent_record(user=user, version="2026-1")
    client.force_login(user)
    page = client.get("/en/accounts/account/").content.decode()
    assert "You agreed to version 2026-1 of the privacy notice" in page
    assert "The privacy notice has changed" not in page


def test_a_new_notice_version_is_accepted_before_the_candidate_pages_open(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-1"
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    consent_record(user=user, version="2026-1")
    client.force_login(user)
    assert client.get("/en/my/applications/").status_code == 200

    settings.PRIVACY_NOTICE_VERSION = "2026-2"
    response = client.get("/en/my/applications/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/account/consent/?next=%2Fen%2Fmy%2Fapplications%2F"
    # Public pages and the account itself stay open.
    assert client.get("/en/vacancies/").status_code == 200
    assert client.get("/en/accounts/account/").status_code == 200
    prompt = client.get(response["Location"]).content.decode()
    assert "You agreed to version 2026-1; please read version 2026-2" in prompt

    not_ticked = client.post(response["Location"], {"next": "/en/my/applications/"})
    assert "Tick the box to agree to the privacy notice." in not_ticked.content.decode()
    assert client.get("/en/my/applications/").status_code == 302

    agreed = client.post(response["Location"], {"agree": "on", "next": "/en/my/applications/"})
    assert agreed.status_code == 302 and agreed["Location"] == "/en/my/applications/"
    assert list(Consent.objects.filter(user=user).values_list("version", flat=True)) == [
        "2026-2",
        "2026-1",
    ]
    assert client.get("/en/my/applications/").status_code == 200


def test_the_prompt_survives_signing_in_again(client, settings):
    settings.PRIVACY_NOTICE_VERSION = "2026-2"
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    consent_record(user=user, version="2026-1")
    client.force_login(user)
    assert client.get("/en/my/profile/").status_code == 302


def test_the_consent_page_sends_nobody_to_another_site(client, settings):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/en/accounts/account/consent/", {"agree": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/en/accounts/account/"
