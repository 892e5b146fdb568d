"""The competition's procedure, stated once: its statuses, where each may go next, and what
must hold before a step is taken.

The services in ``recruitment.services`` are the only code that changes a competition's
status; each asks this module first (``require``) and so do the admin, the API and the tasks,
because they call those services. A guard returns the reasons a step cannot be taken now,
in words HR can act on; an empty list means go.

    draft → published → applications_closed → testing / essay → written_locked
          → interview → ranking_locked → results_published → closed
    (any status before the ranking lock → cancelled)

What each step needs, beyond its source status:

- **ending a stage** (``advance``): a test stage's window has closed, or everyone admitted to
  it has finished; a commission stage has a valid (quorate) score for every code; no appeal
  of the stage is open;
- **locking the ranking**: only after the last stage (the interview, or the last written
  stage), never from "written stages locked" (the interview has not happened);
- **publishing the results**: the ranking is locked and no appeal is open;
- **appointing**: results are published, the winner has been revealed, every stage's appeal
  window has passed and no appeal is open;
- **commission marks**: only while the competition is at that stage (an essay during the
  essay stage, an interview during the interview).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from recruitment.models import (
    Appeal,
    Application,
    Competition,
    Contract,
    IdentityEscrow,
    Stage,
    StageResult,
)

S = Competition.Status

# Where each status may go next.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.PUBLISHED, S.CANCELLED},
    S.PUBLISHED: {S.APPLICATIONS_CLOSED, S.CANCELLED},
    S.APPLICATIONS_CLOSED: {S.TESTING, S.ESSAY, S.WRITTEN_LOCKED, S.CANCELLED},
    S.TESTING: {S.TESTING, S.ESSAY, S.WRITTEN_LOCKED, S.RANKING_LOCKED, S.CANCELLED},
    S.ESSAY: {S.WRITTEN_LOCKED, S.RANKING_LOCKED, S.CANCELLED},
    S.WRITTEN_LOCKED: {S.INTERVIEW, S.CANCELLED},
    S.INTERVIEW: {S.RANKING_LOCKED, S.CANCELLED},
    S.RANKING_LOCKED: {S.RESULTS_PUBLISHED},
    S.RESULTS_PUBLISHED: {S.CLOSED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}
# The status a competition is in while a stage of each kind runs.
STAGE_STATUS = {
    Stage.Kind.LEGISLATION_TEST: S.TESTING,
    Stage.Kind.PERSONAL_QUALITIES: S.TESTING,
    Stage.Kind.ESSAY: S.ESSAY,
    Stage.Kind.INTERVIEW: S.INTERVIEW,
}
BETWEEN_STAGES = (S.APPLICATIONS_CLOSED, S.TESTING, S.ESSAY, S.WRITTEN_LOCKED)
RANKED = (S.RANKING_LOCKED, S.RESULTS_PUBLISHED, S.CLOSED)
IN_THE_RUNNING = (Application.Status.ADMITTED,)


@dataclass(frozen=True, slots=True)
class Blocker:
    code: str
    message: str


def require(blockers: list[Blocker]) -> None:
    """Raise the first reason a step cannot be taken (all of them, joined, in ``extra``)."""
    if blockers:
        raise ApplicationError(
            blockers[0].message,
            code=blockers[0].code,
            extra={"reasons": [str(b.message) for b in blockers]},
        )


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _status_refusal(competition: Competition) -> Blocker:
    return Blocker(
        "illegal_transition",
        _("This step is not possible while the competition is “%(status)s”.")
        % {"status": S(competition.status).label},
    )


def open_appeals(*, competition: Competition, stage: Stage | None = None):
    appeals = Appeal.objects.filter(
        application__competition=competition, status=Appeal.Status.SUBMITTED
    )
    return appeals.filter(stage=stage) if stage is not None else appeals


def _appeal_blocker(count: int) -> Blocker:
    return Blocker(
        "appeal_open",
        _(
            "%(count)s appeal(s) are still open; decide them first, their outcome may change "
            "who goes on."
        )
        % {"count": count},
    )


def current_stage(competition: Competition) -> Stage | None:
    """The latest stage that codes still in the running have reached."""
    current_ids = set(
        competition.applications.filter(status__in=IN_THE_RUNNING)
        .exclude(current_stage=None)
        .values_list("current_stage_id", flat=True)
    )
    started = [s for s in competition.stages.order_by("position") if s.pk in current_ids]
    return started[-1] if started else None


def not_finished(*, competition: Competition, stage: Stage):
    """Codes admitted to ``stage`` that have no result in it yet."""
    return competition.applications.filter(status__in=IN_THE_RUNNING, current_stage=stage).exclude(
        pk__in=StageResult.objects.filter(stage=stage).values("application_id")
    )


def advance_blockers(competition: Competition, *, now: dt.datetime | None = None) -> list[Blocker]:
    """Why the current stage cannot be ended now."""
    now = now or timezone.now()
    if competition.status not in BETWEEN_STAGES:
        return [_status_refusal(competition)]
    nobody = Blocker(
        "nobody_in_the_running",
        _(
            "No code is left in the running, so there is no stage to hold and nobody to "
            "rank. Cancel the competition, giving the reason; it can be announced again."
        ),
    )
    if not competition.applications.filter(status__in=IN_THE_RUNNING).exists():
        return [nobody]
    if competition.status in (S.APPLICATIONS_CLOSED, S.WRITTEN_LOCKED):
        return []
    stage = current_stage(competition)
    if stage is None:
        return [nobody]
    blockers = []
    waiting = not_finished(competition=competition, stage=stage).count()
    if waiting and stage.is_commission_scored:
        blockers.append(
            Blocker(
                "results_missing",
                _("%(count)s application(s) have no valid %(stage)s score yet.")
                % {"count": waiting, "stage": stage.get_kind_display()},
            )
        )
    elif waiting and (stage.closes_at is None or now < stage.closes_at):
        if stage.closes_at is None:
            message = _(
                "%(count)s admitted code(s) have not finished the %(stage)s and the stage has "
                "no closing time. Set when its window closes; codes that have not sat it by "
                "then are eliminated."
            ) % {"count": waiting, "stage": stage.get_kind_display()}
        else:
            message = _(
                "%(count)s admitted code(s) have not finished the %(stage)s and its window is "
                "open until %(closes)s. End the stage after that, or when everyone has finished."
            ) % {
                "count": waiting,
                "stage": stage.get_kind_display(),
                "closes": _when(stage.closes_at),
            }
        blockers.append(Blocker("window_open", message))
    # An open appeal of this stage, or of an earlier one, may bring a code back into it.
    appeals = open_appeals(competition=competition).count()
    if appeals:
        blockers.append(_appeal_blocker(appeals))
    return blockers


def lock_ranking_blockers(competition: Competition) -> list[Blocker]:
    """The final ranking is locked after the last stage: the interview (marked), or the last
    written stage when there is no interview (``advance`` locks it then)."""
    if competition.status != S.INTERVIEW:
        stages = list(competition.stages.order_by("position"))
        stage = current_stage(competition)
        last_written = (
            competition.status in (S.TESTING, S.ESSAY)
            and stage is not None
            and stages
            and stage.pk == stages[-1].pk
        )
        if not last_written:
            if competition.status == S.WRITTEN_LOCKED:
                return [
                    Blocker(
                        "illegal_transition",
                        _(
                            "The written stages are locked and the interview has not taken "
                            "place: reveal the shortlist to the commission and start the "
                            "interview; the ranking is locked after it."
                        ),
                    )
                ]
            return [_status_refusal(competition)]
        return advance_blockers(competition)
    stage = current_stage(competition)
    blockers = []
    if stage is not None:
        waiting = not_finished(competition=competition, stage=stage).count()
        if waiting:
            blockers.append(
                Blocker(
                    "results_missing",
                    _("%(count)s application(s) have no valid %(stage)s score yet.")
                    % {"count": waiting, "stage": stage.get_kind_display()},
                )
            )
    appeals = open_appeals(competition=competition).count()
    if appeals:
        blockers.append(_appeal_blocker(appeals))
    return blockers


def publish_results_blockers(competition: Competition) -> list[Blocker]:
    if competition.status != S.RANKING_LOCKED:
        return [
            Blocker("not_locked", _("Results can be published only after the ranking is locked."))
        ]
    appeals = open_appeals(competition=competition).count()
    return [_appeal_blocker(appeals)] if appeals else []


def appeal_deadline(*, stage: Stage) -> dt.datetime | None:
    """When the appeal window on a stage's published results closes (None: not published)."""
    if stage.results_published_at is None:
        return None
    return stage.results_published_at + dt.timedelta(days=stage.competition.appeal_window_days)


