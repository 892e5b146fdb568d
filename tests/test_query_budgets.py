"""Query budgets of the pages and API operations each role uses daily (issue 19).

Every page is read once on a small data set and again after three times as many of the rows
it lists were added: the number of SQL queries must be the same, and no more than the budget
pinned in ``BUDGETS`` (so a new query shows up in review as a changed constant). Each read is
warmed first, so the session, the content types and the candidate's cached applications are
not counted.

Pinned elsewhere, and not repeated here: the autosave (tests/testing_center/delivery/
test_delivery.py), the ethics case and reporter pages (tests/ethics/test_queries.py), the
evaluation score, export and employee pages (tests/evaluation/test_queries.py). The ethics
dashboard, its charts and the manager's unit page are pinned there with a maximum only; here
they are pinned flat.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eqyzmet.models import Job
from recruitment import services
from recruitment.models import (
    Application,
    CandidateProfile,
    CommissionMember,
    IdentityReveal,
    Stage,
    StageResult,
)
from recruitment.services.ranking import _rank
from testing_center.analysis import sitting_analyse
from testing_center.delivery import attempt_start, attempt_submit
from testing_center.models import Attempt
from tests.factories import make_state_body

pytestmark = pytest.mark.django_db

# Queries per read, measured on the small data set and again on three times as much (the
# same on SQLite and PostgreSQL). A page whose count came to differ between the two would get
# one entry per vendor: {"sqlite": n, "postgresql": m}.
BUDGETS: dict[str, int | dict[str, int]] = {
    # Anyone
    "vacancy search": 6,
    "vacancy search, a later page": 6,
    "API vacancies": 2,
    "API competitions": 4,
    # HR officer
    "admin competitions": 8,
    # +1 since issue 16: the contract project's choices, scoped to the officer's bodies.
    "admin competition page": 15,
    "admin applications": 13,
    "admin applications of a competition": 13,
    "admin application page": 14,
    "API HR applications": 8,
    "API HR test results": 7,
    "API HR evaluation results": 7,
    "ranking (_rank)": 4,
    "item analysis": 16,
    # Commission member, observer
    "commission home": 4,
    "commission queue": 6,
    "observer home": 5,
    "observer ledger": 11,  # codes paged (one COUNT), the ledger paged without a COUNT
    # Candidate
    # One more each since issue 15: the drafts list; what was sent with the application.
    "my applications": 7,
    "my application": 10,  # + the draft's letter, + the adjustment request (2), + equality answers
    "API my applications": 5,
    "candidate tests index": 6,
    "attempt page": 5,  # session, user, attempt, its items with their questions, section names
    "result page": 7,
    "API my test results": 5,
    # Ethics commissioner
    "ethics dashboard": 10,
    "ethics dashboard, my queue searched": 10,
    "ethics charts": 8,
    # Manager
    # + mandatory training overdue in the unit (issue 16): the members with an overdue
    # requirement, then their completions (2).
    "manager unit page": 11,
}


def budget(name: str) -> int:
    pinned = BUDGETS[name]
    return pinned[connection.vendor] if isinstance(pinned, dict) else pinned


def _queries(read) -> list[str]:
    read()  # warm: session, content types, cached lookups
    with CaptureQueriesContext(connection) as captured:
        read()
    return [q["sql"] for q in captured.captured_queries]


def assert_flat(name: str, read, grow) -> None:
    """``read`` costs the same number of queries before and after ``grow`` triples the data,
    and no more than its pinned budget."""
    small = _queries(read)
    grow()
    large = _queries(read)
    assert len(large) == len(small), (
        f"{name}: {len(small)} → {len(large)} queries; added:\n" + "\n".join(_added(small, large))
    )
    assert len(small) <= budget(name), f"{name}: {len(small)} queries, budget {budget(name)}"


def _added(small: list[str], large: list[str]) -> list[str]:
    """The statements the larger read ran more often, with literal numbers blanked."""

    def shape(sql):
        return re.sub(r"IN \([^()]*\)", "IN (…)", re.sub(r"\b\d+\b", "N", sql))

    more = Counter(map(shape, large)) - Counter(map(shape, small))
    return [f"{n} × {sql}" for sql, n in more.items()]


def page(client, url, *, status=200):
    def read():
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return response

    return read


@pytest.fixture(autouse=True)
def _private_media_and_clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


# --- Vacancy search (anyone) -------------------------------------------------------------

SEARCH_WORDS = {"kk": "маман", "ru": "специалист", "en": "specialist"}


def _open_vacancies(count):
    from tests.recruitment_candidate.factories import CompetitionFactory, open_vacancy

    for n in range(count):
        competition, vacancy = open_vacancy(region=f"Region {n % 4}")
        # A vacancy announced in two competitions lists both.
        CompetitionFactory(state_body=competition.state_body, vacancies=[vacancy])


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_vacancy_search(client, roles, lang):
    _open_vacancies(4)
    url = f"/{lang}/vacancies/?q={SEARCH_WORDS[lang]}&category=B"
    assert_flat("vacancy search", page(client, url), lambda: _open_vacancies(8))


def test_vacancy_search_a_later_page_sorted_and_filtered(client, roles):
    _open_vacancies(21)
    url = "/en/vacancies/?min_salary=100000&sort=closing&page=2"
    assert_flat("vacancy search, a later page", page(client, url), lambda: _open_vacancies(42))


def test_vacancy_list_api(client, roles):
    _open_vacancies(4)
    url = "/api/v1/vacancies/?q=specialist"
    assert_flat("API vacancies", page(client, url), lambda: _open_vacancies(8))


def test_competition_list_api(client, roles):
    _open_vacancies(4)
    assert_flat(
        "API competitions", page(client, "/api/v1/competitions/"), lambda: _open_vacancies(8)
    )


# --- HR's workbench, the commission and the observer -------------------------------------


@pytest.fixture
def hr_world(roles):
    from tests.recruitment.factories import make_competition, make_staff

    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    return staff, competition


def _more_competitions(staff, count):
    """Published competitions of the body (the staff sit on each), every other one with a
    ranking-lock job on record."""
    from tests.recruitment.factories import make_competition

    for n in range(count):
        competition = make_competition(staff=staff)
        services.competition_publish(competition=competition, actor=staff.hr)
        if n % 2:
            Job.objects.create(
                kind=services.LOCK_RANKING_JOB, ref=competition.pk, task="recruitment.lock_ranking"
            )


def _applications(staff, competition, count) -> list[Application]:
    """``count`` admitted applications, each with two stage results; every other one
    revealed (as after a ranking lock)."""
    from tests.recruitment.factories import make_candidate

    vacancy = competition.vacancies.get()
    test, qualities = competition.stages.order_by("position")[:2]
    made = []
    for n in range(count):
        application = services.application_submit(
            user=make_candidate().user, competition=competition, vacancy=vacancy, consent=True
        )
        for stage, score in ((test, 40 + n % 10), (qualities, 70 + n % 20)):
            StageResult.objects.create(
                application=application, stage=stage, score=Decimal(score), passed=True
            )
        if n % 2:
            IdentityReveal.objects.create(
                application=application,
                purpose=IdentityReveal.Purpose.WINNER,
                reason="Document check of the winner.",
                revealed_by=staff.hr,
            )
        made.append(application)
    return made


def test_hr_competitions_changelist(client, hr_world):
    staff, _competition = hr_world
    _more_competitions(staff, 2)
    client.force_login(staff.hr)
    read = page(client, "/admin/recruitment/competition/")
    assert_flat("admin competitions", read, lambda: _more_competitions(staff, 6))


def test_hr_applications_changelist_of_a_competition(client, hr_world):
    staff, competition = hr_world
    _applications(staff, competition, 4)
    client.force_login(staff.hr)
    read = page(client, f"/admin/recruitment/application/?competition__id__exact={competition.pk}")
    assert_flat(
        "admin applications of a competition",
        read,
        lambda: (_applications(staff, competition, 8), _more_competitions(staff, 2)),
    )


def test_hr_applications_changelist(client, hr_world):
    staff, competition = hr_world
    _applications(staff, competition, 4)
    client.force_login(staff.hr)
    read = page(client, "/admin/recruitment/application/")
    assert_flat(
        "admin applications",
        read,
        lambda: (_applications(staff, competition, 8), _more_competitions(staff, 2)),
    )


def test_hr_competition_page(client, hr_world):
    """The competition's page in the admin (read-only once published, with its ranking-lock
    job): three times the commission seats, beside three times the codes."""
    from tests.factories import UserFactory

    staff, competition = hr_world
    Job.objects.create(
        kind=services.LOCK_RANKING_JOB, ref=competition.pk, task="recruitment.lock_ranking"
    )

    def grow(seats, codes):
        for _ in range(seats):
            CommissionMember.objects.create(competition=competition, user=UserFactory())
        _applications(staff, competition, codes)

    grow(seats=0, codes=4)  # three seats come with the competition
    client.force_login(staff.hr)
    read = page(client, f"/admin/recruitment/competition/{competition.pk}/change/")
    assert_flat("admin competition page", read, lambda: grow(seats=6, codes=8))


def test_hr_application_page(client, hr_world):
    """A revealed code's page in the admin: three times the stage results and the person's
    documents, beside three times the other codes."""
    from recruitment.models import Document, IdentityEscrow
    from tests.ethics.factories import PDF_BYTES, pdf

    staff, competition = hr_world
    [application] = _applications(staff, competition, 2)[1:]  # the revealed one
    escrow = IdentityEscrow.objects.get(application_id=application.pk)
    profile = CandidateProfile.objects.get(user_id=int(escrow.owner))
    stages = list(competition.stages.order_by("position"))

    def documents(count):
        for _ in range(count):
            content = PDF_BYTES + str(Document.objects.count()).encode()
            services.document_upload(
                profile=profile, kind=Document.Kind.DIPLOMA, upload=pdf(content=content)
            )

    StageResult.objects.filter(application=application, stage=stages[1]).delete()
    documents(1)

    def grow():
        for stage in stages[1:3]:
            StageResult.objects.create(
                application=application, stage=stage, score=Decimal(3), passed=True
            )
        documents(2)
        _applications(staff, competition, 4)

    client.force_login(staff.hr)
    read = page(client, f"/admin/recruitment/application/{application.pk}/change/")
    assert_flat("admin application page", read, grow)


def test_hr_applications_api(client, hr_world):
    staff, competition = hr_world
    _applications(staff, competition, 4)
    client.force_login(staff.hr)
    read = page(client, f"/api/v1/hr/competitions/{competition.pk}/applications/")
    assert_flat("API HR applications", read, lambda: _applications(staff, competition, 8))


def test_commission_home(client, hr_world):
    staff, _competition = hr_world
    _more_competitions(staff, 2)
    client.force_login(staff.members[0])
    read = page(client, "/en/staff/commission/")
    assert_flat("commission home", read, lambda: _more_competitions(staff, 6))


def _at_interview(staff, competition, count):
    """``count`` more codes at the interview stage, every other one marked by the chair."""
    interview = competition.stages.get(kind=Stage.Kind.INTERVIEW)
    chair = competition.commission.get(user=staff.members[0])
    for n, application in enumerate(_applications(staff, competition, count)):
        Application.objects.filter(pk=application.pk).update(current_stage=interview)
        if n % 2:
            from recruitment.models import CommissionMark

            CommissionMark.objects.create(
                application=application, stage=interview, member=chair, score=Decimal(4)
            )


def test_commission_queue(client, hr_world):
    staff, competition = hr_world
    seat = competition.commission.get(user=staff.members[0])
    services.commission_declare(member=seat, has_conflict=False)
    _at_interview(staff, competition, 4)
    client.force_login(staff.members[0])
    read = page(client, f"/en/staff/commission/{seat.pk}/")
    assert_flat("commission queue", read, lambda: _at_interview(staff, competition, 8))


def test_observer_home(client, hr_world):
    staff, _competition = hr_world
    _more_competitions(staff, 2)
    client.force_login(staff.observer)
    read = page(client, "/en/staff/observe/")
    assert_flat("observer home", read, lambda: _more_competitions(staff, 6))


def _ledger_lines(staff, competition, count):
    """``count`` more codes, each with an essay mark on the record (a commission's act the
    observer reads) and, for every other one, an appeal of the test result, decided."""
    from recruitment.public import stage_result_record
    from tests.recruitment.factories import make_candidate

    vacancy = competition.vacancies.get()
    test = competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    Stage.objects.filter(pk=test.pk).update(results_published_at=timezone.now())
    for n in range(count):
        candidate = make_candidate()
        application = services.application_submit(
            user=candidate.user, competition=competition, vacancy=vacancy, consent=True
        )
        stage_result_record(
            application_id=application.pk, stage_id=test.pk, score=Decimal(40), passed=True
        )
        stage_result_record(
            application_id=application.pk, stage_id=essay.pk, score=Decimal(4), passed=True
        )
        if n % 2:
            appeal = services.appeal_submit(
                user=candidate.user,
                application=application,
                stage=test,
                text="Question 12 had two correct answers, please recheck.",
            )
            services.appeal_decide(
                appeal=appeal, actor=staff.hr, upheld=False, answer="The key is right as is."
            )


def test_observer_ledger(client, hr_world):
    staff, competition = hr_world
    _ledger_lines(staff, competition, 4)
    client.force_login(staff.observer)
    read = page(client, f"/en/staff/observe/{competition.pk}/")
    assert_flat("observer ledger", read, lambda: _ledger_lines(staff, competition, 8))


def test_ranking(hr_world):
    """Stages, codes, results, one write (``bulk_update_rows``: one statement however many
    rows on PostgreSQL, ``tests/test_bulk.py``; batches of 200 on SQLite)."""
    staff, competition = hr_world
    _applications(staff, competition, 4)
    assert_flat(
        "ranking (_rank)", lambda: _rank(competition), lambda: _applications(staff, competition, 8)
    )


def test_ranking_again_without_a_change_writes_no_row(hr_world):
    """Only the codes whose score or place moved are written; nothing moved, nothing goes."""
    staff, competition = hr_world
    _applications(staff, competition, 4)
    _rank(competition)
    again = _queries(lambda: _rank(competition))
    assert not [sql for sql in again if sql.lstrip().upper().startswith("UPDATE")], again


# --- The testing center: the candidate's tests, the paper, the result; item analysis -----


def _blueprint(*, sections=2, items=3, show_item_results=True):
    from tests.testing_center.factories import make_blueprint, small_bank

    topics = small_bank(sections=sections, per_topic=items + 1)
    return make_blueprint(
        [(topic, items, 1) for topic in topics],
        pass_min_correct=1,
        show_item_results=show_item_results,
    )


def _sittings_of(candidate, count, *, others=1):
    """``count`` more competitions with an online test the candidate is admitted to, with
    ``others`` other candidates admitted too; every other one already taken."""
    from tests.testing_center.factories import make_application, make_contest

    contests = []
    for n in range(count):
        contest = make_contest(blueprint=_blueprint())
        make_application(contest, user=candidate)
        for _ in range(others):
            make_application(contest)
        if n % 2:
            attempt_start(user=candidate, sitting=contest.sitting)
        contests.append(contest)
    return contests


def test_candidate_tests_index(client, roles):
    """Three times the candidate's own tests."""
    from tests.testing_center.factories import make_candidate

    candidate = make_candidate()
    _sittings_of(candidate, 2)
    client.force_login(candidate)
    read = page(client, "/en/tests/")
    assert_flat("candidate tests index", read, lambda: _sittings_of(candidate, 4))


