"""Fixtures for the ethics tests: bodies, people in each role, private media in tmp."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import UserFactory, make_state_body


@pytest.fixture(autouse=True)
def _private_media_and_clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ministry(roles):
    return make_state_body()


@pytest.fixture
def department(ministry):
    return make_state_body(parent=ministry)


@pytest.fixture
def other_ministry(roles):
    return make_state_body()


def _person(role, body=None):
    user = UserFactory()
    if role is not None:
        staff_assign(user=user, role=role, state_body=body)
    return user


@pytest.fixture
def commissioner(ministry):
    return _person(Role.ETHICS_COMMISSIONER, ministry)


@pytest.fixture
def other_commissioner(other_ministry):
    return _person(Role.ETHICS_COMMISSIONER, other_ministry)


@pytest.fixture
def hr_officer(ministry):
    return _person(Role.HR_OFFICER, ministry)


@pytest.fixture
def candidate(roles):
    return _person(Role.CANDIDATE)


CLIENT_IP = "203.0.113.77"
USER_AGENT = "Mozilla/5.0 (X11) UniqueTestAgent/9.9.1"


@pytest.fixture
def reporter_client(client):
    """An anonymous visitor with a distinctive address and browser, to hunt for later."""
    client.defaults["REMOTE_ADDR"] = CLIENT_IP
    client.defaults["HTTP_USER_AGENT"] = USER_AGENT
    return client


def all_ethics_rows_text() -> str:
    """Every column of every row of every ethics table, plus the audit ledger and sessions."""
    from django.apps import apps
    from django.db import connection

    tables = [m._meta.db_table for m in apps.get_app_config("ethics").get_models()]
    tables += ["eqyzmet_auditevent", "django_session"]
    chunks = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)