def appeal_window_end(competition: Competition) -> dt.datetime | None:
    """When the last open appeal window of the competition closes (None: none was opened)."""
    published = [
        s.results_published_at
        for s in competition.stages.all()
        if s.results_published_at is not None
    ]
    if not published:
        return None
    return max(published) + dt.timedelta(days=competition.appeal_window_days)


def appoint_blockers(application: Application, *, now: dt.datetime | None = None) -> list[Blocker]:
    now = now or timezone.now()
    competition = application.competition
    if competition.status != S.RESULTS_PUBLISHED:
        return [_status_refusal(competition)]
    if competition.kind == Competition.Kind.CONTRACT:
        return [
            Blocker(
                "contract_selection",
                _(
                    "A contract post selection ends in a contract concluded on the responsible "
                    "official's recommendation, never in an appointment to a public office."
                ),
            )
        ]
    if application.status != Application.Status.WINNER:
        return [Blocker("not_winner", _("Only a winner can be appointed."))]
    blockers = []
    if not application.reveals.exists():
        blockers.append(
            Blocker(
                "not_revealed",
                _("Reveal the winner and check the documents before the appointment."),
            )
        )
    closes = appeal_window_end(competition)
    if closes is not None and now < closes:
        blockers.append(
            Blocker(
                "appeal_window_open",
                _(
                    "Candidates may still appeal until %(closes)s; the winner can be "
                    "appointed after that."
                )
                % {"closes": _when(closes)},
            )
        )
    appeals = open_appeals(competition=competition).count()
    if appeals:
        blockers.append(_appeal_blocker(appeals))
    if _holds_active_contract(application, today=timezone.localdate(now)):
        blockers.append(
            Blocker(
                "contract_employee",
                _(
                    "The winner is a contract employee: a contract employee cannot be "
                    "appointed to a public office while the contract is in force."
                ),
            )
        )
    return blockers


