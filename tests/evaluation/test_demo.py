"""The demo seed: a unit with a year of history, idempotent, with one unused rating code."""

from __future__ import annotations

import io

import pytest

from eqyzmet import demo as kernel_demo
from evaluation import demo, services
from evaluation.models import Assessment, CitizenRatingLink, Cycle

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_four_quarters_once_and_prints_an_unused_rating_code(client, roles):
    kernel_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert Cycle.objects.filter(state_body__code="mdai-egov").count() == 4
    assert Assessment.objects.filter(status__in=["acknowledged", "reviewed"]).count() >= 10
    assert Assessment.objects.filter(
        employee__user__email="employee@demo.eqyzmet.kz", status="open"
    ).exists()
    counts = (Assessment.objects.count(), CitizenRatingLink.objects.count())
    again = io.StringIO()
    demo.seed(again)
    assert (Assessment.objects.count(), CitizenRatingLink.objects.count()) == counts
    assert f"code {demo.DEMO_RATING_CODE}" in again.getvalue()
    link = services.citizen_link_find(demo.DEMO_RATING_CODE)
    assert link.rated_at is None
    # The employee's history chart has real points.
    from eqyzmet.models import User

    client.force_login(User.objects.get(email="employee@demo.eqyzmet.kz"))
    page = client.get("/kk/evaluation/my/").content.decode()
    assert page.count("<circle") == 3
    client.force_login(User.objects.get(email="manager@demo.eqyzmet.kz"))
    assert client.get("/kk/evaluation/unit/").status_code == 200