def test_candidate_tests_index_among_more_candidates(client, roles):
    """Three times the other candidates at the candidate's tests, and three times the
    tests of other competitions."""
    from tests.testing_center.factories import make_application, make_candidate

    candidate = make_candidate()
    contests = _sittings_of(candidate, 2)
    _sittings_of(make_candidate(), 2)

    def grow():
        for contest in contests:
            for _ in range(2):
                user = make_candidate()
                make_application(contest, user=user)
                attempt_start(user=user, sitting=contest.sitting)
        _sittings_of(make_candidate(), 4, others=3)

    client.force_login(candidate)
    read = page(client, "/en/tests/")
    assert_flat("candidate tests index", read, grow)


def _taken(*, sections, items, others, submit, on_commit=None):
    """A candidate's attempt at a paper of ``sections`` × ``items``, half of it answered,
    beside ``others`` attempts of other candidates at the same sitting; handed in and
    scored if ``submit``."""
    from tests.testing_center.factories import make_application, make_candidate, make_contest
    from tests.testing_center.helpers import answer_sections

    contest = make_contest(blueprint=_blueprint(sections=sections, items=items))
    attempts = []
    for _ in range(others + 1):
        user = make_candidate()
        make_application(contest, user=user)
        attempt = attempt_start(user=user, sitting=contest.sitting)
        answer_sections(attempt, dict.fromkeys(range(1, sections + 1), items // 2))
        if submit:
            with on_commit(execute=True):
                attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
            attempt.refresh_from_db()
            assert attempt.status == Attempt.Status.SCORED
        attempts.append((user, attempt))
    return contest, attempts


def _paper_reads(client, *, url, **taken):
    """Reads of the first candidate's paper at ``url``; growing swaps in a paper with three
    times the sections and items, at a sitting with three times the other candidates."""
    _contest, [(small_user, small), *_others] = _taken(sections=2, items=3, others=2, **taken)
    _contest, [(large_user, large), *_others] = _taken(sections=6, items=3, others=6, **taken)
    state = {"pk": small.pk}
    client.force_login(small_user)

    def read():
        return page(client, url.format(pk=state["pk"]))()

    def grow():
        state.update(pk=large.pk)
        client.force_login(large_user)

    return read, grow


def test_candidate_attempt_page(client, roles):
    read, grow = _paper_reads(client, url="/en/tests/attempt/{pk}/", submit=False)
    assert_flat("attempt page", read, grow)


def test_candidate_result_page(client, roles, django_capture_on_commit_callbacks):
    read, grow = _paper_reads(
        client,
        url="/en/tests/attempt/{pk}/result/",
        submit=True,
        on_commit=django_capture_on_commit_callbacks,
    )
    assert_flat("result page", read, grow)


def test_item_analysis_of_a_sitting(roles, django_capture_on_commit_callbacks):
    """Every answer is read in one query and every item's statistics written in one: three
    times the items and candidates (``bulk_create`` batches past ~90 items on SQLite)."""
    small, _attempts = _taken(
        sections=2, items=3, others=3, submit=True, on_commit=django_capture_on_commit_callbacks
    )
    large, _attempts = _taken(
        sections=2, items=9, others=11, submit=True, on_commit=django_capture_on_commit_callbacks
    )
    state = {"sitting": small.sitting}

    def analyse():
        assert sitting_analyse(sitting_id=state["sitting"].pk).attempts > 0

    assert_flat("item analysis", analyse, lambda: state.update(sitting=large.sitting))


def test_hr_test_results_api(client, roles, django_capture_on_commit_callbacks):
    from tests.testing_center.factories import make_application, make_candidate

    contest, _attempts = _taken(
        sections=2, items=3, others=3, submit=True, on_commit=django_capture_on_commit_callbacks
    )

    def grow():
        for n in range(8):
            user = make_candidate()
            make_application(contest, user=user)
            attempt = attempt_start(user=user, sitting=contest.sitting)
            if n % 2:
                with django_capture_on_commit_callbacks(execute=True):
                    attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)

    client.force_login(contest.hr)
    read = page(client, f"/api/v1/hr/competitions/{contest.competition.pk}/test-results/")
    assert_flat("API HR test results", read, grow)


def test_candidate_test_results_api(client, roles, django_capture_on_commit_callbacks):
    """The candidate's own results, item by item: three times the tests taken."""
    from tests.testing_center.factories import make_application, make_candidate, make_contest
    from tests.testing_center.helpers import answer_sections

    candidate = make_candidate()

    def sit(count):
        for _ in range(count):
            contest = make_contest(blueprint=_blueprint())
            make_application(contest, user=candidate)
            attempt = attempt_start(user=candidate, sitting=contest.sitting)
            answer_sections(attempt, {1: 2, 2: 1})
            with django_capture_on_commit_callbacks(execute=True):
                attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)

    sit(2)
    client.force_login(candidate)
    assert_flat("API my test results", page(client, "/api/v1/me/test-results/"), lambda: sit(4))