def _holds_active_contract(application: Application, *, today: dt.date) -> bool:
    """Whether the application's owner holds a contract in force (art. 1 p. 5-1: a contract
    employee holds no public office). Matched by the owner's blind index, the one the
    contract keeps, so nobody's identity is decrypted here."""
    index = (
        IdentityEscrow.objects.filter(application_id=application.pk)
        .values_list("owner_index", flat=True)
        .first()
    )
    return bool(index) and (
        Contract.objects.filter(
            employee_index=index, status=Contract.Status.ACTIVE, ends_on__gte=today
        ).exists()
    )


def marking_blockers(*, competition: Competition, stage: Stage) -> list[Blocker]:
    """The commission marks a stage only while the competition is at it."""
    if competition.status != STAGE_STATUS.get(stage.kind):
        return [
            Blocker(
                "not_open",
                _("%(stage)s marks are taken only while the competition is at that stage.")
                % {"stage": stage.get_kind_display()},
            )
        ]
    return []


# --- What HR sees before an irreversible step ---------------------------------------------


def _transition_blockers(competition: Competition, to: str) -> list[Blocker]:
    return [] if to in TRANSITIONS[competition.status] else [_status_refusal(competition)]


def blockers_for(competition: Competition, action: str) -> list[Blocker]:
    """The guard of a step named as the admin names it."""
    if action == "publish":
        return _transition_blockers(competition, S.PUBLISHED)
    if action == "close_applications":
        blockers = _transition_blockers(competition, S.APPLICATIONS_CLOSED)
        if not blockers and timezone.now() < competition.applications_close_at:
            blockers.append(
                Blocker(
                    "early",
                    _("Applications cannot be closed before the announced deadline."),
                )
            )
        return blockers
    if action == "advance":
        return advance_blockers(competition)
    if action == "lock_ranking":
        return lock_ranking_blockers(competition)
    if action == "publish_results":
        return publish_results_blockers(competition)
    if action == "close":
        return _transition_blockers(competition, S.CLOSED)
    raise ValueError(action)


