"""The four things a candidate would take to court, found by trying the demo (issue 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from eqyzmet.errors import ApplicationError
from recruitment import services
from recruitment.models import Appeal, Application, Competition, IdentityReveal, Stage
from recruitment.public import stage_result_record
from tests.recruitment.factories import make_candidate, make_competition, make_staff
from tests.recruitment.test_rules import _owner

pytestmark = pytest.mark.django_db
S = Competition.Status


@pytest.fixture
def staff(roles):
    return make_staff()


def _open_and_close(staff, plan, n):
    competition = make_competition(staff=staff, plan=plan)
    services.competition_publish(competition=competition, actor=staff.hr)
    vacancy = competition.vacancies.get()
    applications = [
        services.application_submit(
            user=make_candidate().user, competition=competition, vacancy=vacancy, consent=True
        )
        for _ in range(n)
    ]
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    services.competition_close_applications(competition=competition, actor=staff.hr)
    return competition, applications


def _mark(competition, scores: dict):
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for application, score in scores.items():
            services.commission_mark(
                member=member, application=application, score=Decimal(str(score))
            )


def _status(application):
    return Application.objects.get(pk=application.pk)


def _past_appeal_windows(competition):
    days = competition.appeal_window_days + 1
    for stage in competition.stages.exclude(results_published_at=None):
        Stage.objects.filter(pk=stage.pk).update(
            results_published_at=stage.results_published_at - dt.timedelta(days=days)
        )


# 1. An upheld appeal re-ranks ---------------------------------------------------------------


def test_an_upheld_appeal_after_publication_brings_the_candidate_back_into_the_ranking(staff):
    competition, apps = _open_and_close(
        staff,
        [
            (Stage.Kind.PERSONAL_QUALITIES, "100", None, None, "0"),
            (Stage.Kind.ESSAY, "5", "3", None, "1"),
        ],
        n=4,
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    pq = competition.stages.get(kind=Stage.Kind.PERSONAL_QUALITIES)
    for a in apps:
        stage_result_record(application_id=a.pk, stage_id=pq.pk, score=Decimal(60), passed=True)
    services.competition_advance(competition=competition, actor=staff.hr)
    _mark(competition, dict(zip(apps, [5, 4, "3.5", "2.5"], strict=True)))
    services.competition_advance(competition=competition, actor=staff.hr)
    services.competition_publish_results(competition=competition, actor=staff.hr)
    failed = _status(apps[3])
    assert failed.status == Application.Status.ELIMINATED

    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    appeal = services.appeal_submit(
        user=_owner(apps[3]),
        application=apps[3],
        stage=essay,
        text="The second argument of my essay was not read by the commission at all.",
    )
    services.appeal_decide(
        appeal=appeal,
        actor=staff.hr,
        upheld=True,
        answer="Upheld: the commission re-read the essay.",
        corrected_score=Decimal("4.5"),
    )
    back = _status(apps[3])
    assert back.status != Application.Status.ELIMINATED
    assert back.final_score == Decimal("4.500")
    ranks = {a.pk: _status(a).rank for a in apps}
    assert ranks == {apps[0].pk: 1, apps[3].pk: 2, apps[1].pk: 3, apps[2].pk: 4}
    statuses = {a.pk: _status(a).status for a in apps}
    assert statuses == {
        apps[0].pk: Application.Status.WINNER,
        apps[3].pk: Application.Status.RESERVE,
        apps[1].pk: Application.Status.RESERVE,
        apps[2].pk: Application.Status.NOT_SELECTED,
    }
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.UPHELD


# 2. A test stage cannot end while its window is open; no appointment inside the appeal window


def test_a_test_stage_cannot_end_while_its_window_is_open_and_codes_have_not_sat(staff):
    competition, apps = _open_and_close(
        staff,
        [
            (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
            (Stage.Kind.ESSAY, "5", "3", None, "1"),
        ],
        n=4,
    )
    test = competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    Stage.objects.filter(pk=test.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=1),
        closes_at=timezone.now() + dt.timedelta(days=20),
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    stage_result_record(application_id=apps[0].pk, stage_id=test.pk, score=Decimal(40), passed=True)
    with pytest.raises(ApplicationError, match="3") as refused:
        services.competition_advance(competition=competition, actor=staff.hr)
    assert refused.value.code == "window_open"
    assert {_status(a).status for a in apps} == {Application.Status.ADMITTED}
    assert Competition.objects.get(pk=competition.pk).status == S.TESTING

    # When the window has closed, those who never sat it are out: a missed window.
    Stage.objects.filter(pk=test.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    services.competition_advance(competition=competition, actor=staff.hr)
    assert _status(apps[0]).status == Application.Status.ADMITTED
    assert {_status(a).status for a in apps[1:]} == {Application.Status.ELIMINATED}


def test_nobody_is_appointed_inside_the_appeal_window(staff):
    competition, apps = _open_and_close(staff, [(Stage.Kind.ESSAY, "5", "3", None, "1")], n=2)
    services.competition_advance(competition=competition, actor=staff.hr)
    _mark(competition, dict(zip(apps, [5, 4], strict=True)))
    services.competition_advance(competition=competition, actor=staff.hr)
    services.competition_publish_results(competition=competition, actor=staff.hr)
    winner = Application.objects.get(competition=competition, rank=1)
    services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    with pytest.raises(ApplicationError) as refused:
        services.application_appoint(application=winner, actor=staff.hr)
    assert refused.value.code == "appeal_window_open"
    assert _status(winner).status == Application.Status.WINNER
    _past_appeal_windows(competition)
    services.application_appoint(application=winner, actor=staff.hr)
    assert _status(winner).status == Application.Status.APPOINTED


# 3. "Lock the ranking" never opens the interview -----------------------------------------


def test_locking_the_ranking_while_written_stages_are_locked_is_refused(staff):
    competition, apps = _open_and_close(
        staff,
        [
            (Stage.Kind.ESSAY, "5", "3", None, "1"),
            (Stage.Kind.INTERVIEW, "5", "3", 2, "1"),
        ],
        n=3,
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    _mark(competition, dict(zip(apps, [5, 4, "3.5"], strict=True)))
    services.competition_advance(competition=competition, actor=staff.hr)
    assert Competition.objects.get(pk=competition.pk).status == S.WRITTEN_LOCKED
    with pytest.raises(ApplicationError) as refused:
        services.competition_lock_ranking(competition=competition, actor=staff.hr)
    assert refused.value.code == "illegal_transition"
    assert Competition.objects.get(pk=competition.pk).status == S.WRITTEN_LOCKED

    # Nor may the commission mark interviews before the interview stage has begun.
    shortlisted = Application.objects.filter(
        competition=competition, current_stage__kind=Stage.Kind.INTERVIEW
    ).first()
    services.application_reveal(
        application=shortlisted,
        actor=staff.hr,
        purpose=IdentityReveal.Purpose.INTERVIEW,
        reason="Interview shortlist for the commission",
    )
    member = competition.commission.first()
    with pytest.raises(ApplicationError):
        services.commission_mark(member=member, application=shortlisted, score=Decimal(4))
    assert not shortlisted.results.filter(stage__kind=Stage.Kind.INTERVIEW).exists()


# 4. Each stage's results reach candidates when the stage ends -----------------------------


def test_ending_a_stage_publishes_its_results_so_an_eliminated_candidate_can_appeal(staff):
    competition, apps = _open_and_close(
        staff,
        [
            (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
            (Stage.Kind.ESSAY, "5", "3", None, "1"),
        ],
        n=2,
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    test = competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    stage_result_record(application_id=apps[0].pk, stage_id=test.pk, score=Decimal(40), passed=True)
    stage_result_record(
        application_id=apps[1].pk, stage_id=test.pk, score=Decimal(25), passed=False
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    test.refresh_from_db()
    assert test.results_published_at is not None
    assert _status(apps[1]).status == Application.Status.ELIMINATED
    appeal = services.appeal_submit(
        user=_owner(apps[1]),
        application=apps[1],
        stage=test,
        text="Question 12 had two correct options; please check the key of that item.",
    )
    assert appeal.status == Appeal.Status.SUBMITTED


def test_a_correction_that_moves_the_winner_after_a_reveal_names_the_codes_and_needs_a_reason(
    staff,
):
    from eqyzmet.models import AuditEvent

    competition, apps = _open_and_close(staff, [(Stage.Kind.ESSAY, "5", "3", None, "1")], n=3)
    services.competition_advance(competition=competition, actor=staff.hr)
    _mark(competition, dict(zip(apps, ["4.5", 4, "3.5"], strict=True)))
    services.competition_advance(competition=competition, actor=staff.hr)
    services.competition_publish_results(competition=competition, actor=staff.hr)
    winner = Application.objects.get(competition=competition, rank=1)
    services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    appeal = services.appeal_submit(
        user=_owner(apps[1]),
        application=apps[1],
        stage=essay,
        text="Two criteria of the rubric were not applied to my essay at all.",
    )
    decide = {
        "appeal": appeal,
        "actor": staff.hr,
        "upheld": True,
        "answer": "Upheld after a second reading.",
        "corrected_score": Decimal(5),
    }
    with pytest.raises(ApplicationError) as refused:
        services.appeal_decide(**decide)
    assert refused.value.code == "crosses_winner_line"
    assert winner.code in refused.value.message and apps[1].code in refused.value.message
    assert Appeal.objects.get(pk=appeal.pk).status == Appeal.Status.SUBMITTED  # nothing changed
    assert _status(winner).status == Application.Status.WINNER

    services.appeal_decide(**decide, reason="The commission's second reading changes the order")
    assert _status(apps[1]).status == Application.Status.WINNER
    assert _status(winner).status == Application.Status.RESERVE
    reranked = AuditEvent.objects.filter(action="competition.reranked").latest("seq")
    assert reranked.details["reason"].startswith("The commission's second reading")
