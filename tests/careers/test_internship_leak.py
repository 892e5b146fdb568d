"""The leak test for internships, in the style of ``tests/recruitment/test_leak.py``: before a
deliberate reveal, no byte of an applicant's personal data reaches any page, admin view,
export or API response a staff role can reach; after the reveal of one shortlisted code
its identity appears, and only its.

Applicants have distinctive names, IINs, e-mails and phones, write them into their
motivation and into their status document, and apply at a distinctive moment.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from careers.internships import services
from careers.models_internships import InternshipIdentity
from tests.careers.internship_factories import apply, close_window, make_internship, status_pdf
from tests.recruitment.crawler import crawl
from tests.recruitment.factories import make_candidate, make_staff
from tests.recruitment.test_leak import STAFF_SEEDS, _variants

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SUBMITTED_AT = dt.datetime(2018, 3, 17, 9, 8, 7, 654321, tzinfo=dt.UTC)
DATE_MARKERS = {
    "submitted_at": re.compile(rf"\b({SUBMITTED_AT.year}|{SUBMITTED_AT.microsecond})\b")
}
INTERNSHIP_SEEDS = (
    "/admin/careers/",
    "/admin/careers/internship/",
    "/admin/careers/internshipapplication/",
    "/admin/careers/internshipreveal/",
    "/kk/careers/internships/",
    "/en/careers/internships/",
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _apply_all(internship, candidates):
    applications = []
    for candidate in candidates:
        writes = (
            f"I am {candidate.full_name}, IIN {candidate.iin}, write to {candidate.email} or "
            f"call {candidate.phone}. I study law and want to see how a ministry works."
        )
        applications.append(
            apply(
                candidate.user,
                internship,
                motivation=writes,
                document=status_pdf(f"{candidate.full_name} {candidate.iin} student"),
            )
        )
    InternshipIdentity.objects.update(submitted_at=SUBMITTED_AT)
    return applications


def _staff(staff):
    return {
        "hr_officer": staff.hr,
        "commission_member": staff.members[0],
        "observer": staff.observer,
        "ethics_commissioner": staff.ethics,
    }


def _crawl_for_leaks(client, user, markers, *, role) -> list[str]:
    leaks: list[str] = []

    def check(url: str, body: bytes) -> None:
        text = body.decode("utf-8", "replace")
        for owner, variants in markers.items():
            leaks.extend(f"{role} saw {v!r} of {owner} at {url}" for v in variants if v in text)
        for what, pattern in DATE_MARKERS.items():
            found = pattern.search(text)
            if found:
                leaks.append(f"{role} saw the {what} {found.group(0)!r} at {url}")

    client.force_login(user)
    visited = crawl(client, [*STAFF_SEEDS, *INTERNSHIP_SEEDS], check=check)
    client.logout()
    assert not leaks, "\n".join(leaks[:20])
    return visited


def _markers(candidates) -> dict[str, set[str]]:
    return {c.full_name: set().union(*(_variants(m) for m in c.markers)) for c in candidates}


def test_no_staff_role_sees_an_applicant_before_the_reveal(client, roles):
    staff = make_staff()
    internship = make_internship(body=staff.body, fields=[])
    candidates = [make_candidate() for _ in range(3)]
    applications = _apply_all(internship, candidates)
    close_window(internship)
    services.internship_decide(
        application=applications[0], actor=staff.hr, status="shortlisted", note="Clear aims"
    )
    services.internship_decide(
        application=applications[1], actor=staff.hr, status="not_selected", note="Other field"
    )
    markers = _markers(candidates)
    visited = {
        role: _crawl_for_leaks(client, user, markers, role=role)
        for role, user in _staff(staff).items()
    }
    # The crawl reached the pages it is meant to check.
    hr_pages = visited["hr_officer"]
    assert any("/admin/careers/internshipapplication/" in u for u in hr_pages)
    for application in applications:
        assert any(
            f"/admin/careers/internshipapplication/{application.pk}/change/" in u for u in hr_pages
        )
    assert any(f"/admin/careers/internship/{internship.pk}/change/" in u for u in hr_pages)
    # The officer really reads the motivations, redacted.
    client.force_login(staff.hr)
    page = client.get(
        f"/admin/careers/internshipapplication/{applications[2].pk}/change/"
    ).content.decode()
    assert "[EMAIL]" in page and "I study law" in page


def test_after_the_reveal_only_the_revealed_applicant_is_known(client, roles):
    staff = make_staff()
    internship = make_internship(body=staff.body, fields=[])
    candidates = [make_candidate() for _ in range(3)]
    applications = _apply_all(internship, candidates)
    close_window(internship)
    chosen = applications[1]
    services.internship_decide(
        application=chosen, actor=staff.hr, status="shortlisted", note="Strong"
    )
    services.internship_reveal(
        application=chosen, actor=staff.hr, reason="Shortlisted: invite to an interview"
    )
    revealed = next(
        c
        for c in candidates
        if str(c.user.pk) == InternshipIdentity.objects.get(application_id=chosen.pk).owner
    )
    hidden = [c for c in candidates if c is not revealed]

    client.force_login(staff.hr)
    page = client.get(f"/admin/careers/internshipapplication/{chosen.pk}/change/").content.decode()
    assert revealed.full_name in page
    document = client.get(f"/admin/careers/internshipapplication/{chosen.pk}/document/")
    assert revealed.iin.encode() in b"".join(document.streaming_content)
    for other in applications:
        if other.pk != chosen.pk:
            assert (
                client.get(f"/admin/careers/internshipapplication/{other.pk}/document/").status_code
                == 404
            )
    client.logout()

    for role, user in _staff(staff).items():
        _crawl_for_leaks(client, user, _markers(hidden), role=role)
    # Staff of other roles learn nothing of the revealed one either: only the officer who
    # revealed reads the identity (and the ethics commissioner sees that a reveal happened).
    for role in ("commission_member", "observer", "ethics_commissioner"):
        _crawl_for_leaks(client, _staff(staff)[role], _markers([revealed]), role=role)
