"""The competition's life: publishing it, closing applications, advancing stage by stage,
locking the ranking, publishing stage and final results, appointing, closing and cancelling."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.jobs import job_queue
from eqyzmet.models import Job
from recruitment import notifications, procedure
from recruitment.models import (
    Application,
    CommissionMember,
    Competition,
    Stage,
    StageResult,
    Vacancy,
)
from recruitment.models_contracts import selection_problems
from recruitment.services.fairness import fairness_cases_raise
from recruitment.services.ranking import _places_assign, _rank, shortlist
from recruitment.services.stage_machine import (
    IN_THE_RUNNING,
    STAGE_STATUS,
    S,
    _current_stage,
    _locked_competition,
    _ordered_stages,
    _transition,
)


@transaction.atomic
def competition_publish(*, competition: Competition, actor) -> Competition:
    competition = _locked_competition(competition)
    problems = []
    if not competition.vacancies.exists():
        problems.append(_("add at least one vacancy"))
    if not competition.stages.exists():
        problems.append(_("plan at least one stage"))
    if competition.applications_close_at <= timezone.now():
        problems.append(_("set an application deadline in the future"))
    voting = competition.commission.exclude(role=CommissionMember.Role.SECRETARY).count()
    if voting < 2:
        problems.append(_("appoint a commission of at least two voting members"))
    if competition.is_contract_selection:
        problems.extend(selection_problems(competition))
        if competition.vacancies.exclude(employment=Vacancy.Employment.CONTRACT).exists():
            problems.append(_("mark every vacancy of a contract post selection as a contract post"))
    if problems:
        raise ApplicationError(
            _("The competition cannot be published yet: %(problems)s.")
            % {"problems": "; ".join(str(p) for p in problems)},
            code="incomplete",
        )
    _transition(competition, S.PUBLISHED, actor=actor)
    return competition


@transaction.atomic
def competition_close_applications(*, competition: Competition, actor) -> Competition:
    competition = _locked_competition(competition)
    if competition.status == S.PUBLISHED and timezone.now() < competition.applications_close_at:
        raise ApplicationError(
            _("Applications cannot be closed before the announced deadline."), code="early"
        )
    _transition(competition, S.APPLICATIONS_CLOSED, actor=actor)
    return competition


@transaction.atomic
def competition_advance(*, competition: Competition, actor) -> Competition:
    """Close the current stage (its results decide who goes on) and open the next one.
    After the last stage the ranking is locked."""
    competition = _locked_competition(competition)
    procedure.require(procedure.advance_blockers(competition))
    stages = _ordered_stages(competition)
    current = _current_stage(competition, stages)
    running = competition.applications.filter(status__in=IN_THE_RUNNING)

    if current is None:
        next_stage = stages[0] if stages else None
        admitted = list(running.values_list("pk", flat=True))
    else:
        if competition.status == S.WRITTEN_LOCKED:
            # Written work is locked; now the interview begins for the shortlist.
            next_stage = current
            admitted = None
        else:
            results = dict(
                StageResult.objects.filter(stage=current, application__in=running).values_list(
                    "application_id", "passed"
                )
            )
            missing = running.exclude(pk__in=list(results)).count()
            if missing and current.is_commission_scored:
                raise ApplicationError(
                    _("%(count)s application(s) have no valid %(stage)s score yet.")
                    % {"count": missing, "stage": current.get_kind_display()},
                    code="results_missing",
                )
            failed = [pk for pk in running.values_list("pk", flat=True) if not results.get(pk)]
            running.filter(pk__in=failed).update(status=Application.Status.ELIMINATED)
            current.locked_at = current.locked_at or timezone.now()
            current.save(update_fields=["locked_at"])
            # Candidates see the stage's result (and may appeal it) as soon as it decides.
            _stage_results_publish(stage=current, actor=actor)
            later = [s for s in stages if s.position > current.position]
            next_stage = later[0] if later else None
            survivors = competition.applications.filter(status__in=IN_THE_RUNNING)
            scored = list(
                StageResult.objects.filter(stage=current, application__in=survivors).values_list(
                    "application_id", "score"
                )
            )
            admitted = (
                shortlist(scored, next_stage.shortlist_size) if next_stage is not None else None
            )
            if admitted is not None:
                survivors.exclude(pk__in=admitted).update(
                    status=Application.Status.NOT_SELECTED, current_stage=current
                )

    if next_stage is None:
        return _rank_and_lock(competition, actor=actor)

    if next_stage.kind == Stage.Kind.INTERVIEW and competition.status != S.WRITTEN_LOCKED:
        # Interviews cannot be blind: lock the written stages first, then reveal the
        # shortlist to the commission (an audited reveal), then interview.
        competition.applications.filter(pk__in=admitted).update(current_stage=next_stage)
        _transition(
            competition,
            S.WRITTEN_LOCKED,
            actor=actor,
            details={"shortlist": len(admitted)},
        )
        return competition

    if admitted is not None:
        competition.applications.filter(pk__in=admitted).update(current_stage=next_stage)
    _transition(
        competition,
        STAGE_STATUS[next_stage.kind],
        actor=actor,
        details={
            "stage": next_stage.kind,
            "admitted": competition.applications.filter(
                current_stage=next_stage, status__in=IN_THE_RUNNING
            ).count(),
        },
    )
    notifications.stage_opened_raised(stage=next_stage)
    return competition


def _rank_and_lock(competition: Competition, *, actor) -> Competition:
    _rank(competition)
    now = timezone.now()
    competition.stages.filter(locked_at=None).update(locked_at=now)
    _transition(
        competition,
        S.RANKING_LOCKED,
        actor=actor,
        details={"ranked": competition.applications.exclude(rank=None).count()},
    )
    # Adverse impact is checked once the stages are frozen (services.fairness).
    fairness_cases_raise(competition=competition)
    return competition


@transaction.atomic
def competition_lock_ranking(*, competition: Competition, actor) -> Competition:
    """After the interview (or the last stage), compute the ranking and freeze every score."""
    competition = _locked_competition(competition)
    procedure.require(procedure.lock_ranking_blockers(competition))
    if competition.status == S.INTERVIEW:
        stages = _ordered_stages(competition)
        current = _current_stage(competition, stages)
        running = competition.applications.filter(status__in=IN_THE_RUNNING)
        failed = running.filter(results__stage=current, results__passed=False)
        failed.update(status=Application.Status.ELIMINATED)
        return _rank_and_lock(competition, actor=actor)
    return competition_advance(competition=competition, actor=actor)


LOCK_RANKING_JOB = "competition.lock_ranking"


def competition_lock_ranking_queue(*, competition: Competition, actor) -> Job:
    """Check the rules now, so a refusal is shown at once, and lock the ranking in a worker:
    ranking a competition of thousands must not depend on one web request finishing. The
    competition's page shows the job's state until it is done."""
    competition = Competition.objects.get(pk=competition.pk)
    procedure.require(procedure.lock_ranking_blockers(competition))
    return job_queue(
        kind=LOCK_RANKING_JOB, ref=competition.pk, task="recruitment.lock_ranking", actor=actor
    )


def competition_lock_ranking_run(*, job: Job, progress) -> str:
    """The worker's half: the rules are checked again under the row lock (they may have
    changed since the request), then the ranking is computed and every score frozen."""
    progress(5)
    competition = competition_lock_ranking(
        competition=Competition.objects.get(pk=job.ref), actor=job.requested_by
    )
    ranked = competition.applications.exclude(rank=None).count()
    return gettext("Ranking locked: %(count)s codes ranked.") % {"count": ranked}


@transaction.atomic
def competition_publish_results(*, competition: Competition, actor) -> Competition:
    """Winners per vacancy, the next ranked offered the reserve, everyone told."""
    competition = _locked_competition(competition)
    procedure.require(procedure.publish_results_blockers(competition))
    _places_assign(competition)
    competition.stages.filter(results_published_at=None).update(results_published_at=timezone.now())
    _transition(competition, S.RESULTS_PUBLISHED, actor=actor)
    notifications.final_results_raised(competition=competition)
    return competition


@transaction.atomic
def competition_close(*, competition: Competition, actor) -> Competition:
    competition = _locked_competition(competition)
    _transition(competition, S.CLOSED, actor=actor)
    return competition


@transaction.atomic
def competition_cancel(*, competition: Competition, actor, reason: str) -> Competition:
    if len(reason.strip()) < 10:
        raise ApplicationError(_("Give the reason for cancelling."), code="reason_required")
    competition = _locked_competition(competition)
    _transition(competition, S.CANCELLED, actor=actor, details={"reason": reason.strip()})
    return competition


@transaction.atomic
def stage_publish_results(*, stage: Stage, actor) -> Stage:
    """Show a stage's results to candidates; the appeal window starts now."""
    stage = (
        Stage.objects.select_for_update().select_related("competition__state_body").get(pk=stage.pk)
    )
    return _stage_results_publish(stage=stage, actor=actor)