# --- The candidate's applications ----------------------------------------------------------


def _applied(candidate, count, *, staff=None):
    """``count`` more applications of the candidate, each with the test and personal-
    qualities results published and the test result appealed."""
    from tests.recruitment.factories import make_competition, make_staff

    staff = staff or make_staff()
    for _ in range(count):
        competition = make_competition(staff=staff)
        services.competition_publish(competition=competition, actor=staff.hr)
        application = services.application_submit(
            user=candidate.user,
            competition=competition,
            vacancy=competition.vacancies.get(),
            consent=True,
        )
        _results_and_appeals(candidate, application, stages=range(2))


def _results_and_appeals(candidate, application, *, stages: range):
    """Published results of the application's stages at ``stages`` (0 is the first), each
    appealed."""
    ordered = list(application.competition.stages.order_by("position"))
    for stage in ordered[stages.start : stages.stop]:
        StageResult.objects.create(
            application=application, stage=stage, score=Decimal(3), passed=True
        )
        Stage.objects.filter(pk=stage.pk).update(results_published_at=timezone.now())
        services.appeal_submit(
            user=candidate.user,
            application=application,
            stage=stage,
            text="Question 12 had two correct answers, please recheck.",
        )


@pytest.fixture
def applicant(roles):
    from tests.recruitment.factories import make_candidate

    return make_candidate()


