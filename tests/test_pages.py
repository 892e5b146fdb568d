"""The public pages: translated home page in three languages, switching, sign-in, health."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HEADINGS = {
    "kk": "Мемлекеттік қызметке өз біліміңізбен келіңіз",
    "ru": "Поступайте на госслужбу по заслугам",
    "en": "Join the civil service on merit",
}


@pytest.mark.parametrize(("lang", "heading"), HEADINGS.items())
def test_home_page_is_translated(client, lang, heading):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert f'<html lang="{lang}">' in html


def test_root_redirects_to_the_visitors_language(client):
    response = client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_every_page_offers_the_three_languages(client):
    html = client.get("/en/").content.decode()
    for code in ("kk", "ru", "en"):
        assert f'name="language" value="{code}"' in html


def test_switching_language_keeps_the_visitor_on_the_same_page(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/en/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/ru/accounts/login/"
    assert client.cookies["eqyzmet_language"].value == "ru"


def test_home_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/kk/")


def test_sign_in_with_email_and_password(client):
    user = UserFactory(email="aidana@example.kz")
    response = client.post(
        reverse("login"), {"username": "Aidana@Example.kz", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_wrong_password_is_refused_with_a_translated_message(client):
    UserFactory(email="aidana@example.kz")
    response = client.post(
        "/ru/accounts/login/", {"username": "aidana@example.kz", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # Our catalogue words it (Django has no Kazakh for it, so both languages come from us).
    assert "Введите правильные" in response.content.decode()


def test_health_endpoint_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_admin_requires_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_user_accounts_are_hidden_from_hr_officers_in_the_admin(client, roles):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from tests.factories import make_state_body

    officer = UserFactory()
    staff_assign(user=officer, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(officer)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/eqyzmet/user/").status_code == 403
    assert client.get("/admin/eqyzmet/staffassignment/").status_code == 403


def test_switching_language_refuses_to_redirect_off_site(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/en/"})
    assert response["Location"] == "/en/"
    assert "eqyzmet_language" not in client.cookies


def test_a_signed_in_person_keeps_the_chosen_language(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "ru", "next": "/kk/"})
    user.refresh_from_db()
    assert user.language == "ru"


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/kk/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
