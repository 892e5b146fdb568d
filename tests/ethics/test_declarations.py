"""Commissioners see and search conflict-of-interest declarations of their bodies only."""

from __future__ import annotations

import pytest

from recruitment import services
from tests.recruitment.factories import make_competition, make_staff

pytestmark = pytest.mark.django_db


def test_declarations_of_my_bodies_are_listed_and_searchable(
    client, roles, django_assert_max_num_queries
):
    staff = make_staff()
    competition = make_competition(staff=staff)
    seat = competition.commission.first()
    services.commission_declare(
        member=seat, has_conflict=True, statement="My nephew is a candidate"
    )
    other = make_staff()
    foreign = make_competition(staff=other)

    client.force_login(staff.ethics)
    with django_assert_max_num_queries(12):
        page = client.get("/en/ethics/dashboard/declarations/").content.decode()
    assert competition.number in page
    assert "My nephew is a candidate" in page
    assert foreign.number not in page
    found = client.get("/en/ethics/dashboard/declarations/", {"q": "no-such-number"})
    assert competition.number not in found.content.decode()


def test_only_ethics_commissioners_open_the_declarations(client, roles):
    staff = make_staff()
    client.force_login(staff.hr)
    assert client.get("/en/ethics/dashboard/declarations/").status_code == 403
    client.logout()
    assert client.get("/en/ethics/dashboard/declarations/").status_code == 302
