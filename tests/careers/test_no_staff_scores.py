"""Staff never see a match score (issue 17): matching must not become a back door to identity
or a pre-ranking of applicants.

Distinctive match scores, bands, reasons and preferences are planted for candidates who also
apply in a competition that runs to its ranking lock; then a crawler signed in as each staff
role (HR officer, commission member, observer, ethics commissioner) and as a superuser in the
admin follows every page, admin changelist and change page, API response and export it can
reach, and no byte of them may appear. Careers registers no admin for its match models.
"""

from __future__ import annotations

import pytest
from django.contrib import admin

from careers.matching.explain import line_text
from careers.models_matching import Match, MatchAlert, MatchPreference
from tests.factories import UserFactory
from tests.recruitment.crawler import crawl
from tests.recruitment.factories import make_candidate, make_staff
from tests.recruitment.test_leak import STAFF_SEEDS, _run_to_lock

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCORE = 0.913579
REASON_MARKER = "Matchreason-Qzx"
REGION_MARKER = "Matchregion-Wvb"
MARKERS = (
    "0.913579",
    "0,913579",
    "91.36",
    "91,36",
    REASON_MARKER,
    REGION_MARKER,
    "Strong match",
    "Posts you can win",
)


def _plant(candidates, vacancy_id: int) -> None:
    for n, candidate in enumerate(candidates):
        Match.objects.create(
            user=candidate.user,
            vacancy_id=vacancy_id,
            score=SCORE,
            band=Match.Band.STRONG,
            explanation=[
                {"key": "region", "params": {"region": f"{REASON_MARKER}{n}"}},
                {"key": "post_field", "params": {"field": REASON_MARKER}},
            ],
            model_version="match-1",
        )
        MatchPreference.objects.create(
            user=candidate.user, regions=[REGION_MARKER], alerts_enabled=True
        )
        MatchAlert.objects.create(user=candidate.user, vacancy_id=vacancy_id)


def _check(leaks: list[str], who: str):
    def check(url: str, body: bytes) -> None:
        text = body.decode("utf-8", "replace")
        for marker in MARKERS:
            if marker in text:
                leaks.append(f"{who} saw {marker!r} at {url}")

    return check


def test_careers_registers_no_admin_for_matches():
    for model in (Match, MatchPreference, MatchAlert):
        assert not admin.site.is_registered(model)
    assert not any(
        m._meta.app_label == "careers" and "match" in m._meta.model_name
        for m in admin.site._registry
    )


def test_no_staff_page_api_or_export_shows_a_match_score(client, roles):
    staff = make_staff()
    candidates = [make_candidate(private_years=1) for _ in range(4)]
    competition, _applications = _run_to_lock(staff, candidates)
    _plant(candidates, competition.vacancies.get().pk)
    # The planted rows are there, and a page saying a reason would show the marker.
    assert Match.objects.filter(score=SCORE).count() == 4
    said = line_text(Match.objects.filter(score=SCORE).first().explanation[0])
    assert REASON_MARKER in said

    leaks: list[str] = []
    extra = (
        f"/api/v1/hr/competitions/{competition.pk}/applications/",
        "/api/v1/competitions/",
        "/api/schema/",
        *(seed.replace("/kk/", "/en/") for seed in STAFF_SEEDS if seed.startswith("/kk/")),
    )
    visited = {}
    roles_to_crawl = {
        "hr_officer": staff.hr,
        "commission_member": staff.members[0],
        "observer": staff.observer,
        "ethics_commissioner": staff.ethics,
    }
    for role, user in roles_to_crawl.items():
        client.force_login(user)
        client.cookies["eqyzmet_language"] = "en"
        visited[role] = crawl(client, [*STAFF_SEEDS, *extra], check=_check(leaks, role))
        client.logout()

    # The whole admin as a superuser: every registered model's changelist and the change
    # page of its first row (what no HR officer's crawl may reach is checked here too).
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.cookies["eqyzmet_language"] = "en"
    check = _check(leaks, "superuser")
    visited["superuser"] = []
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages = [base]
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if first is not None:
            pages.append(f"{base}{first}/change/")
        for url in pages:
            response = client.get(url)
            assert response.status_code in (200, 302, 403), url
            check(url, response.content)
            visited["superuser"].append(url)
    assert not leaks, "\n".join(leaks[:20])

    # The crawl reached the surfaces it is meant to check.
    assert any(u.startswith("/admin/recruitment/application/") for u in visited["hr_officer"])
    assert any("/api/v1/hr/" in u for u in visited["hr_officer"])
    assert any("/staff/commission/" in u for u in visited["commission_member"])
    assert any("/staff/observe/" in u for u in visited["observer"])
    assert any("/change/" in u for u in visited["superuser"])