def preview(competition: Competition, action: str) -> list[str]:
    """What the step will do, in numbers, for the confirmation page."""
    apps = competition.applications
    running = apps.filter(status__in=IN_THE_RUNNING)
    if action == "publish":
        return [
            _("The announcement becomes public and applications are accepted until %(closes)s.")
            % {"closes": _when(competition.applications_close_at)}
        ]
    if action == "close_applications":
        return [
            _(
                "%(total)s application(s) received, %(admitted)s admitted; no more "
                "applications are accepted."
            )
            % {"total": apps.count(), "admitted": running.count()}
        ]
    if action == "advance":
        return _advance_preview(competition, running)
    if action == "lock_ranking":
        if competition.status != S.INTERVIEW:
            return _advance_preview(competition, running)
        return [
            _(
                "%(count)s code(s) are ranked and every score is frozen; from then on only an "
                "upheld appeal changes a score."
            )
            % {"count": running.count()}
        ]
    if action == "publish_results":
        vacancies = running.exclude(rank=None).values("vacancy_id").distinct().count()
        ranked = running.exclude(rank=None).count()
        reserve = min(max(ranked - vacancies, 0), vacancies * competition.reserve_size)
        return [
            _(
                "%(winners)s winner(s), %(reserve)s code(s) offered the reserve and "
                "%(rest)s not selected; every candidate sees the result and may appeal for "
                "%(days)s day(s)."
            )
            % {
                "winners": vacancies,
                "reserve": reserve,
                "rest": ranked - vacancies - reserve,
                "days": competition.appeal_window_days,
            }
        ]
    if action == "close":
        return [_("The competition is closed; nothing in it changes any more.")]
    raise ValueError(action)


def _advance_preview(competition: Competition, running) -> list[str]:
    stages = list(competition.stages.order_by("position"))
    if competition.status == S.APPLICATIONS_CLOSED:
        if not stages:
            return [_("There are no stages: the ranking is computed and locked.")]
        return [
            _("The first stage, %(stage)s, opens for %(count)s admitted code(s).")
            % {"stage": stages[0].get_kind_display(), "count": running.count()}
        ]
    if competition.status == S.WRITTEN_LOCKED:
        return [
            _(
                "The interview begins for %(count)s shortlisted code(s); the commission may "
                "mark them from then on."
            )
            % {"count": running.count()}
        ]
    stage = current_stage(competition)
    if stage is None:
        return []
    at_stage = running.filter(current_stage=stage)
    results = StageResult.objects.filter(stage=stage, application__in=at_stage)
    passed = results.filter(passed=True).count()
    failed = results.filter(passed=False).count()
    missing = at_stage.count() - passed - failed
    lines = [
        _(
            "%(stage)s ends: %(passed)s code(s) passed, %(failed)s did not pass and "
            "%(missing)s have no result and will be eliminated."
        )
        % {
            "stage": stage.get_kind_display(),
            "passed": passed,
            "failed": failed,
            "missing": missing,
        }
    ]
    deadline = timezone.now() + dt.timedelta(days=competition.appeal_window_days)
    lines.append(
        _(
            "The results of %(stage)s are published to the candidates; appeals are accepted "
            "until %(deadline)s."
        )
        % {"stage": stage.get_kind_display(), "deadline": _when(deadline)}
    )
    later = [s for s in stages if s.position > stage.position]
    if not later:
        lines.append(_("This is the last stage: the ranking is computed and locked."))
    elif later[0].shortlist_size:
        lines.append(
            _("%(stage)s opens for the best %(size)s of those who passed (ties widen the group).")
            % {"stage": later[0].get_kind_display(), "size": later[0].shortlist_size}
        )
    else:
        lines.append(
            _("%(stage)s opens for everyone who passed.") % {"stage": later[0].get_kind_display()}
        )
    return lines