def test_candidate_my_applications(client, applicant):
    _applied(applicant, 2)
    client.force_login(applicant.user)
    read = page(client, "/en/my/applications/")
    assert_flat("my applications", read, lambda: _applied(applicant, 4))


def test_candidate_my_applications_api(client, applicant):
    _applied(applicant, 2)
    client.force_login(applicant.user)
    read = page(client, "/api/v1/me/applications/")
    assert_flat("API my applications", read, lambda: _applied(applicant, 4))


def test_candidate_one_application(client, applicant):
    """One application's page: three times the published results and appeals, beside three
    times the candidate's other applications and the competition's other codes."""
    from tests.recruitment.factories import make_candidate, make_competition, make_staff

    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    application = services.application_submit(
        user=applicant.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )
    _results_and_appeals(applicant, application, stages=range(1))
    _applied(applicant, 1, staff=staff)

    def grow():
        _results_and_appeals(applicant, application, stages=range(1, 3))
        _applied(applicant, 2, staff=staff)
        for _ in range(4):
            services.application_submit(
                user=make_candidate().user,
                competition=competition,
                vacancy=competition.vacancies.get(),
                consent=True,
            )

    client.force_login(applicant.user)
    read = page(client, f"/en/my/applications/{application.pk}/")
    assert_flat("my application", read, grow)


