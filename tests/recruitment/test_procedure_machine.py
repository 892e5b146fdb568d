"""The competition procedure under random sequences of everyone's actions.

HR, the commission, candidates and the clock act in any order against the real services;
after every step the invariants a court would check must hold:

- nobody is eliminated without a failing result or a missed window;
- ranks follow final scores (and final scores are the weighted sum of stage scores);
- revealed codes are exactly the ones the rules allow;
- an upheld appeal's effect reaches the ranking;
- nothing is appointed inside an appeal window;
- every status change is on the audit chain, and the chain verifies.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from eqyzmet.audit import audit_verify
from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from recruitment import procedure, services
from recruitment.models import Appeal, Application, Competition, IdentityReveal, Stage
from recruitment.public import stage_result_record
from tests.recruitment.factories import make_candidate, make_competition, make_staff
from tests.recruitment.test_rules import _owner

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

S = Competition.Status
A = Application.Status
N_CANDIDATES = 5
REACHED: set[str] = set()  # statuses reached over all examples: the test must go deep
APPOINTED: list[str] = []
RESERVE_SIZE = 1
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PLAN = [
    (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
    (Stage.Kind.ESSAY, "5", "3", 3, "1"),
]
REASON = "Checked against the declared documents"


class CompetitionProcedure(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.traveller = time_machine.travel(START, tick=False)
        self.clock = self.traveller.start()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.staff = make_staff()
        self.competition = make_competition(
            staff=self.staff,
            plan=PLAN,
            applications_open_at=START - dt.timedelta(hours=1),
            applications_close_at=START + dt.timedelta(days=2),
        )
        Competition.objects.filter(pk=self.competition.pk).update(
            reserve_size=RESERVE_SIZE, appeal_window_days=3
        )
        Stage.objects.filter(competition=self.competition, kind=Stage.Kind.LEGISLATION_TEST).update(
            opens_at=START + dt.timedelta(days=2),
            closes_at=START + dt.timedelta(days=6),
        )
        self.competition.refresh_from_db()
        self.candidates = [make_candidate() for _ in range(N_CANDIDATES)]
        self.members = list(self.competition.commission.all())
        for member in self.members:
            services.commission_declare(member=member, has_conflict=False)
        self.transitions = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        self.traveller.stop()

    # --- helpers ---------------------------------------------------------------------------

    def _competition(self) -> Competition:
        return Competition.objects.get(pk=self.competition.pk)

    def _is(*statuses):
        return precondition(lambda self: self._competition().status in statuses)

    def _apps(self):
        return Application.objects.filter(competition=self.competition)

    def _app_of(self, i: int) -> Application | None:
        user = self.candidates[i].user
        for application in self._apps().order_by("pk"):
            if _owner(application) == user and application.status != A.WITHDRAWN:
                return application
        return None

    def _stage(self, kind) -> Stage:
        return Stage.objects.get(competition=self.competition, kind=kind)

    def _attempt(self, action, *args, **kwargs):
        """Run a service; a refusal is an ApplicationError and must change no status."""
        before = dict(self._apps().values_list("pk", "status"))
        status_before = self._competition().status
        try:
            result = action(*args, **kwargs)
        except ApplicationError:
            assert dict(self._apps().values_list("pk", "status")) == before
            assert self._competition().status == status_before
            return None
        status_after = self._competition().status
        if status_after != status_before:
            self.transitions += 1
            REACHED.add(status_after)
        return result if result is not None else True

    # --- HR --------------------------------------------------------------------------------

    @initialize(applicants=st.integers(2, N_CANDIDATES))
    def publish_and_receive_applications(self, applicants):
        assert self._attempt(
            services.competition_publish, competition=self.competition, actor=self.staff.hr
        )
        for i in range(applicants):
            assert self._attempt(
                services.application_submit,
                user=self.candidates[i].user,
                competition=self.competition,
                vacancy=self.competition.vacancies.get(),
                consent=True,
            )

    @_is(S.PUBLISHED)
    @rule()
    def close_applications(self):
        self._attempt(
            services.competition_close_applications,
            competition=self.competition,
            actor=self.staff.hr,
        )

    @_is(*procedure.BETWEEN_STAGES)
    @rule()
    def advance(self):
        self._attempt(
            services.competition_advance, competition=self.competition, actor=self.staff.hr
        )

    @_is(S.TESTING, S.ESSAY, S.WRITTEN_LOCKED, S.INTERVIEW)
    @rule()
    def lock_ranking(self):
        self._attempt(
            services.competition_lock_ranking, competition=self.competition, actor=self.staff.hr
        )

    @_is(S.RANKING_LOCKED, S.ESSAY)
    @rule()
    def publish_results(self):
        self._attempt(
            services.competition_publish_results,
            competition=self.competition,
            actor=self.staff.hr,
        )

    @_is(*procedure.RANKED)
    @rule(rank=st.integers(1, N_CANDIDATES), purpose=st.sampled_from(["winner", "reserve"]))
    def reveal(self, rank, purpose):
        application = self._apps().filter(rank=rank).first()
        if application is not None:
            self._attempt(
                services.application_reveal,
                application=application,
                actor=self.staff.hr,
                purpose=purpose,
                reason=REASON,
            )

    @_is(*procedure.RANKED)
    @rule(rank=st.integers(1, N_CANDIDATES))
    def disqualify(self, rank):
        application = self._apps().filter(rank=rank).first()
        if application is not None:
            self._attempt(
                services.application_disqualify,
                application=application,
                actor=self.staff.hr,
                reason="False declaration of experience",
            )

    @_is(S.RANKING_LOCKED, S.RESULTS_PUBLISHED)
    @rule()
    def appoint(self):
        winner = self._apps().filter(status=A.WINNER).first()
        if winner is None:
            return
        window_end = procedure.appeal_window_end(self._competition())
        done = self._attempt(services.application_appoint, application=winner, actor=self.staff.hr)
        if done:
            assert window_end is None or timezone.now() >= window_end, "appointed inside a window"
            APPOINTED.append(winner.code)

    @rule(index=st.integers(0, 3), upheld=st.booleans(), score=st.sampled_from(["1", "3.5", "5"]))
    def decide_appeal(self, index, upheld, score):
        appeals = list(
            Appeal.objects.filter(
                application__competition=self.competition, status=Appeal.Status.SUBMITTED
            ).order_by("pk")
        )
        if not appeals:
            return
        appeal = appeals[index % len(appeals)]
        stage = appeal.stage
        corrected = min(Decimal(score), stage.max_score) if upheld else None
        self._attempt(
            services.appeal_decide,
            appeal=appeal,
            actor=self.staff.hr,
            upheld=upheld,
            answer="The commission looked at it again.",
            corrected_score=corrected,
            reason=REASON,
        )

    # The natural next steps, so that random sequences also go the whole way through.
    def _wait_until(self, moment):
        if moment is not None and timezone.now() < moment:
            self.clock.move_to(moment + dt.timedelta(minutes=1))

    @rule()
    def hr_takes_the_next_step(self):
        """A patient officer: waits for the deadline the step needs, then takes it."""
        competition = self._competition()
        status = competition.status
        if status == S.PUBLISHED:
            self._wait_until(competition.applications_close_at)
            self.close_applications()
        elif status in (S.APPLICATIONS_CLOSED, S.TESTING, S.ESSAY):
            self.advance()
        elif status == S.RANKING_LOCKED:
            self.publish_results()
        elif status == S.RESULTS_PUBLISHED:
            winner = self._apps().filter(status=A.WINNER).first()
            if winner is not None and not winner.reveals.exists():
                self._attempt(
                    services.application_reveal,
                    application=winner,
                    actor=self.staff.hr,
                    purpose="winner",
                    reason=REASON,
                )
            self._wait_until(procedure.appeal_window_end(competition))
            self.appoint()

    @_is(S.TESTING)
    # Hypothesis leans towards the first value of sampled_from: most sit and pass.
    @rule(
        scores=st.lists(
            st.sampled_from([45, 31, 29, 52, 12]), min_size=N_CANDIDATES, max_size=N_CANDIDATES
        )
    )
    def everyone_sits_the_test(self, scores):
        self._wait_until(self._stage(Stage.Kind.LEGISLATION_TEST).opens_at)
        for i, correct in enumerate(scores):
            self.sit_the_test(i, correct)

    @_is(S.ESSAY)
    @rule(
        scores=st.lists(
            st.sampled_from(["4", "3.5", "5", "2.5", "3"]),
            min_size=N_CANDIDATES,
            max_size=N_CANDIDATES,
        )
    )
    def the_commission_marks_every_essay(self, scores):
        for i, score in enumerate(scores):
            self.mark_the_essay(i, score)

    # --- candidates ------------------------------------------------------------------------

    @_is(S.PUBLISHED, S.APPLICATIONS_CLOSED)
    @rule(i=st.integers(0, N_CANDIDATES - 1))
    def apply(self, i):
        self._attempt(
            services.application_submit,
            user=self.candidates[i].user,
            competition=self.competition,
            vacancy=self.competition.vacancies.get(),
            consent=True,
        )

    @rule(i=st.integers(0, N_CANDIDATES - 1))
    def withdraw(self, i):
        application = self._app_of(i)
        if application is not None:
            self._attempt(
                services.application_withdraw, user=self.candidates[i].user, application=application
            )

    @_is(S.TESTING)
    @rule(i=st.integers(0, N_CANDIDATES - 1), correct=st.integers(0, 55))
    def sit_the_test(self, i, correct):
        """The testing center reports a result while the window is open."""
        application = self._app_of(i)
        test = self._stage(Stage.Kind.LEGISLATION_TEST)
        if (
            application is None
            or application.current_stage_id != test.pk
            or application.status != A.ADMITTED
            or not (test.opens_at <= timezone.now() < test.closes_at)
        ):
            return
        self._attempt(
            stage_result_record,
            application_id=application.pk,
            stage_id=test.pk,
            score=Decimal(correct),
            passed=correct >= 30,
        )

    @_is(S.ESSAY, S.TESTING)
    @rule(i=st.integers(0, N_CANDIDATES - 1), score=st.sampled_from(["1", "2.5", "3", "4", "5"]))
    def mark_the_essay(self, i, score):
        application = self._app_of(i)
        if application is None:
            return
        for member in self.members:
            self._attempt(
                services.commission_mark,
                member=member,
                application=application,
                score=Decimal(score),
            )

    @rule(i=st.integers(0, N_CANDIDATES - 1), kind=st.sampled_from([row[0] for row in PLAN]))
    def appeal(self, i, kind):
        for application in self._apps():
            if _owner(application) == self.candidates[i].user:
                self._attempt(
                    services.appeal_submit,
                    user=self.candidates[i].user,
                    application=application,
                    stage=self._stage(kind),
                    text="Please check my result again; I believe it was miscounted.",
                )
                return

    # --- the clock -------------------------------------------------------------------------

    @_is(S.TESTING)
    @rule()
    def the_test_window_closes(self):
        self._wait_until(self._stage(Stage.Kind.LEGISLATION_TEST).closes_at)

    @rule(days=st.sampled_from([1, 2, 4]))
    def time_passes(self, days):
        self.clock.shift(dt.timedelta(days=days))

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def nobody_is_eliminated_without_a_result_or_a_missed_window(self):
        for application in self._apps().filter(status=A.ELIMINATED).select_related("current_stage"):
            stage = application.current_stage
            result = application.results.filter(stage=stage).first()
            if result is not None and not result.passed:
                continue
            assert stage.closes_at is not None and stage.closes_at <= timezone.now(), (
                f"{application.code} eliminated at {stage.kind} with no failing result "
                "and the window still open"
            )

    @invariant()
    def ranks_follow_the_weighted_scores(self):
        weights = {s.pk: s.weight for s in self.competition.stages.all()}
        ranked = list(self._apps().exclude(rank=None).order_by("rank", "code"))
        assert [a.rank for a in ranked] == list(range(1, len(ranked) + 1))
        for application in ranked:
            expected = sum(
                (weights[r.stage_id] * r.score for r in application.results.all()), Decimal(0)
            )
            assert application.final_score == expected.quantize(Decimal("0.001"))
        scores = [a.final_score for a in ranked]
        assert scores == sorted(scores, reverse=True)

    @invariant()
    def revealed_codes_are_within_the_ladder(self):
        disqualified = self._apps().filter(status=A.DISQUALIFIED).count()
        for reveal in IdentityReveal.objects.filter(application__competition=self.competition):
            if reveal.purpose == IdentityReveal.Purpose.INTERVIEW:
                continue
            assert reveal.application.rank is not None
            assert reveal.application.rank <= 1 + RESERVE_SIZE + disqualified

    @invariant()
    def an_upheld_appeal_reaches_the_ranking(self):
        competition = self._competition()
        if competition.status not in procedure.RANKED:
            return
        last = competition.stages.order_by("-position").first()
        for appeal in Appeal.objects.filter(
            application__competition=competition, status=Appeal.Status.UPHELD, stage=last
        ).select_related("application"):
            result = appeal.application.results.get(stage=last)
            if result.passed and appeal.corrected_score is not None:
                application = Application.objects.get(pk=appeal.application_id)
                assert application.status != A.ELIMINATED
                assert application.rank is not None

    @invariant()
    def every_status_change_is_on_the_audit_chain(self):
        logged = AuditEvent.objects.filter(
            action="competition.status_changed", target_id=str(self.competition.pk)
        ).count()
        assert logged == self.transitions
        assert audit_verify().ok


def test_the_procedure_holds_in_any_order_of_actions(roles):
    REACHED.clear()
    APPOINTED.clear()
    run_state_machine_as_test(
        CompetitionProcedure,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # Not a test that passes by wandering near the start: some sequences went all the way.
    assert {S.TESTING, S.ESSAY, S.RANKING_LOCKED, S.RESULTS_PUBLISHED} <= REACHED, REACHED
    assert APPOINTED, "no sequence reached an appointment"
