"""A whole competition, from draft to appointment, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from eqyzmet.audit import audit_verify
from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from recruitment import services
from recruitment.models import Application, Competition, IdentityReveal, ReserveEntry, Stage
from recruitment.public import stage_result_record
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db

S = Competition.Status


def _close_window(competition):
    Competition.objects.filter(pk=competition.pk).update(
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
        applications_open_at=timezone.now() - dt.timedelta(days=1),
    )
    competition.refresh_from_db()


def _stage(competition, kind):
    return competition.stages.get(kind=kind)


def _record(competition, kind, scores: dict, passed=None):
    stage = _stage(competition, kind)
    for application, score in scores.items():
        stage_result_record(
            application_id=application.pk,
            stage_id=stage.pk,
            score=Decimal(score),
            passed=True if passed is None else passed(application),
        )


def _declare_all(competition):
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)


def _mark_all(competition, scores: dict):
    for member in competition.commission.all():
        for application, score in scores.items():
            services.commission_mark(member=member, application=application, score=Decimal(score))


def test_a_whole_competition_from_draft_to_appointment(roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    vacancy = competition.vacancies.get()
    services.competition_publish(competition=competition, actor=staff.hr)

    candidates = [make_candidate() for _ in range(8)]
    ineligible = make_candidate(public_years=0)
    applications = [
        services.application_submit(
            user=c.user, competition=competition, vacancy=vacancy, consent=True
        )
        for c in candidates
    ]
    rejected = services.application_submit(
        user=ineligible.user, competition=competition, vacancy=vacancy, consent=True
    )
    assert rejected.status == Application.Status.INELIGIBLE
    assert all(a.status == Application.Status.ADMITTED for a in applications)
    assert len({a.code for a in applications}) == 8

    _close_window(competition)
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.TESTING

    # Legislation test: the last candidate fails.
    _record(
        competition,
        Stage.Kind.LEGISLATION_TEST,
        dict.fromkeys(applications, 40),
        passed=lambda a: a != applications[-1],
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.TESTING
    applications[-1].refresh_from_db()
    assert applications[-1].status == Application.Status.ELIMINATED

    # Personal qualities: a tie at the fifth place widens the essay group to six.
    pq = dict(zip(applications[:7], [90, 85, 80, 75, 70, 70, 50], strict=True))
    _record(competition, Stage.Kind.PERSONAL_QUALITIES, pq)
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.ESSAY
    essay_group = list(
        Application.objects.filter(
            competition=competition, current_stage__kind="essay", status="admitted"
        )
    )
    assert len(essay_group) == 6
    applications[6].refresh_from_db()
    assert applications[6].status == Application.Status.NOT_SELECTED

    _declare_all(competition)
    essays = dict(zip(sorted(essay_group, key=lambda a: a.pk), [5, 4, 4, 3, 3, 2], strict=True))
    _mark_all(competition, essays)
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.WRITTEN_LOCKED
    # The essay score 2 is below the pass mark 3; the best three (5, 4, 4) go on.
    shortlist = list(
        Application.objects.filter(
            competition=competition, current_stage__kind="interview", status="admitted"
        )
    )
    assert len(shortlist) == 3

    # Interviews cannot be blind: the shortlist is revealed to the commission, on the record.
    for application in shortlist:
        services.application_reveal(
            application=application,
            actor=staff.hr,
            purpose=IdentityReveal.Purpose.INTERVIEW,
            reason="Interview shortlist for the commission",
        )
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.INTERVIEW

    interview = dict(zip(sorted(shortlist, key=lambda a: a.pk), [3, 5, 4], strict=True))
    _mark_all(competition, interview)
    services.competition_lock_ranking(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.RANKING_LOCKED
    ranked = sorted(shortlist, key=lambda a: Application.objects.get(pk=a.pk).rank)
    winner = Application.objects.get(pk=ranked[0].pk)
    assert winner.rank == 1
    assert winner.final_score == max(
        Application.objects.filter(pk__in=[a.pk for a in shortlist]).values_list(
            "final_score", flat=True
        )
    )

    # Locked: scores cannot change any more except through an appeal.
    with pytest.raises(ApplicationError):
        stage_result_record(
            application_id=winner.pk,
            stage_id=_stage(competition, Stage.Kind.ESSAY).pk,
            score=Decimal(1),
            passed=False,
        )

    services.competition_publish_results(competition=competition, actor=staff.hr)
    winner.refresh_from_db()
    assert winner.status == Application.Status.WINNER
    assert ReserveEntry.objects.filter(application__competition=competition).count() == 2

    services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    # Nobody is appointed while candidates may still appeal.
    with pytest.raises(ApplicationError, match="appeal"):
        services.application_appoint(application=winner, actor=staff.hr)
    for stage in competition.stages.all():
        Stage.objects.filter(pk=stage.pk).update(
            results_published_at=stage.results_published_at
            - dt.timedelta(days=competition.appeal_window_days + 1)
        )
    services.application_appoint(application=winner, actor=staff.hr)
    winner.refresh_from_db()
    assert winner.status == Application.Status.APPOINTED
    services.competition_close(competition=competition, actor=staff.hr)

    assert audit_verify().ok
    # Candidate actions are on the record by code, never by person.
    submitted = AuditEvent.objects.filter(action="application.submitted")
    assert submitted.count() == 9
    assert set(submitted.values_list("actor_id", flat=True)) == {None}


def test_illegal_transitions_are_refused_with_a_message(roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    with pytest.raises(ApplicationError, match="cannot go from"):
        services.competition_close(competition=competition, actor=staff.hr)
    with pytest.raises(ApplicationError, match="only after the ranking is locked"):
        services.competition_publish_results(competition=competition, actor=staff.hr)
    with pytest.raises(ApplicationError):
        services.competition_close_applications(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.DRAFT


def test_applications_cannot_close_before_the_announced_deadline(roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    with pytest.raises(ApplicationError, match="deadline"):
        services.competition_close_applications(competition=competition, actor=staff.hr)


def test_a_competition_without_a_commission_cannot_be_published(roles):
    staff = make_staff(members=1)
    competition = make_competition(staff=staff)
    with pytest.raises(ApplicationError, match="commission"):
        services.competition_publish(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.DRAFT