# --- Ethics: the commissioner's dashboard and charts ---------------------------------------


def _cases(ministry, department, commissioner, count):
    """``count`` more reports in each body, received over the past year (every third with a
    file, every other one taken up by the commissioner), and a system case for every fifth."""
    from ethics.models import EthicsCase
    from ethics.services import case_assign, case_transition
    from tests.ethics.factories import pdf, report, system_case

    for n in range(count):
        for body in (ministry, department):
            case = report(body, attachments=[pdf()] if n % 3 == 0 else []).case
            if n % 2:
                case_assign(case=case, actor=commissioner, assignee=commissioner)
                case_transition(case=case, actor=commissioner, to_status="acknowledged")
            if n % 5 == 0:
                system_case(body)
            # Spread over the months the charts draw, one bar each.
            received = timezone.now() - dt.timedelta(days=30 * (EthicsCase.objects.count() % 11))
            EthicsCase.objects.filter(pk=case.pk).update(created_at=received)


@pytest.fixture
def ethics_world(roles):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from tests.factories import UserFactory

    ministry = make_state_body()
    department = make_state_body(parent=ministry)
    commissioner = UserFactory()
    staff_assign(user=commissioner, role=Role.ETHICS_COMMISSIONER, state_body=ministry)
    return ministry, department, commissioner


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("ethics dashboard", "/kk/ethics/dashboard/"),
        ("ethics dashboard, my queue searched", "/kk/ethics/dashboard/?queue=mine&q=Report"),
        ("ethics charts", "/kk/ethics/dashboard/charts/"),
    ],
)
def test_ethics_dashboard(client, ethics_world, name, url):
    ministry, department, commissioner = ethics_world
    _cases(ministry, department, commissioner, 4)
    client.force_login(commissioner)
    assert_flat(name, page(client, url), lambda: _cases(ministry, department, commissioner, 8))


