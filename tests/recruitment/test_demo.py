"""The demo seed (`make run` runs it every time): one competition at each status, built by the
real procedure; idempotent; and the README lists exactly the accounts it creates."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from eqyzmet.models import User
from recruitment import procedure
from recruitment.models import (
    Appeal,
    Application,
    CommissionMark,
    Competition,
    IdentityReveal,
    ReserveEntry,
    Stage,
    StageResult,
)
from tests.browser_pages import seed_demo
from tests.conftest import REPO

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

S = Competition.Status
EXPECTED = {
    "KZ-2026-MDAI-0001": S.PUBLISHED,
    "KZ-2026-MDAI-0002": S.TESTING,
    "KZ-2026-MDAI-0003": S.ESSAY,
    "KZ-2026-MDAI-0004": S.DRAFT,
    "KZ-2026-MDAI-0005": S.APPLICATIONS_CLOSED,
    "KZ-2026-MDAI-0006": S.WRITTEN_LOCKED,
    "KZ-2026-MDAI-0007": S.INTERVIEW,
    "KZ-2026-MDAI-0008": S.RANKING_LOCKED,
    "KZ-2026-MDAI-0009": S.RESULTS_PUBLISHED,
    "KZ-2026-MDAI-0010": S.CLOSED,
    "KZ-2026-MDAI-0011": S.CANCELLED,
    "KZ-2026-MINFIN-0001": S.PUBLISHED,
    # Issue 16: a contract post selection whose shortlist waits for the official.
    "KZ-2026-MDAI-C001": S.RANKING_LOCKED,
    "KZ-2026-MDAI-C002": S.PUBLISHED,
    # Issue 18: a synthetic cohort whose legislation test shows adverse impact.
    "KZ-2025-MDAI-FAIR": S.CLOSED,
}


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _application(number: str, email: str) -> Application:
    from recruitment.public import candidate_application_id

    competition = Competition.objects.get(number=number)
    pk = candidate_application_id(user=User.objects.get(email=email), competition_id=competition.pk)
    return Application.objects.get(pk=pk)


def _snapshot() -> dict[str, int]:
    from eqyzmet.models import AuditEvent

    return {
        "users": User.objects.count(),
        "competitions": Competition.objects.count(),
        "applications": Application.objects.count(),
        "results": StageResult.objects.count(),
        "marks": CommissionMark.objects.count(),
        "reveals": IdentityReveal.objects.count(),
        "appeals": Appeal.objects.count(),
        "reserve": ReserveEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_the_demo_holds_one_competition_at_each_status_and_a_second_seed_changes_nothing():
    seed_demo()  # the demo as seeded into an empty database
    statuses = dict(Competition.objects.values_list("number", "status"))
    assert statuses == EXPECTED
    assert {s.value for s in S} <= set(statuses.values())

    # Testing: the window is open and two of four admitted codes have finished the test.
    testing = Competition.objects.get(number="KZ-2026-MDAI-0002")
    stage = testing.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    assert stage.closes_at > timezone.now()
    assert StageResult.objects.filter(stage=stage).count() == 2
    assert procedure.not_finished(competition=testing, stage=stage).count() == 2
    assert procedure.advance_blockers(testing)[0].code == "window_open"

    # Written stages locked: a shortlist of three, not revealed yet; the ranking is not
    # lockable from here.
    written = Competition.objects.get(number="KZ-2026-MDAI-0006")
    shortlist = written.applications.filter(
        status=Application.Status.ADMITTED, current_stage__kind=Stage.Kind.INTERVIEW
    )
    assert shortlist.count() == 3
    assert not IdentityReveal.objects.filter(application__competition=written).exists()
    assert procedure.lock_ranking_blockers(written)

    # Interview: the shortlist is revealed to the commission, some marks are in, and
    # commission@ has not declared yet (the visitor does it); the demo candidate failed the
    # test and may appeal its published result.
    interview = Competition.objects.get(number="KZ-2026-MDAI-0007")
    revealed = IdentityReveal.objects.filter(application__competition=interview)
    assert revealed.count() == 3
    assert set(revealed.values_list("purpose", flat=True)) == {IdentityReveal.Purpose.INTERVIEW}
    marks = CommissionMark.objects.filter(
        stage__competition=interview, stage__kind=Stage.Kind.INTERVIEW
    )
    assert marks.count() == 4
    assert interview.commission.get(user__email="commission@demo.eqyzmet.kz").declared_at is None
    mine = _application("KZ-2026-MDAI-0007", "candidate@demo.eqyzmet.kz")
    assert mine.status == Application.Status.ELIMINATED
    test = interview.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    assert test.results_published_at is not None
    from recruitment.services import appeal_deadline

    assert appeal_deadline(stage=test) > timezone.now()

    # Ranking locked: everyone in the running is ranked.
    locked = Competition.objects.get(number="KZ-2026-MDAI-0008")
    assert list(
        locked.applications.exclude(rank=None).order_by("rank").values_list("rank", flat=True)
    ) == [1, 2, 3]

    # Results published: a revealed winner, a reserve, an upheld appeal that re-ranked the
    # demo candidate into the reserve, one appeal waiting; the appeal window has passed.
    published = Competition.objects.get(number="KZ-2026-MDAI-0009")
    winner = published.applications.get(status=Application.Status.WINNER)
    assert winner.reveals.filter(purpose=IdentityReveal.Purpose.WINNER).exists()
    mine = _application("KZ-2026-MDAI-0009", "candidate@demo.eqyzmet.kz")
    assert (mine.status, mine.rank) == (Application.Status.RESERVE, 2)
    assert mine.appeals.get().status == Appeal.Status.UPHELD
    assert published.applications.filter(status=Application.Status.RESERVE).count() == 2
    waiting = Appeal.objects.get(application__competition=published, status=Appeal.Status.SUBMITTED)
    assert procedure.appeal_window_end(published) < timezone.now()
    assert [b.code for b in procedure.appoint_blockers(winner)] == ["appeal_open"]
    assert waiting.stage.kind == Stage.Kind.INTERVIEW

    # Closed: the winner was appointed.
    closed = Competition.objects.get(number="KZ-2026-MDAI-0010")
    assert closed.applications.filter(status=Application.Status.APPOINTED).count() == 1

    # Every demo candidate is a different person: own name, valid IIN and phone.
    from recruitment.iin import iin_is_valid
    from recruitment.models import CandidateProfile

    profiles = list(CandidateProfile.objects.filter(user__email__endswith="@demo.eqyzmet.kz"))
    assert len(profiles) == 12
    for field in ("full_name", "iin", "phone"):
        assert len({getattr(p, field) for p in profiles}) == len(profiles), field
    assert all(iin_is_valid(p.iin) and not p.iin_conflict for p in profiles)

    before = _snapshot()
    _seed()
    assert _snapshot() == before
    assert dict(Competition.objects.values_list("number", "status")) == EXPECTED


@pytest.mark.django_db(transaction=True)
def test_seeding_sends_no_email_so_make_run_output_stays_readable():
    # Committed for real, as in `make run`, so the notifications' on-commit tasks run. Demo
    # people have no inboxes; printed, their ~150 e-mails buried the account list and
    # blocked `make run` behind a full pipe (tests/test_make_run.py).
    mail.outbox = []
    out = _seed()
    assert mail.outbox == []
    assert "Demo data ready." in out


# --- The README's demo accounts ------------------------------------------------------------

EMAIL = re.compile(r"[a-z0-9.]+@demo\.eqyzmet\.kz")


def _readme_accounts() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.split(r"\n#", text.split("### Demo accounts", 1)[1], maxsplit=1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert table, "the Demo accounts section has no table"
    return {email for line in table for email in EMAIL.findall(line.split("|")[1])}


def test_the_readme_lists_exactly_the_accounts_the_seed_creates():
    seed_demo()  # the demo as seeded into an empty database
    created = set(
        User.objects.filter(email__endswith="@demo.eqyzmet.kz").values_list("email", flat=True)
    )
    listed = _readme_accounts()
    assert created - listed == set(), "accounts the README does not list"
    assert listed - created == set(), "accounts the README lists that the seed does not create"


def test_every_listed_demo_account_signs_in_with_the_published_password(client):
    from eqyzmet.demo import DEMO_PASSWORD

    seed_demo()
    listed = sorted(_readme_accounts())
    for email in listed:
        assert client.login(username=email, password=DEMO_PASSWORD), email
        client.logout()
        assert not client.login(username=email, password=DEMO_PASSWORD + "x"), email
    # One hash serves them all; each account's is still its own column, changed alone.
    user = User.objects.get(email=listed[0])
    user.set_password("another-Passw0rd-here")
    user.save()
    assert client.login(username=listed[0], password="another-Passw0rd-here")
    assert client.login(username=listed[1], password=DEMO_PASSWORD)


def test_the_demo_has_a_project_with_two_contract_employees():
    import datetime as dt

    from recruitment.models_contracts import Contract, Project, QuarterReport

    seed_demo()  # the demo as seeded into an empty database
    project = Project.objects.get(name__startswith="Digital licensing")
    assert project.responsible_official.email == "manager@demo.eqyzmet.kz"
    contracts = {c.employee.email: c for c in project.contracts.all()}
    assert set(contracts) == {"asel.contract@demo.eqyzmet.kz", "marat.contract@demo.eqyzmet.kz"}
    asel = contracts["asel.contract@demo.eqyzmet.kz"]
    assert asel.flagged_at is not None
    assert asel.reports.filter(status=QuarterReport.Status.CONFIRMED).count() == 3
    assert asel.ends_on <= timezone.localdate() + dt.timedelta(days=30)
    marat = contracts["marat.contract@demo.eqyzmet.kz"]
    assert marat.reports.get().status == QuarterReport.Status.SUBMITTED
    _seed()
    assert Contract.objects.count() == 2


def test_the_demo_shows_adverse_impact_in_the_report_the_statistics_and_one_case():
    from django.test import Client

    from ethics.models import EthicsCase

    seed_demo()  # the demo as seeded into an empty database
    _seed()
    fair = Competition.objects.get(number="KZ-2025-MDAI-FAIR")
    cases = EthicsCase.objects.filter(category="adverse_impact")
    assert cases.count() == 1
    assert (cases.get().evidence["group"], cases.get().state_body_id) == (
        "female",
        fair.state_body_id,
    )
    visitor = Client()
    public = visitor.get("/en/statistics/fairness/").content.decode()
    assert "45.0%" in public and "80.0%" in public
    commissioner = Client()
    commissioner.force_login(User.objects.get(email="ethics@demo.eqyzmet.kz"))
    report = commissioner.get(f"/en/staff/fairness/{fair.pk}/").content.decode()
    assert 'data-testid="adverse"' in report


def test_the_demo_contract_selection_waits_for_the_officials_recommendation():
    from django.test import Client

    from recruitment.models_contracts import ContractRecommendation

    seed_demo()  # the demo as seeded into an empty database
    _seed()
    selection = Competition.objects.get(number="KZ-2026-MDAI-C001")
    assert selection.kind == Competition.Kind.CONTRACT
    assert selection.contract_project.responsible_official.email == "manager@demo.eqyzmet.kz"
    ranked = selection.applications.exclude(rank=None)
    assert ranked.count() == 4
    assert not ContractRecommendation.objects.filter(competition=selection).exists()
    client = Client()
    client.force_login(User.objects.get(email="manager@demo.eqyzmet.kz"))
    page = client.get("/en/contracts/official/").content.decode()
    assert all(code in page for code in ranked.values_list("code", flat=True))
    assert "Recommend one code for the contract" in page
    listing = Client().get("/en/vacancies/?kind=contract").content.decode()
    assert "Contract analyst, licensing statistics" in listing and "Contract work" in listing
