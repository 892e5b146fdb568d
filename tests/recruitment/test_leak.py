"""The leak test (DESIGN.md §3): before the reveal, no byte of a candidate's personal data
reaches any page, admin view, export, API response or e-mail a staff role can reach; after
the reveal it appears only for the revealed codes.

Candidates are created with distinctive names, IINs, e-mails and phones, and write the same
strings into their free text. A competition runs to the ranking lock. A crawler signed in
as each staff role follows every link it can reach.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from recruitment import services, services_candidate
from recruitment.models import (
    Application,
    Competition,
    Education,
    Experience,
    Field,
    IdentityEscrow,
    Sector,
    Stage,
)
from recruitment.public import stage_result_record
from tests.recruitment.crawler import crawl
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Primary keys start here in this module, so no id in a link, an <option value> or a
# hidden field can read as one of the years below: a crawl once flagged user #2003 as the
# "job start" year on a page that lists staff.
FIRST_ID = 1_000_000


@pytest.fixture(autouse=True)
def _ids_apart_from_the_years(django_db_blocker):
    from django.apps import apps
    from django.db import connection

    tables = [
        (m._meta.db_table, m._meta.pk.column)
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed
        and not m._meta.proxy
        and m._meta.pk.get_internal_type().endswith("AutoField")
    ]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table, column in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(seq, GREATEST(nextval(seq), %s))"
                    " FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) AS s",
                    [FIRST_ID, table, column],
                )
            else:
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                    [table, max(FIRST_ID, row[0] if row else 0)],
                )


STAFF_SEEDS = [
    "/admin/",
    "/kk/",
    "/kk/staff/commission/",
    "/kk/staff/observe/",
    "/kk/staff/adjustments/",
    "/kk/staff/fairness/",
    "/kk/ethics/",
    "/kk/ethics/dashboard/",
    "/kk/evaluation/",
    "/kk/tests/",
    "/api/",
    "/api/v1/",
]


def _variants(marker: str) -> set[str]:
    out = {marker, marker.lower(), marker.upper()}
    digits = "".join(ch for ch in marker if ch.isdigit())
    if len(digits) >= 10:
        out.add(digits)
    return out


# Dates that would re-identify a colleague: a graduation year, the days a job began and
# ended, the moment an application was sent. Matched as whole words, so a random id or
# token that merely contains the digits does not count.
GRADUATION_YEAR = 1987
JOB_STARTED = dt.date(2003, 7, 29)
JOB_ENDED = dt.date(2008, 10, 14)
SUBMITTED_AT = dt.datetime(2019, 2, 13, 10, 11, 12, 345678, tzinfo=dt.UTC)
DATE_MARKERS = {
    "graduation year": re.compile(rf"\b{GRADUATION_YEAR}\b"),
    "job start": re.compile(rf"\b{JOB_STARTED.year}\b"),
    "job end": re.compile(rf"\b{JOB_ENDED.year}\b"),
    "submitted_at": re.compile(rf"\b({SUBMITTED_AT.year}|{SUBMITTED_AT.microsecond})\b"),
}


def _give_distinctive_dates(candidates) -> None:
    for candidate in candidates:
        Education.objects.filter(profile=candidate.profile).update(graduation_year=GRADUATION_YEAR)
        Experience.objects.create(
            profile=candidate.profile,
            sector=Sector.PUBLIC,
            field=Field.LAW,
            employer="Office",
            started_on=JOB_STARTED,
            ended_on=JOB_ENDED,
        )


def _run_to_lock(staff, candidates, drafters=()):
    competition = make_competition(
        staff=staff,
        plan=[
            (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
            (Stage.Kind.ESSAY, "5", "3", 5, "1"),
        ],
    )
    vacancy = competition.vacancies.get()
    services.competition_publish(competition=competition, actor=staff.hr)
    # Issue 15: someone who only saved a draft, writing their identifiers into it.
    for drafter in drafters:
        services_candidate.application_draft_save(
            profile=drafter.profile,
            competition=competition,
            vacancy=vacancy,
            motivation=f"I am {drafter.full_name}, IIN {drafter.iin}, phone {drafter.phone}.",
        )
    applications = [
        services.application_submit(
            user=c.user, competition=competition, vacancy=vacancy, consent=True
        )
        for c in candidates
    ]
    _plant_adjustments(staff, candidates, applications)
    _plant_equality_answers(candidates, applications)
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    test_stage = competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    for a in applications:
        stage_result_record(
            application_id=a.pk, stage_id=test_stage.pk, score=Decimal(40), passed=True
        )
    services.competition_advance(competition=competition, actor=staff.hr)
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for a, score in zip(applications, [5, 4, 4, 3], strict=True):
            services.commission_mark(member=member, application=a, score=Decimal(score))
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    services.stage_publish_results(stage=essay, actor=staff.hr)
    # Free text written by the candidates carries their own identifiers.
    for candidate, application in zip(candidates, applications, strict=True):
        services.appeal_submit(
            user=candidate.user,
            application=application,
            stage=essay,
            text=(
                f"I am {candidate.full_name}, IIN {candidate.iin}, write to {candidate.email} "
                f"or call {candidate.phone}. My essay deserved more."
            ),
        )
    return competition, applications


# Health data in a request for reasonable adjustments: only ethics commissioners (and
# adjustments officers, not crawled here) may read it; no other staff role may.
ADJUSTMENT_MARKERS = ("Adjustment-reason-", "hearing-loss", "Other-format-", "Officer-note-")


def _plant_adjustments(staff, candidates, applications) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from tests.factories import UserFactory

    officer = UserFactory()
    staff_assign(user=officer, role=Role.ADJUSTMENTS_OFFICER, state_body=staff.body)
    for n, (candidate, application) in enumerate(zip(candidates, applications, strict=True)):
        adjustment = services.adjustment_request(
            user=candidate.user,
            application=application,
            extra_time="50",
            formats=["other"],
            other_format=f"Other-format-{n}",
            reason=f"Adjustment-reason-{n}: hearing-loss",
            document=SimpleUploadedFile("evidence.pdf", f"%PDF-1.4 evidence {n}".encode()),
        )
        if n % 2:
            services.adjustment_decide(
                adjustment=adjustment, actor=officer, status="refused", note=f"Officer-note-{n}"
            )


# Voluntary equality answers (issue 18): counted in the ethics commissioner's report and the
# public statistics, never shown for a person. Everyone answers the same rare answers, so a
# page may name them in a table of groups; a page that also shows an application's code (a
# row per person) must not.
EQUALITY_ANSWERS = {"region": "ulytau", "age_band": "60+", "sector": "not_working"}


def _equality_markers() -> set[str]:
    from django.utils import translation

    from recruitment.models_equality import group_label

    found = {"ulytau", "not_working"}
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            found |= {group_label(key, value) for key, value in EQUALITY_ANSWERS.items()}
    return found


def _plant_equality_answers(candidates, applications) -> None:
    from recruitment.services.equality import equality_record_save

    for candidate, application in zip(candidates, applications, strict=True):
        equality_record_save(user=candidate.user, application=application, answers=EQUALITY_ANSWERS)


def _staff_clients(client_factory, staff):
    return {
        "hr_officer": staff.hr,
        "commission_member": staff.members[0],
        "observer": staff.observer,
        "ethics_commissioner": staff.ethics,
    }


def _assert_no_leak(
    client,
    markers: dict[str, set[str]],
    *,
    role: str,
    extra: tuple[str, ...] = (),
    patterns: dict[str, re.Pattern] | None = None,
    per_person: tuple[set[str], set[str]] | None = None,
) -> list[str]:
    """``per_person`` is (codes, answers): no page may show one of each."""
    leaks: list[str] = []

    def check(url: str, body: bytes) -> None:
        text = body.decode("utf-8", "replace")
        if per_person is not None:
            codes, answers = per_person
            code = next((c for c in codes if c in text), None)
            answer = next((a for a in answers if a in text), None)
            if code and answer:
                leaks.append(f"{role} saw equality answer {answer!r} with code {code} at {url}")
        for owner, variants in markers.items():
            for variant in variants:
                if variant in text:
                    leaks.append(f"{role} saw {variant!r} of {owner} at {url}")
        for what, pattern in (patterns or {}).items():
            found = pattern.search(text)
            if found:
                leaks.append(f"{role} saw the {what} {found.group(0)!r} at {url}")

    visited = crawl(client, [*STAFF_SEEDS, *extra], check=check)
    assert not leaks, "\n".join(leaks[:20])
    return visited


def test_no_staff_role_can_see_personal_data_before_the_reveal(client, roles, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = make_staff()
    assert staff.hr.pk > FIRST_ID, "ids could read as the marker years"
    candidates = [make_candidate(private_years=1) for _ in range(4)]
    drafter = make_candidate()
    _give_distinctive_dates(candidates)
    competition, applications = _run_to_lock(staff, candidates, drafters=[drafter])
    Application.objects.filter(competition=competition).update(submitted_at=SUBMITTED_AT)
    markers = {
        c.full_name: set().union(*(_variants(m) for m in c.markers)) for c in [*candidates, drafter]
    }

    visited_by_role = {}
    for role, user in _staff_clients(client, staff).items():
        client.force_login(user)
        seen = dict(markers)
        if role != "ethics_commissioner":
            seen["an adjustment request"] = set(ADJUSTMENT_MARKERS)
        visited_by_role[role] = _assert_no_leak(
            client,
            seen,
            role=role,
            extra=(
                f"/api/v1/hr/competitions/{competition.pk}/applications/",
                "/api/v1/competitions/",
                "/api/schema/",
            ),
            patterns=DATE_MARKERS,
            per_person=({a.code for a in applications}, _equality_markers()),
        )
        client.logout()

    # The crawl really reached the staff surfaces it is meant to check.
    hr_pages = visited_by_role["hr_officer"]
    assert any(u.startswith("/admin/recruitment/application/") for u in hr_pages)
    assert any(f"/admin/recruitment/application/{applications[0].pk}/" in u for u in hr_pages)
    assert any(u.startswith("/admin/recruitment/appeal/") for u in hr_pages)
    assert any(u.startswith("/admin/recruitment/adjustment/") and "/change/" in u for u in hr_pages)
    assert any("/staff/observe/" in u for u in visited_by_role["observer"])
    assert any("/staff/commission/" in u for u in visited_by_role["commission_member"])
    # The ethics commissioner is the one crawled role that reads the adjustments' reasons.
    assert any("/staff/adjustments/" in u for u in visited_by_role["ethics_commissioner"])
    client.force_login(staff.ethics)
    readers_page = client.get("/kk/staff/adjustments/").content.decode()
    assert all(f"Adjustment-reason-{n}" in readers_page for n in range(len(candidates)))
    # The equality answers are counted only: the crawl reached the commissioner's report,
    # where four people of Ulytau are one suppressed cell, not a number or a code.
    assert any("/staff/fairness/" in u for u in visited_by_role["ethics_commissioner"])
    report = client.get(f"/en/staff/fairness/{competition.pk}/").content.decode()
    assert "Ulytau region" in report and "fewer than 10" in report
    assert not any(a.code in report for a in applications)

    for message in mail.outbox:
        body = message.subject + message.body + " ".join(message.to)
        for owner, variants in markers.items():
            staff_recipients = {staff.hr.email, staff.observer.email, staff.ethics.email}
            if set(message.to) & staff_recipients:
                assert not any(v in body for v in variants), f"e-mail to staff leaks {owner}"


def test_after_the_reveal_identity_appears_only_for_the_revealed_code(client, roles):
    staff = make_staff()
    candidates = [make_candidate() for _ in range(4)]
    competition, _applications = _run_to_lock(staff, candidates)
    winner = Application.objects.get(competition=competition, rank=1)
    services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    owner_id = int(IdentityEscrow.objects.get(application_id=winner.pk).owner)
    revealed = next(c for c in candidates if c.user.pk == owner_id)
    hidden = [c for c in candidates if c is not revealed]

    client.force_login(staff.hr)
    page = client.get(f"/admin/recruitment/application/{winner.pk}/change/").content.decode()
    assert revealed.full_name in page
    assert revealed.iin in page

    markers = {c.full_name: set().union(*(_variants(m) for m in c.markers)) for c in hidden}
    for user in (staff.hr, staff.observer, staff.members[0], staff.ethics):
        client.force_login(user)
        _assert_no_leak(client, markers, role=str(user))


def test_an_officer_of_another_body_sees_nothing_of_the_competition(client, roles):
    staff = make_staff()
    other = make_staff()
    candidates = [make_candidate() for _ in range(4)]
    competition, applications = _run_to_lock(staff, candidates)
    client.force_login(other.hr)
    assert client.get(
        f"/admin/recruitment/application/{applications[0].pk}/change/"
    ).status_code in (302, 404)
    listing = client.get("/admin/recruitment/application/").content.decode()
    assert applications[0].code not in listing
    assert client.get(f"/admin/recruitment/competition/{competition.pk}/change/").status_code in (
        302,
        404,
    )
    client.force_login(other.observer)
    assert client.get(f"/kk/staff/observe/{competition.pk}/").status_code == 404


def test_the_admin_reveal_page_needs_a_reason_and_records_the_reveal(client, roles):
    from recruitment.models import IdentityReveal

    staff = make_staff()
    candidates = [make_candidate() for _ in range(4)]
    competition, _applications = _run_to_lock(staff, candidates)
    winner = Application.objects.get(competition=competition, rank=1)
    loser = Application.objects.get(competition=competition, rank=4)
    client.force_login(staff.hr)
    client.cookies["eqyzmet_language"] = "en"
    url = f"/admin/recruitment/application/{winner.pk}/reveal/"
    page = client.post(url, {"purpose": "winner", "reason": "short"})
    assert page.status_code == 200
    assert not IdentityReveal.objects.exists()
    refused = client.post(
        f"/admin/recruitment/application/{loser.pk}/reveal/",
        {"purpose": "winner", "reason": "Curious who came last here"},
    )
    assert "cannot be revealed" in refused.content.decode()
    done = client.post(url, {"purpose": "winner", "reason": "Winner: document check"})
    assert done.status_code == 302
    assert IdentityReveal.objects.get().application == winner


def test_a_contract_selection_stays_anonymous_to_the_official_and_hr_until_the_reveal(
    client, roles
):
    """Issue 16: the responsible official (no HR role) reads the anonymised shortlist and
    recommends; nobody sees a person until HR reveals the recommended code, and then only
    that one."""
    from recruitment.contracts import selection
    from tests.recruitment.contract_factories import make_contract_selection, run_selection_to_lock

    staff, project, competition = make_contract_selection()
    candidates = [make_candidate(private_years=1) for _ in range(4)]
    _give_distinctive_dates(candidates)
    applications = run_selection_to_lock(
        staff=staff, competition=competition, candidates=candidates
    )
    Application.objects.filter(competition=competition).update(submitted_at=SUBMITTED_AT)
    markers = {c.full_name: set().union(*(_variants(m) for m in c.markers)) for c in candidates}
    official = project.responsible_official
    seeds = ("/kk/contracts/official/", "/en/contracts/official/", "/ru/contracts/official/")

    client.force_login(official)
    visited = _assert_no_leak(client, markers, role="official", extra=seeds, patterns=DATE_MARKERS)
    assert any("/contracts/official/" in u for u in visited)
    page = client.get("/en/contracts/official/").content.decode()
    assert all(a.code in page for a in applications)

    recommended = sorted(applications, key=lambda a: a.rank)[1]
    recommendation = selection.recommendation_make(
        competition=competition,
        application=recommended,
        reason="Strongest results on the licensing test; recommended.",
        actor=official,
    )
    conclude = f"/admin/recruitment/contract/conclude/?recommendation={recommendation.pk}"
    visited_by = {}
    for user in (official, staff.hr, staff.observer, staff.ethics):
        client.force_login(user)
        visited_by[user] = _assert_no_leak(
            client, markers, role=str(user), extra=(*seeds, conclude), patterns=DATE_MARKERS
        )
    # HR's crawl reached the recommendation in the admin.
    assert any(
        u.startswith("/admin/recruitment/contractrecommendation/") for u in visited_by[staff.hr]
    )
    client.force_login(staff.hr)

    services.application_reveal(
        application=recommended,
        actor=staff.hr,
        purpose="contract",
        reason="Recommended by the project's responsible official.",
    )
    owner_id = int(IdentityEscrow.objects.get(application_id=recommended.pk).owner)
    revealed = next(c for c in candidates if c.user.pk == owner_id)
    assert revealed.full_name in client.get(conclude).content.decode()
    hidden = {c.full_name: markers[c.full_name] for c in candidates if c is not revealed}
    for user in (official, staff.hr, staff.observer):
        client.force_login(user)
        _assert_no_leak(client, hidden, role=str(user), extra=(*seeds, conclude))
    # The official never sees the person, even after HR's reveal.
    client.force_login(official)
    for seed in seeds:
        assert revealed.full_name not in client.get(seed).content.decode()