def _stage_results_publish(*, stage: Stage, actor) -> Stage:
    if stage.results_published_at is None:
        stage.results_published_at = timezone.now()
        stage.save(update_fields=["results_published_at"])
        audit_record(
            action="stage.results_published",
            actor=actor,
            target=stage,
            state_body=stage.competition.state_body,
            details={
                "stage": stage.kind,
                "position": stage.position,
                # Counted apart: an aggregate named "passed" would shadow the field in the
                # other's filter (FieldError).
                "passed": StageResult.objects.filter(stage=stage, passed=True).count(),
                "failed": StageResult.objects.filter(stage=stage, passed=False).count(),
            },
        )
        notifications.stage_results_raised(stage=stage)
    return stage


@transaction.atomic
def application_appoint(*, application: Application, actor) -> Application:
    application = (
        Application.objects.select_for_update()
        .select_related("competition__state_body")
        .get(pk=application.pk)
    )
    procedure.require(procedure.appoint_blockers(application))
    application.status = Application.Status.APPOINTED
    application.save(update_fields=["status"])
    audit_record(
        action="application.appointed",
        actor=actor,
        target=application,
        state_body=application.competition.state_body,
        details={"code": application.code},
    )
    return application


def competitions_needing_attention() -> dict[str, int]:
    """Counts for the admin dashboard."""
    return dict(Competition.objects.values_list("status").annotate(n=Count("pk")))
