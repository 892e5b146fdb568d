"""The demo seed: a unit with a year of history, idempotent, with one unused rating code."""

from __future__ import annotations

import io

import pytest

from eqyzmet import demo as kernel_demo
from evaluation import demo, services
from evaluation.models import Assessment, CitizenRatingLink, Cycle
from evaluation.models_development import CourseCompletion, DevelopmentPlan

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_four_quarters_once_and_prints_an_unused_rating_code(client, roles):
    kernel_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert Cycle.objects.filter(state_body__code="mdai-egov", kind="quarter").count() == 4
    # The first demo year's annual result drafted development plans, at different stages.
    plans = DevelopmentPlan.objects.filter(employee__state_body__code="mdai-egov")
    assert plans.count() >= 3
    assert {p.status for p in plans} >= {"draft", "agreed"}
    assert plans.get(employee__user__email="employee@demo.eqyzmet.kz").status == "draft"
    assert Assessment.objects.filter(status__in=["acknowledged", "reviewed"]).count() >= 10
    assert Assessment.objects.filter(
        employee__user__email="employee@demo.eqyzmet.kz", status="open"
    ).exists()
    counts = (
        Assessment.objects.count(),
        CitizenRatingLink.objects.count(),
        DevelopmentPlan.objects.count(),
        CourseCompletion.objects.count(),
    )
    again = io.StringIO()
    demo.seed(again)
    assert (
        Assessment.objects.count(),
        CitizenRatingLink.objects.count(),
        DevelopmentPlan.objects.count(),
        CourseCompletion.objects.count(),
    ) == counts
    assert f"code {demo.DEMO_RATING_CODE}" in again.getvalue()
    link = services.citizen_link_find(demo.DEMO_RATING_CODE)
    assert link.rated_at is None
    # The employee's history chart has real points.
    from eqyzmet.models import User

    client.force_login(User.objects.get(email="employee@demo.eqyzmet.kz"))
    page = client.get("/kk/evaluation/my/").content.decode()
    assert page.count("<circle") == 3
    client.force_login(User.objects.get(email="manager@demo.eqyzmet.kz"))
    unit = client.get("/en/evaluation/unit/").content.decode()
    assert "Anti-corruption standards" in unit  # employee@ has not done it: overdue
    team = client.get("/en/evaluation/unit/development/")
    assert team.status_code == 200 and "employee@demo.eqyzmet.kz" in team.content.decode()


def test_the_demo_gives_the_authorised_body_totals_to_see_and_withholds_small_ones(
    client, roles, settings, tmp_path
):
    from eqyzmet.models import User
    from eqyzmet.roles import Role

    settings.MEDIA_ROOT = tmp_path / "media"
    kernel_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    authorised = User.objects.get(email="authorised@demo.eqyzmet.kz")
    assert authorised.groups.filter(name=Role.AUTHORISED_BODY.value).exists()
    year = DevelopmentPlan.objects.order_by("year").values_list("year", flat=True).first()
    counts = (DevelopmentPlan.objects.count(), CourseCompletion.objects.count())
    demo.seed(io.StringIO())  # the cohort is seeded once
    assert (DevelopmentPlan.objects.count(), CourseCompletion.objects.count()) == counts
    client.force_login(authorised)
    page = client.get(f"/en/evaluation/development/overview/?year={year}").content.decode()
    # The finance bodies have 7 and 6 people: their totals show and are drawn.
    assert "<title>Ministry of Finance: " in page
    assert "<title>State Revenue Committee: " in page
    # The E-Government Department's figures rest on fewer than five people each.
    assert "E-Government Department: fewer than 5 employees" in page
    assert "<title>E-Government Department" not in page
    assert "@cohort.eqyzmet.kz" not in page and "@demo.eqyzmet.kz" not in page.split("</nav>")[-1]