# --- Evaluation: the manager's unit, HR's payroll results ----------------------------------


@pytest.fixture
def competencies(roles):
    from evaluation.models import Competency

    for position, code in enumerate(("professionalism", "initiative"), start=1):
        Competency.objects.create(
            code=code, name_kk=code, name_ru=code, name_en=code, position=position
        )


def _unit(ministry, *, people, periods):
    """A department of ``people`` employees under one manager, evaluated in the first
    ``periods`` quarters from 2024 Q1 (the last left half done), with citizens' ratings of
    a third of them. Returns the manager."""
    from eqyzmet.roles import Role
    from evaluation import services as evaluation
    from tests.evaluation.factories import (
        assessment_of,
        desk_officer,
        employee,
        open_cycle,
        pdf,
        person,
        score,
    )

    department = make_state_body(parent=ministry)
    manager = person(Role.MANAGER, department)
    staff = [employee(department, supervisor=manager, unit_head=manager) for _ in range(people)]
    for period in range(periods):
        cycle = open_cycle(department, year=2024 + period // 4, quarter=1 + period % 4)
        for n, emp in enumerate(staff):
            if period < periods - 1 or n % 2:
                score(
                    assessment_of(emp, cycle),
                    manager,
                    mark=3 + n % 3,
                    kpis=[
                        (Decimal(10), Decimal(8 + n % 5), 1),
                        (Decimal(5), Decimal(4), 2, "lower"),
                    ],
                )
    # Everyone belongs to a position family with one overdue mandatory course; a third
    # has recorded it (so both training queries run, on more rows in the larger unit).
    from tests.evaluation.development_factories import family, join, mandatory

    fam = family(levels={"professionalism": 3}, code=f"family-{department.pk}")
    requirement = mandatory(fam, title=f"Ethics {department.pk}", days=-5)
    for n, emp in enumerate(staff):
        join(emp, fam)
        if n % 3 == 0:
            evaluation.completion_record(
                employee=emp,
                actor=emp.user,
                course=requirement.course,
                completed_on=requirement.due_date,
                evidence=pdf(),
            )
    desk = desk_officer(department)
    for emp in staff[::3]:
        issued = evaluation.citizen_link_issue(employee=emp, actor=desk, service="Help")
        evaluation.citizen_rating_submit(token=issued.token, score=4, comment="Good")
    return manager


def test_manager_unit_page(client, competencies):
    """A unit three times the size, with three times the quarters on its trend line."""
    ministry = make_state_body()
    small = _unit(ministry, people=3, periods=2)
    large = _unit(ministry, people=9, periods=6)
    client.force_login(small)
    read = page(client, "/en/evaluation/unit/")
    assert_flat("manager unit page", read, lambda: client.force_login(large))


def test_hr_evaluation_results_api(client, competencies):
    from eqyzmet.roles import Role
    from tests.evaluation.factories import person

    ministry = make_state_body()
    hr = person(Role.HR_OFFICER, ministry)
    _unit(ministry, people=3, periods=1)
    client.force_login(hr)
    read = page(client, "/api/v1/hr/evaluation-results/")
    assert_flat("API HR evaluation results", read, lambda: _unit(ministry, people=6, periods=1))
