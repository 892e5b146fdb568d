"""The evaluation procedure through its services: scoring order, results, answers,
360 anonymity, citizens' links, frozen rules, annual scores, reminders and retention."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.functional import Promise

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from evaluation import selectors, services
from evaluation.models import (
    Assessment,
    CitizenRatingLink,
    Cycle,
    EvaluationRules,
    FeedbackInvitation,
    FeedbackResponse,
    Kpi,
)
from tests.evaluation.factories import (
    assessment_of,
    desk_officer,
    employee,
    marks,
    open_cycle,
    pdf,
    person,
    score,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def emp(department, manager, competencies):
    return employee(department, supervisor=manager, unit_head=manager)


@pytest.fixture
def desk(department):
    return desk_officer(department)


def test_opening_a_cycle_freezes_rules_and_creates_one_assessment_per_employee(
    ministry, department, manager, competencies
):
    a, b = employee(department, supervisor=manager), employee(ministry)
    cycle = open_cycle(ministry, year=2025, quarter=4)
    assert cycle.status == Cycle.Status.OPEN
    assert cycle.due_date == dt.date(2026, 1, 20)
    assert cycle.rules["kpi_weight"] == 50
    assert set(cycle.assessments.values_list("employee_id", flat=True)) == {a.pk, b.pk}
    # A department cycle for the same quarter does not evaluate anyone twice.
    dept_cycle = open_cycle(department, year=2025, quarter=4)
    assert dept_cycle.assessments.count() == 0
    assert AuditEvent.objects.filter(action="evaluation.cycle.opened").count() == 2


def test_cycle_transitions_are_one_way(ministry):
    cycle = open_cycle(ministry)
    services.cycle_close(cycle=cycle)
    with pytest.raises(ApplicationError):
        services.cycle_open(cycle=cycle)
    with pytest.raises(ApplicationError):
        services.cycle_close(cycle=cycle)
    with pytest.raises(ApplicationError):
        services.cycle_create(state_body=ministry, year=2025, quarter=1)


def test_one_person_as_supervisor_and_head_issues_the_result_at_once(emp, manager, department):
    cycle = open_cycle(department)
    assessment = score(
        assessment_of(emp, cycle),
        manager,
        mark=4,
        kpis=[(D(100), D(90), 1), (D(5), D(4), 1, "lower")],  # 0.9 and lower-is-better 1.2 -> 1.05
    )
    assert assessment.status == Assessment.Status.FINALIZED
    assert assessment.kpi_score == D("100.00")  # weighted 105 capped at 100
    assert assessment.competency_score == D("80.00")
    assert assessment.feedback_score is None and assessment.citizen_score is None
    # (50*100 + 30*80) / 80
    assert assessment.composite == D("92.50")
    assert assessment.band == Assessment.Band.EXCEEDS
    assert (assessment.bonus_tier, assessment.bonus_percent) == (2, 20)
    assert assessment.respond_by == timezone.localdate() + dt.timedelta(days=10)


def test_supervisor_first_then_head_and_both_ratings_count(department, competencies):
    head = person()
    supervisor = person()
    emp = employee(department, supervisor=supervisor, unit_head=head)
    assessment = assessment_of(emp, open_cycle(department))
    with pytest.raises(ApplicationError) as refused:
        services.assessment_score(assessment=assessment, actor=head, ratings=marks(5))
    assert refused.value.code == "supervisor_first"
    services.assessment_score(assessment=assessment, actor=supervisor, ratings=marks(3))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUPERVISOR_DONE
    with pytest.raises(ApplicationError):
        services.assessment_score(assessment=assessment, actor=supervisor, ratings=marks(3))
    services.assessment_score(assessment=assessment, actor=head, ratings=marks(5))
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINALIZED
    assert assessment.competency_score == D("80.00")  # mean of 3 and 5
    assert assessment.composite == D("80.00")  # the only component with data


def test_a_stranger_cannot_score_and_a_missing_rating_changes_nothing(emp, department, manager):
    assessment = assessment_of(emp, open_cycle(department))
    with pytest.raises(ApplicationError):
        services.assessment_score(assessment=assessment, actor=person(), ratings=marks(4))
    incomplete = marks(4)
    incomplete.popitem()
    with pytest.raises(ApplicationError) as refused:
        services.assessment_score(assessment=assessment, actor=manager, ratings=incomplete)
    assert refused.value.code == "rating_missing"
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert not assessment.competency_ratings.exists()


def test_kpi_input_is_checked(emp, department, manager):
    assessment = assessment_of(emp, open_cycle(department))
    for bad in ({"target": "0"}, {"target": "abc"}, {"target": "10", "weight": 0}):
        with pytest.raises(ApplicationError):
            services.kpi_add(
                assessment=assessment,
                actor=manager,
                name="Requests",
                **{"weight": 1, **bad},
            )
    assert not Kpi.objects.exists()
    kpi = services.kpi_add(
        assessment=assessment, actor=manager, name="Requests", target=10, weight=1
    )
    with pytest.raises(ApplicationError):
        services.kpi_report(kpi=kpi, actor=emp.user, actual="-1")
    with pytest.raises(ApplicationError):
        services.kpi_report(kpi=kpi, actor=person(), actual="5")
    services.kpi_report(kpi=kpi, actor=emp.user, actual="7,5")
    kpi.refresh_from_db()
    assert kpi.actual == D("7.50")


def test_evidence_is_sniffed_size_limited_and_stored_privately(emp, department, manager, settings):
    assessment = assessment_of(emp, open_cycle(department))
    kpi = services.kpi_add(assessment=assessment, actor=manager, name="Reports", target=4, weight=1)
    disguised = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ApplicationError) as refused:
        services.kpi_report(kpi=kpi, actor=emp.user, evidence=disguised)
    assert refused.value.code == "file_type"
    with pytest.raises(ApplicationError) as refused:
        services.kpi_report(
            kpi=kpi, actor=emp.user, evidence=pdf(size=services.EVIDENCE_MAX_BYTES + 1)
        )
    assert refused.value.code == "file_too_large"
    kpi.refresh_from_db()
    assert not kpi.evidence
    services.kpi_report(kpi=kpi, actor=emp.user, evidence=pdf("my report.pdf"))
    kpi.refresh_from_db()
    assert kpi.evidence_type == "application/pdf"
    assert kpi.evidence_name == "my_report.pdf"
    stored = settings.MEDIA_ROOT / kpi.evidence.name
    assert stored.exists() and stored.suffix == ""
    assert kpi.evidence.name.startswith("evaluation/")


# --- 360 feedback ------------------------------------------------------------------------


def _answer(assessment, people, mark=4):
    for respondent in people:
        invitation = FeedbackInvitation.objects.get(assessment=assessment, respondent=respondent)
        services.feedback_submit(
            invitation=invitation,
            actor=respondent,
            collaboration=mark,
            reliability=mark,
            respect=mark,
        )


def test_two_360_answers_give_no_aggregate_and_no_score(emp, department, manager):
    assessment = assessment_of(emp, open_cycle(department))
    peers = [person(), person()]
    services.feedback_invite(
        assessment=assessment, actor=manager, respondents=peers, relation="peer"
    )
    _answer(assessment, peers, mark=5)
    assert selectors.feedback_aggregate(assessment=assessment) is None
    assessment = score(assessment, manager)
    assert assessment.feedback_score is None


def test_three_360_answers_give_an_aggregate_and_a_score(emp, department, manager):
    assessment = assessment_of(emp, open_cycle(department))
    peers = [person(), person(), person()]
    services.feedback_invite(
        assessment=assessment, actor=manager, respondents=peers, relation="peer"
    )
    _answer(assessment, peers[:2], mark=5)
    _answer(assessment, peers[2:], mark=2)
    assert selectors.feedback_aggregate(assessment=assessment) is None  # the round is open
    services.feedback_round_close(assessment=assessment, actor=manager)
    aggregate = selectors.feedback_aggregate(assessment=assessment)
    assert aggregate.respondents == 3
    assert aggregate.collaboration == D("4.00")
    assert score(assessment, manager).feedback_score == D("80.00")


def test_a_360_answer_is_stored_without_the_person_and_only_once(emp, department, manager):
    assessment = assessment_of(emp, open_cycle(department))
    peer = person()
    services.feedback_invite(
        assessment=assessment, actor=manager, respondents=[peer, emp.user], relation="peer"
    )
    # The evaluated employee is never asked about themselves.
    assert list(FeedbackInvitation.objects.values_list("respondent", flat=True)) == [peer.pk]
    _answer(assessment, [peer])
    with pytest.raises(ApplicationError):
        _answer(assessment, [peer])
    assert FeedbackResponse.objects.count() == 1
    field_names = {f.name for f in FeedbackResponse._meta.get_fields()}
    assert field_names == {"id", "assessment", "collaboration", "reliability", "respect"}
    event = AuditEvent.objects.get(action="evaluation.feedback.answered")
    assert event.actor_id is None and event.details == {}


# --- Citizens' ratings -------------------------------------------------------------------


def test_citizen_link_token_is_stored_only_as_a_hash(emp, desk):
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Certificate")
    link = CitizenRatingLink.objects.get()
    assert issued.token not in link.token_hash
    assert link.token_hash == services.token_hash(issued.token)
    assert len(issued.token) == services.TOKEN_LENGTH


def test_a_citizen_link_rates_once_and_the_second_use_changes_nothing(emp, desk):
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Certificate")
    services.citizen_rating_submit(token=issued.code, score=5, comment="Fast and polite")
    with pytest.raises(ApplicationError) as refused:
        services.citizen_rating_submit(token=issued.token, score=1, comment="changed my mind")
    assert refused.value.code == "used_link"
    # A translatable message (gettext_lazy), rendered in the visitor's language.
    assert isinstance(refused.value.message, Promise)
    assert str(refused.value.message) == str(services.USED_LINK)
    link = CitizenRatingLink.objects.get()
    assert (link.score, link.comment) == (5, "Fast and polite")
    assert AuditEvent.objects.filter(action="evaluation.citizen_rating.given").count() == 1


def test_citizen_link_refuses_bad_scores_unknown_and_expired_tokens(emp, desk):
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Certificate")
    for bad in (0, 6, "5"):
        with pytest.raises(ApplicationError):
            services.citizen_rating_submit(token=issued.token, score=bad)
    with pytest.raises(ApplicationError) as refused:
        services.citizen_rating_submit(token="ABCD-EFGH-JKLM", score=5)
    assert refused.value.code == "invalid_link"
    CitizenRatingLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(ApplicationError) as refused:
        services.citizen_rating_submit(token=issued.token, score=5)
    assert refused.value.code == "expired_link"
    assert CitizenRatingLink.objects.get().rated_at is None


def test_only_the_service_desk_issues_links_never_the_employee(emp):
    for actor in (person(), emp.user, None):
        with pytest.raises(ApplicationError):
            services.citizen_link_issue(employee=emp, actor=actor, service="Certificate")


def test_citizen_ratings_in_the_period_count_in_the_result(emp, department, manager, desk):
    cycle = open_cycle(
        department,
        year=timezone.localdate().year,
        quarter=(timezone.localdate().month - 1) // 3 + 1,
    )
    for value in (5, 4, 3):
        issued = services.citizen_link_issue(employee=emp, actor=desk, service="Help")
        services.citizen_rating_submit(token=issued.token, score=value)
    result = score(assessment_of(emp, cycle), manager, mark=4, kpis=[])
    assert result.citizen_score == D("80.00")
    # (30*80 + 10*80) / 40
    assert result.composite == D("80.00")


# --- Frozen rules ------------------------------------------------------------------------


def test_a_body_changing_its_rules_does_not_alter_a_closed_cycle(emp, department, manager):
    cycle = open_cycle(department, year=2025, quarter=1)
    result = score(assessment_of(emp, cycle), manager, mark=4, kpis=[(D(100), D(80), 1)])
    before = (result.composite, result.band, result.bonus_tier, result.bonus_percent)
    assert before == (D("80.00"), "meets", 3, 10)
    services.cycle_close(cycle=cycle)

    rules = EvaluationRules(
        state_body=department,
        kpi_weight=20,
        competency_weight=60,
        feedback_weight=10,
        citizen_weight=10,
        exceeds_min=D("75"),
        meets_min=D("60"),
        partly_min=D("40"),
        tier1_min=D("78"),
        tier2_min=D("70"),
        tier3_min=D("60"),
    )
    services.rules_save(rules=rules, actor=None)

    result.refresh_from_db()
    cycle.refresh_from_db()
    assert (result.composite, result.band, result.bonus_tier, result.bonus_percent) == before
    assert cycle.rules["exceeds_min"] == "90"
    # A later review of the closed cycle still bands with the frozen rules.
    services.assessment_contest(assessment=result, actor=emp.user, reason="The KPI data was wrong.")
    services.assessment_review_decide(
        assessment=result,
        actor=manager,
        outcome="revised",
        note="Data fixed",
        revised_composite=D("76"),
    )
    result.refresh_from_db()
    assert (result.band, result.bonus_tier) == ("meets", 3)  # new rules would say exceeds/tier 2
    # The next cycle follows the new rules.
    next_cycle = open_cycle(department, year=2025, quarter=2)
    assert next_cycle.rules["exceeds_min"] == "75.00"
    assert next_cycle.rules["kpi_weight"] == 20


def test_rules_that_do_not_add_up_are_refused(department):
    rules = EvaluationRules(state_body=department, kpi_weight=90)
    with pytest.raises(ApplicationError):
        services.rules_save(rules=rules, actor=None)
    assert not EvaluationRules.objects.exists()


def test_a_sub_body_inherits_the_nearest_rules(ministry, department):
    services.rules_save(
        rules=EvaluationRules(state_body=ministry, kpi_weight=40, competency_weight=40), actor=None
    )
    assert services.rules_for_body(department)["kpi_weight"] == 40


# --- Acknowledge, contest, review --------------------------------------------------------


@pytest.fixture
def result(emp, department, manager):
    return score(assessment_of(emp, open_cycle(department)), manager)


def test_the_employee_acknowledges_within_the_deadline(result, emp):
    with pytest.raises(ApplicationError):
        services.assessment_acknowledge(assessment=result, actor=person())
    late = result.respond_by + dt.timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        services.assessment_acknowledge(assessment=result, actor=emp.user, today=late)
    assert refused.value.code == "too_late"
    services.assessment_acknowledge(assessment=result, actor=emp.user, today=result.respond_by)
    result.refresh_from_db()
    assert result.status == Assessment.Status.ACKNOWLEDGED
    with pytest.raises(ApplicationError):
        services.assessment_contest(assessment=result, actor=emp.user, reason="Too late to say so.")


def test_a_contest_goes_to_review_and_is_decided(result, emp, hr_officer):
    with pytest.raises(ApplicationError):
        services.assessment_contest(assessment=result, actor=emp.user, reason="short")
    services.assessment_contest(
        assessment=result, actor=emp.user, reason="My KPI evidence was ignored."
    )
    result.refresh_from_db()
    assert result.status == Assessment.Status.CONTESTED and result.ethics_case_id is None
    with pytest.raises(ApplicationError):
        services.assessment_review_decide(
            assessment=result, actor=hr_officer, outcome="revised", note="x", revised_composite=None
        )
    services.assessment_review_decide(
        assessment=result, actor=hr_officer, outcome="upheld", note="The evidence was considered."
    )
    result.refresh_from_db()
    assert result.status == Assessment.Status.REVIEWED
    assert result.review_outcome == "upheld"


def test_a_contest_on_ethical_grounds_becomes_an_ethics_case(result, emp):
    from ethics.models import EthicsCase

    services.assessment_contest(
        assessment=result,
        actor=emp.user,
        reason="The head pressures me because I refused unpaid weekend work.",
        is_ethical=True,
    )
    result.refresh_from_db()
    case = EthicsCase.objects.get(pk=result.ethics_case_id)
    assert case.category == "evaluation_contest"
    assert case.state_body_id == emp.state_body_id
    assert case.dedupe_key == f"evaluation:contest:{result.pk}"
    # No personal data crosses to the ethics app: the evidence names the assessment only.
    assert emp.user.email not in str(case.evidence)


# --- Annual, reminders, retention ----------------------------------------------------------


def _quarters(emp, department, manager, scores: dict[int, int]):
    for quarter, mark in scores.items():
        cycle = open_cycle(department, year=2025, quarter=quarter)
        score(assessment_of(emp, cycle), manager, mark=mark, kpis=[])


def test_annual_score_is_the_average_of_quarters_and_skips_a_missing_one(emp, department, manager):
    _quarters(emp, department, manager, {1: 5, 2: 4, 4: 3})  # 100, 80, 60; Q3 missing
    assert services.annual_due_run(today=dt.date(2026, 1, 20)) == 0
    assert services.annual_due_run(today=dt.date(2026, 1, 21)) == 1
    annual = Assessment.objects.get(cycle__kind=Cycle.Kind.ANNUAL)
    assert annual.composite == D("80.00")
    assert annual.quarters_counted == 3
    assert annual.band == "meets"
    assert annual.cycle.due_date == dt.date(2026, 1, 30)
    # Idempotent: a second (or tenth) run adds nothing and audits nothing new.
    events = AuditEvent.objects.count()
    assert services.annual_due_run(today=dt.date(2026, 1, 30)) == 0
    assert Assessment.objects.filter(cycle__kind=Cycle.Kind.ANNUAL).count() == 1
    assert AuditEvent.objects.count() == events


def test_the_beat_task_computes_annual_results(emp, department, manager, monkeypatch):
    from evaluation import tasks

    _quarters(emp, department, manager, {1: 4})
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 1, 25))
    assert tasks.compute_annual_results.delay().get() == 1
    assert tasks.compute_annual_results.delay().get() == 0


def test_reminders_go_once_per_assessment_and_deadline(emp, department, manager):
    cycle = open_cycle(department, year=2025, quarter=1)  # due 2025-04-20, remind from 04-15
    assessment = assessment_of(emp, cycle)
    assert services.reminders_send(today=dt.date(2025, 4, 14)) == 0
    assert services.reminders_send(today=dt.date(2025, 4, 15)) == 1
    assert services.reminders_send(today=dt.date(2025, 4, 16)) == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [manager.email]
    # Once the result is issued, the employee gets one reminder for their own deadline.
    score(assessment, manager)
    assessment.refresh_from_db()
    day = assessment.respond_by - dt.timedelta(days=2)
    assert services.reminders_send(today=day) == 1
    assert services.reminders_send(today=day) == 0
    assert mail.outbox[-1].to == [emp.user.email]


def test_results_older_than_three_years_are_purged_and_audited(emp, department, manager, settings):
    old = open_cycle(department, year=2021, quarter=4)  # ends 2021-12-31
    recent = open_cycle(department, year=2023, quarter=1)
    assessment = assessment_of(emp, old)
    kpi = services.kpi_add(assessment=assessment, actor=manager, name="Reports", target=1, weight=1)
    services.kpi_report(kpi=kpi, actor=emp.user, evidence=pdf())
    kpi.refresh_from_db()
    stored = settings.MEDIA_ROOT / kpi.evidence.name
    assert stored.exists()
    assert services.results_purge(today=dt.date(2024, 12, 31)) == 0
    with django_capture_on_commit():
        assert services.results_purge(today=dt.date(2025, 1, 1)) == 1
    assert not Cycle.objects.filter(pk=old.pk).exists()
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert Cycle.objects.filter(pk=recent.pk).exists()
    event = AuditEvent.objects.get(action="evaluation.cycle.purged")
    assert event.details["assessments"] == 1 and event.details["evidence_files"] == 1
    assert not stored.exists()


class django_capture_on_commit:
    """Run on_commit callbacks inside the test's transaction."""

    def __enter__(self):
        from django.db import connection

        self.connection = connection
        self.start = len(connection.run_on_commit)

    def __exit__(self, *exc):
        callbacks = self.connection.run_on_commit[self.start :]
        self.connection.run_on_commit[self.start :] = []
        for _sids, callback, _robust in callbacks:
            callback()
