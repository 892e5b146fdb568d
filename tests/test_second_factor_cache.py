"""Whether a person must give a second factor is asked on every request, so it is cached;
anything that changes the answer changes it on the very next request, not minutes later."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import PASSWORD, UserFactory, make_state_body

pytestmark = pytest.mark.django_db

PAGE = "/en/my/applications/"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.EQYZMET_STAFF_2FA = True


@pytest.fixture
def candidate(roles):
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    return user


def _sent_to_second_factor(response) -> bool:
    return response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_a_candidates_second_request_asks_nothing_about_devices(client, candidate):
    client.login(username=candidate.email, password=PASSWORD)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/")
    # The rule is cached; without it each request read every kind of device (TOTP, static).
    assert [q["sql"] for q in queries.captured_queries if "otp_" in q["sql"]] == []


def test_a_role_that_needs_a_second_factor_applies_on_the_next_request(client, candidate):
    client.login(username=candidate.email, password=PASSWORD)
    assert not _sent_to_second_factor(client.get(PAGE))
    staff_assign(user=candidate, role=Role.HR_OFFICER, state_body=make_state_body())
    assert _sent_to_second_factor(client.get(PAGE))


def test_a_role_given_through_the_group_applies_on_the_next_request(client, candidate):
    client.login(username=candidate.email, password=PASSWORD)
    assert not _sent_to_second_factor(client.get(PAGE))
    Group.objects.get(name=Role.COMMISSION_MEMBER.value).user_set.add(candidate)
    assert _sent_to_second_factor(client.get(PAGE))


def test_a_candidate_who_opts_in_is_asked_for_the_code_on_the_next_request(client, candidate):
    client.login(username=candidate.email, password=PASSWORD)
    assert not _sent_to_second_factor(client.get(PAGE))
    TOTPDevice.objects.create(user=candidate, name="phone", confirmed=True)
    assert _sent_to_second_factor(client.get(PAGE))


def test_becoming_staff_in_the_admin_applies_on_the_next_request(client, candidate):
    client.login(username=candidate.email, password=PASSWORD)
    assert not _sent_to_second_factor(client.get(PAGE))
    candidate.is_staff = True
    candidate.save(update_fields=["is_staff"])
    assert _sent_to_second_factor(client.get(PAGE))
