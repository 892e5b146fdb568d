"""Writes for recruitment: profiles, competitions and their stage machine, applications,
commission marks, ranking, reveal, appeals, results and the reserve.

Every function is keyword-only, runs in one transaction and records one audit event per
state change. Candidate actions are audited by anonymous code with no actor, so the ledger
itself never joins a person to a code; reveals are audited with the officer as actor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.uploads import upload_check
from eqyzmet.vault import blind_index
from recruitment import eligibility
from recruitment.codes import new_code
from recruitment.iin import iin_birth_date, iin_is_valid
from recruitment.models import (
    Appeal,
    Application,
    CandidateProfile,
    CommissionMark,
    CommissionMember,
    Competition,
    Document,
    IdentityEscrow,
    IdentityReveal,
    ReserveEntry,
    Stage,
    StageResult,
)
from recruitment.public import owner_index
from recruitment.reveal_rules import reveal_permitted

S = Competition.Status

# The competition's stage machine: where each status may go next.
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
STAGE_STATUS = {
    Stage.Kind.LEGISLATION_TEST: S.TESTING,
    Stage.Kind.PERSONAL_QUALITIES: S.TESTING,
    Stage.Kind.ESSAY: S.ESSAY,
    Stage.Kind.INTERVIEW: S.INTERVIEW,
}
RANKED = (S.RANKING_LOCKED, S.RESULTS_PUBLISHED, S.CLOSED)
IN_THE_RUNNING = (Application.Status.ADMITTED,)


def _transition(competition: Competition, to: str, *, actor, details: dict | None = None) -> None:
    if to not in TRANSITIONS[competition.status]:
        raise ApplicationError(
            _("A competition cannot go from “%(from)s” to “%(to)s”.")
            % {"from": S(competition.status).label, "to": S(to).label},
            code="illegal_transition",
        )
    previous = competition.status
    competition.status = to
    competition.status_changed_at = timezone.now()
    competition.save(update_fields=["status", "status_changed_at"])
    audit_record(
        action="competition.status_changed",
        actor=actor,
        target=competition,
        state_body=competition.state_body,
        details={"from": previous, "to": to, **(details or {})},
    )


def _locked_competition(competition: Competition) -> Competition:
    return (
        Competition.objects.select_for_update().select_related("state_body").get(pk=competition.pk)
    )


# --- Candidate profile -------------------------------------------------------------------


@transaction.atomic
def profile_save(
    *,
    user,
    full_name: str,
    iin: str,
    phone: str = "",
    is_civil_servant: bool = False,
    current_body=None,
) -> CandidateProfile:
    """Create or update the signed-in person's profile. The IIN is checked by its checksum
    and must belong to no other profile; the birth date is taken from it."""
    iin = "".join(iin.split())
    if not iin_is_valid(iin):
        raise ApplicationError(
            _("This is not a valid IIN: check the 12 digits."), code="invalid_iin"
        )
    full_name = " ".join(full_name.split())
    if len(full_name) < 3:
        raise ApplicationError(_("Enter your full name."), code="invalid_name")
    index = blind_index(iin, purpose="iin")
    if CandidateProfile.objects.filter(iin_index=index).exclude(user=user).exists():
        raise ApplicationError(
            _("A profile with this IIN already exists. Sign in to that account instead."),
            code="duplicate_iin",
        )
    profile = CandidateProfile.objects.filter(user=user).first() or CandidateProfile(user=user)
    created = profile.pk is None
    profile.full_name = full_name
    profile.iin = iin
    profile.iin_index = index
    profile.birth_date = iin_birth_date(iin)
    profile.phone = phone.strip()
    profile.is_civil_servant = is_civil_servant
    profile.current_body = current_body if is_civil_servant else None
    profile.save()
    audit_record(
        action="profile.created" if created else "profile.updated",
        target=profile,
        details={},
    )
    return profile


@transaction.atomic
def document_upload(*, profile: CandidateProfile, kind: str, upload) -> Document:
    """Store a document after checking its size and its real type (by content)."""
    checked = upload_check(upload)
    document = Document(
        profile=profile,
        kind=kind,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    # The stored name says nothing about the person or the original file name.
    name = hashlib.sha256(f"{profile.pk}-{checked.sha256}".encode()).hexdigest()[:24]
    upload.name = f"{name}{checked.extension}"
    document.file = upload
    document.save()
    audit_record(action="document.uploaded", target=document, details={"kind": kind})
    return document


def qualification_snapshot(*, profile: CandidateProfile, competition: Competition) -> dict:
    """The structured, non-identifying facts frozen into an application."""
    return {
        "education": [
            {"level": e.level, "field": e.field, "year": e.graduation_year}
            for e in profile.education.all()
        ],
        "experience": [
            {
                "sector": x.sector,
                "field": x.field,
                "from": x.started_on.isoformat(),
                "to": x.ended_on.isoformat() if x.ended_on else None,
            }
            for x in profile.experience.all()
        ],
        "languages": {lang.language: lang.level for lang in profile.languages.all()},
        "civil_servant": profile.is_civil_servant,
        "civil_servant_of_body": bool(
            profile.is_civil_servant
            and profile.current_body_id is not None
            and profile.current_body.path.startswith(competition.state_body.path)
        ),
    }


# --- Applications ------------------------------------------------------------------------


@transaction.atomic
def application_submit(*, user, competition: Competition, vacancy, consent: bool) -> Application:
    """Apply to a competition: snapshot, instant eligibility, random code, escrow."""
    if not consent:
        raise ApplicationError(
            _("You must agree to the processing of your data to apply."), code="no_consent"
        )
    competition = _locked_competition(competition)
    now = timezone.now()
    if competition.status != S.PUBLISHED or not (
        competition.applications_open_at <= now < competition.applications_close_at
    ):
        raise ApplicationError(
            _("Applications to this competition are not being accepted now."), code="closed"
        )
    if not competition.vacancies.filter(pk=vacancy.pk).exists():
        raise ApplicationError(_("This vacancy is not part of the competition."), code="vacancy")
    profile = (
        CandidateProfile.objects.filter(user=user)
        .select_related("current_body")
        .prefetch_related("education", "experience", "languages")
        .first()
    )
    if profile is None:
        raise ApplicationError(_("Fill in your profile before applying."), code="no_profile")
    index = owner_index(user.pk)
    if IdentityEscrow.objects.filter(
        competition_id=competition.pk, owner_index=index, active=True
    ).exists():
        raise ApplicationError(
            _("You already have an active application in this competition."), code="duplicate"
        )
    snapshot = qualification_snapshot(profile=profile, competition=competition)
    eligible, reasons = eligibility.assess(
        vacancy=vacancy, competition_kind=competition.kind, snapshot=snapshot, as_of=now.date()
    )
    for _attempt in range(5):
        code = new_code()
        if not Application.objects.filter(code=code).exists():
            break
    application = Application.objects.create(
        competition=competition,
        vacancy=vacancy,
        code=code,
        status=Application.Status.ADMITTED if eligible else Application.Status.INELIGIBLE,
        qualifications=snapshot,
        eligibility_reasons=[r.as_json() for r in reasons],
        submitted_at=now,
    )
    try:
        with transaction.atomic():
            IdentityEscrow.objects.create(
                application_id=application.pk,
                competition_id=competition.pk,
                owner_index=index,
                owner=str(user.pk),
                active=eligible,
            )
    except IntegrityError:
        raise ApplicationError(
            _("You already have an active application in this competition."), code="duplicate"
        ) from None
    audit_record(
        action="application.submitted",
        target=application,
        state_body=competition.state_body,
        details={"code": application.code, "eligible": eligible},
    )
    return application


def _owned(*, user, application: Application) -> IdentityEscrow:
    escrow = IdentityEscrow.objects.filter(
        application_id=application.pk, owner_index=owner_index(user.pk)
    ).first()
    if escrow is None:
        raise ApplicationError(_("This is not your application."), code="not_owner")
    return escrow


@transaction.atomic
def application_withdraw(*, user, application: Application) -> Application:
    escrow = _owned(user=user, application=application)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.competition.status in RANKED or application.status not in (
        Application.Status.ADMITTED,
        Application.Status.INELIGIBLE,
    ):
        raise ApplicationError(_("This application can no longer be withdrawn."), code="too_late")
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status"])
    escrow.active = False
    escrow.save(update_fields=["active"])
    audit_record(
        action="application.withdrawn",
        target=application,
        state_body=application.competition.state_body,
        details={"code": application.code},
    )
    return application


# --- The competition's life --------------------------------------------------------------


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


def _ordered_stages(competition: Competition) -> list[Stage]:
    return list(competition.stages.order_by("position"))


def _current_stage(competition: Competition, stages: list[Stage]) -> Stage | None:
    current_ids = set(
        competition.applications.filter(status__in=IN_THE_RUNNING)
        .exclude(current_stage=None)
        .values_list("current_stage_id", flat=True)
    )
    started = [s for s in stages if s.pk in current_ids]
    return started[-1] if started else None


def shortlist(scored: list[tuple[int, Decimal]], size: int | None) -> set[int]:
    """The best ``size`` by score; ties at the cut-off widen the group; a sole candidate is
    admitted. ``scored`` is (application id, score)."""
    if size is None or len(scored) <= size:
        return {pk for pk, _score in scored}
    ordered = sorted(scored, key=lambda item: item[1], reverse=True)
    cutoff = ordered[size - 1][1]
    return {pk for pk, score in ordered if score >= cutoff}


@transaction.atomic
def competition_advance(*, competition: Competition, actor) -> Competition:
    """Close the current stage (its results decide who goes on) and open the next one.
    After the last stage the ranking is locked."""
    competition = _locked_competition(competition)
    if competition.status not in (S.APPLICATIONS_CLOSED, S.TESTING, S.ESSAY, S.WRITTEN_LOCKED):
        raise ApplicationError(
            _("The competition is not between stages now (current stage: %(status)s).")
            % {"status": S(competition.status).label},
            code="illegal_transition",
        )
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
        details={"stage": next_stage.kind},
    )
    return competition


def _ranking_key(application: Application, scores: dict[int, dict[str, Decimal]], stages):
    """Final score descending; ties broken by the latest stage's score, then earlier stages
    in reverse order; last by the random anonymous code (a fair lottery nobody can steer)."""
    own = scores.get(application.pk, {})
    later_first = [-(own.get(s.kind) or Decimal(0)) for s in reversed(stages)]
    return (-(application.final_score or Decimal(0)), *later_first, application.code)


def _rank(competition: Competition) -> None:
    stages = _ordered_stages(competition)
    candidates = list(
        competition.applications.filter(
            status__in=(Application.Status.ADMITTED, Application.Status.WINNER)
        )
    )
    rows = StageResult.objects.filter(application__in=candidates).values_list(
        "application_id", "stage__kind", "score"
    )
    scores: dict[int, dict[str, Decimal]] = {}
    for pk, kind, score in rows:
        scores.setdefault(pk, {})[kind] = score
    weights = {s.kind: s.weight for s in stages}
    by_vacancy: dict[int, list[Application]] = {}
    for application in candidates:
        total = sum(
            (weights[kind] * score for kind, score in scores.get(application.pk, {}).items()),
            Decimal(0),
        )
        application.final_score = total.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
        by_vacancy.setdefault(application.vacancy_id, []).append(application)
    for group in by_vacancy.values():
        group.sort(key=lambda a: _ranking_key(a, scores, stages))
        for position, application in enumerate(group, start=1):
            application.rank = position
    Application.objects.bulk_update(candidates, ["final_score", "rank"])


def _rank_and_lock(competition: Competition, *, actor) -> Competition:
    _rank(competition)
    now = timezone.now()
    competition.stages.filter(locked_at=None).update(locked_at=now)
    _transition(competition, S.RANKING_LOCKED, actor=actor)
    return competition


@transaction.atomic
def competition_lock_ranking(*, competition: Competition, actor) -> Competition:
    """After the interview (or the last stage), compute the ranking and freeze every score."""
    competition = _locked_competition(competition)
    if competition.status == S.INTERVIEW:
        stages = _ordered_stages(competition)
        current = _current_stage(competition, stages)
        running = competition.applications.filter(status__in=IN_THE_RUNNING)
        missing = running.exclude(results__stage=current).count()
        if missing:
            raise ApplicationError(
                _("%(count)s application(s) have no valid %(stage)s score yet.")
                % {"count": missing, "stage": current.get_kind_display()},
                code="results_missing",
            )
        failed = running.filter(results__stage=current, results__passed=False)
        failed.update(status=Application.Status.ELIMINATED)
        return _rank_and_lock(competition, actor=actor)
    return competition_advance(competition=competition, actor=actor)


@transaction.atomic
def competition_publish_results(*, competition: Competition, actor) -> Competition:
    """Winners per vacancy, the next ranked offered the reserve, everyone told."""
    competition = _locked_competition(competition)
    if competition.status != S.RANKING_LOCKED:
        raise ApplicationError(
            _("Results can be published only after the ranking is locked."), code="not_locked"
        )
    ranked = (
        competition.applications.filter(
            status__in=(Application.Status.ADMITTED, Application.Status.WINNER)
        )
        .exclude(rank=None)
        .order_by("vacancy_id", "rank", "code")
    )
    valid_until = timezone.localdate() + relativedelta(months=competition.reserve_validity_months)
    # Places go down each vacancy's ladder of codes still standing: a code disqualified at
    # the document check before publication leaves its place to the next one.
    positions: dict[int, int] = {}
    for application in ranked:
        position = positions.get(application.vacancy_id, 0)
        positions[application.vacancy_id] = position + 1
        if position == 0:
            application.status = Application.Status.WINNER
        elif position <= competition.reserve_size:
            application.status = Application.Status.RESERVE
            ReserveEntry.objects.get_or_create(
                application=application, defaults={"valid_until": valid_until}
            )
        else:
            application.status = Application.Status.NOT_SELECTED
        application.save(update_fields=["status"])
    competition.stages.filter(results_published_at=None).update(results_published_at=timezone.now())
    _transition(competition, S.RESULTS_PUBLISHED, actor=actor)
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
    if stage.results_published_at is None:
        stage.results_published_at = timezone.now()
        stage.save(update_fields=["results_published_at"])
        audit_record(
            action="stage.results_published",
            actor=actor,
            target=stage,
            state_body=stage.competition.state_body,
        )
    return stage


# --- Commission ---------------------------------------------------------------------------


@transaction.atomic
def commission_declare(
    *, member: CommissionMember, has_conflict: bool, statement: str = ""
) -> CommissionMember:
    """A member's conflict-of-interest declaration, made once, before seeing any work."""
    member = CommissionMember.objects.select_for_update().get(pk=member.pk)
    if member.declared_at is not None:
        raise ApplicationError(
            _("You have already made your declaration for this competition."), code="declared"
        )
    if has_conflict and len(statement.strip()) < 10:
        raise ApplicationError(
            _("Describe the conflict of interest so the commission can replace you."),
            code="statement_required",
        )
    member.declared_at = timezone.now()
    member.has_conflict = has_conflict
    member.declaration = statement.strip()
    member.save(update_fields=["declared_at", "has_conflict", "declaration"])
    audit_record(
        action="commission.declared",
        actor=member.user,
        target=member,
        state_body=member.competition.state_body,
        details={"competition": member.competition.number, "has_conflict": has_conflict},
    )
    return member


def quorum_needed(competition: Competition, voting_members: int) -> int:
    return math.ceil(voting_members * competition.quorum_numerator / competition.quorum_denominator)


@transaction.atomic
def commission_mark(
    *,
    member: CommissionMember,
    application: Application,
    score: Decimal,
    rubric: dict | None = None,
    comment: str = "",
) -> CommissionMark:
    """A member marks one code at the current essay or interview stage; the stage score is
    recomputed as the mean of the members who marked, valid only with a quorum."""
    member = CommissionMember.objects.select_related("user").get(pk=member.pk)
    if not member.may_score:
        raise ApplicationError(
            _("Declare that you have no conflict of interest before scoring."),
            code="declaration_required",
        )
    application = Application.objects.select_related("current_stage", "competition").get(
        pk=application.pk
    )
    stage = application.current_stage
    if (
        application.competition_id != member.competition_id
        or stage is None
        or not stage.is_commission_scored
        or application.status not in IN_THE_RUNNING
    ):
        raise ApplicationError(_("This code is not awaiting a commission mark."), code="not_open")
    if stage.locked_at is not None:
        raise ApplicationError(
            _("The results of this stage are locked; corrections go through an appeal."),
            code="stage_locked",
        )
    if not (Decimal(0) <= score <= stage.max_score):
        raise ApplicationError(
            _("The score must be between 0 and %(max)s.") % {"max": stage.max_score},
            code="out_of_range",
        )
    if stage.kind == Stage.Kind.ESSAY:
        from testing_center.public import essay_for_marking

        if essay_for_marking(stage_id=stage.pk, application_id=application.pk).status == (
            "preparing"
        ):
            raise ApplicationError(
                _(
                    "This essay is still being prepared for marking (identifying details "
                    "are being removed). Try again in a few minutes."
                ),
                code="essay_preparing",
            )
    mark, _created = CommissionMark.objects.update_or_create(
        application=application,
        stage=stage,
        member=member,
        defaults={
            "score": score,
            "rubric": rubric or {},
            "comment": comment,
            "marked_at": timezone.now(),
        },
    )
    audit_record(
        action="commission.marked",
        actor=member.user,
        target=application,
        state_body=application.competition.state_body,
        details={"code": application.code, "stage": stage.kind, "score": str(score)},
    )
    _stage_score_from_marks(application=application, stage=stage)
    return mark


def _stage_score_from_marks(*, application: Application, stage: Stage) -> None:
    from recruitment.public import stage_result_record

    competition = application.competition
    voting = competition.commission.exclude(role=CommissionMember.Role.SECRETARY).filter(
        has_conflict=False
    )
    needed = quorum_needed(competition, voting.count())
    marks = list(
        CommissionMark.objects.filter(application=application, stage=stage)
        .order_by("marked_at", "pk")
        .values_list("score", flat=True)
    )
    if stage.kind == Stage.Kind.ESSAY and marks:
        from testing_center.public import essay_mark_recorded

        # An essay the AI doubts, or whose first mark is far from the AI's, needs two
        # independent blind marks whatever the quorum.
        needed = max(
            needed,
            essay_mark_recorded(
                application_id=application.pk,
                stage_id=stage.pk,
                score=marks[0],
                marks_so_far=len(marks),
            ),
        )
    if len(marks) < needed:
        StageResult.objects.filter(application=application, stage=stage).delete()
        return
    mean = (sum(marks, Decimal(0)) / len(marks)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    passed = stage.pass_score is None or mean >= stage.pass_score
    stage_result_record(
        application_id=application.pk,
        stage_id=stage.pk,
        score=mean,
        passed=passed,
        details={"marks": len(marks), "quorum": needed},
    )


# --- Reveal -------------------------------------------------------------------------------


def _raise_ethics_case(*, application: Application, reveal: IdentityReveal) -> None:
    from ethics.public import system_case_raise

    system_case_raise(
        kind="identity_reveal",
        state_body_id=application.competition.state_body_id,
        summary=f"{application.competition.number}: {application.code} ({reveal.purpose})",
        evidence={
            "competition": application.competition.number,
            "code": application.code,
            "purpose": reveal.purpose,
            "reason": reveal.reason,
            "revealed_by": reveal.revealed_by_id,
            "rank": application.rank,
        },
        dedupe_key=f"reveal:{reveal.pk}",
    )


@transaction.atomic
def application_reveal(
    *, application: Application, actor, purpose: str, reason: str
) -> IdentityReveal:
    """Reveal who stands behind a code: only after the lock, only for the positions needed,
    by a named officer with a reason; every reveal is audited and reported to ethics."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("competition__state_body", "current_stage")
        .get(pk=application.pk)
    )
    competition = application.competition
    if len(reason.strip()) < 15:
        raise ApplicationError(
            _("Write the reason for the reveal (at least 15 characters)."), code="reason_required"
        )
    allowed = reveal_permitted(application=application, purpose=purpose)
    if not allowed:
        raise ApplicationError(
            _(
                "This code cannot be revealed now: identities open only after the ranking is "
                "locked, and only for the positions needed."
            ),
            code="reveal_refused",
        )
    reveal = IdentityReveal.objects.create(
        application=application, purpose=purpose, reason=reason.strip(), revealed_by=actor
    )
    audit_record(
        action="identity.revealed",
        actor=actor,
        target=application,
        state_body=competition.state_body,
        details={"code": application.code, "purpose": purpose, "reason": reason.strip()},
    )
    _raise_ethics_case(application=application, reveal=reveal)
    return reveal


@transaction.atomic
def application_disqualify(*, application: Application, actor, reason: str) -> Application:
    """A false declaration found at the document check: the code is disqualified and the
    next ranked code moves up."""
    application = (
        Application.objects.select_for_update()
        .select_related("competition__state_body")
        .get(pk=application.pk)
    )
    if not application.reveals.exists():
        raise ApplicationError(
            _("Documents are checked only after the identity is revealed."), code="not_revealed"
        )
    if application.status == Application.Status.DISQUALIFIED:
        return application
    if len(reason.strip()) < 15:
        raise ApplicationError(
            _("Give the reason for the disqualification."), code="reason_required"
        )
    application.status = Application.Status.DISQUALIFIED
    application.save(update_fields=["status"])
    # Re-number the remaining ranks of the vacancy; the disqualified code keeps its rank for
    # the record.
    others = list(
        Application.objects.filter(competition=application.competition, vacancy=application.vacancy)
        .exclude(pk=application.pk)
        .exclude(rank=None)
        .exclude(status=Application.Status.DISQUALIFIED)
        .order_by("rank")
    )
    if application.competition.status == S.RESULTS_PUBLISHED and others:
        promoted = others[0]
        ReserveEntry.objects.filter(application=promoted).delete()
        promoted.status = Application.Status.WINNER
        promoted.save(update_fields=["status"])
    audit_record(
        action="application.disqualified",
        actor=actor,
        target=application,
        state_body=application.competition.state_body,
        details={"code": application.code, "reason": reason.strip()},
    )
    return application


@transaction.atomic
def application_appoint(*, application: Application, actor) -> Application:
    application = (
        Application.objects.select_for_update()
        .select_related("competition__state_body")
        .get(pk=application.pk)
    )
    if application.status != Application.Status.WINNER:
        raise ApplicationError(_("Only a winner can be appointed."), code="not_winner")
    if not application.reveals.exists():
        raise ApplicationError(
            _("Reveal the winner and check the documents before the appointment."),
            code="not_revealed",
        )
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


# --- Appeals ------------------------------------------------------------------------------


def appeal_deadline(*, stage: Stage) -> dt.datetime | None:
    if stage.results_published_at is None:
        return None
    return stage.results_published_at + dt.timedelta(days=stage.competition.appeal_window_days)


@transaction.atomic
def appeal_submit(*, user, application: Application, stage: Stage, text: str) -> Appeal:
    from recruitment.redaction import redact_for_staff

    _owned(user=user, application=application)
    stage = Stage.objects.select_related("competition__state_body").get(pk=stage.pk)
    if stage.competition_id != application.competition_id:
        raise ApplicationError(_("This stage is not part of your competition."), code="stage")
    if not StageResult.objects.filter(application=application, stage=stage).exists():
        raise ApplicationError(
            _("There is no result of yours to appeal at this stage."), code="no_result"
        )
    deadline = appeal_deadline(stage=stage)
    if deadline is None or timezone.now() > deadline:
        raise ApplicationError(
            _("The appeal window for this stage is closed."), code="window_closed"
        )
    text = text.strip()
    if len(text) < 20:
        raise ApplicationError(
            _("Explain the grounds of your appeal (at least 20 characters)."), code="too_short"
        )
    if Appeal.objects.filter(
        application=application, stage=stage, status=Appeal.Status.SUBMITTED
    ).exists():
        raise ApplicationError(
            _("Your appeal of this stage is already under review."), code="duplicate"
        )
    appeal = Appeal.objects.create(
        application=application, stage=stage, text=text, text_redacted=redact_for_staff(text)
    )
    audit_record(
        action="appeal.submitted",
        target=appeal,
        state_body=application.competition.state_body,
        details={"code": application.code, "stage": stage.kind},
    )
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, actor, upheld: bool, answer: str, corrected_score: Decimal | None = None
) -> Appeal:
    """The commission's answer. An upheld appeal may correct the stage score: the only way a
    locked score ever changes, and it re-ranks the competition if it was ranked."""
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("application__competition__state_body", "stage")
        .get(pk=appeal.pk)
    )
    if appeal.status != Appeal.Status.SUBMITTED:
        raise ApplicationError(_("This appeal has already been decided."), code="decided")
    if len(answer.strip()) < 10:
        raise ApplicationError(_("Write the answer to the candidate."), code="answer_required")
    result = StageResult.objects.filter(application=appeal.application, stage=appeal.stage).first()
    if upheld and corrected_score is not None:
        if not (Decimal(0) <= corrected_score <= appeal.stage.max_score):
            raise ApplicationError(
                _("The score must be between 0 and %(max)s.") % {"max": appeal.stage.max_score},
                code="out_of_range",
            )
        old = result.score
        result.score = corrected_score
        result.passed = (
            appeal.stage.pass_score is None or corrected_score >= appeal.stage.pass_score
        )
        result.details = {**result.details, "corrected_by_appeal": appeal.pk, "previous": str(old)}
        result.save(update_fields=["score", "passed", "details"])
        if appeal.application.competition.status in RANKED:
            _rank(appeal.application.competition)
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    appeal.answer = answer.strip()
    appeal.corrected_score = corrected_score if upheld else None
    appeal.decided_at = timezone.now()
    appeal.decided_by = actor
    appeal.save(update_fields=["status", "answer", "corrected_score", "decided_at", "decided_by"])
    audit_record(
        action="appeal.decided",
        actor=actor,
        target=appeal,
        state_body=appeal.application.competition.state_body,
        details={
            "code": appeal.application.code,
            "upheld": upheld,
            "corrected_score": str(corrected_score) if corrected_score is not None else None,
        },
    )
    return appeal


def reserve_active() -> Q:
    return Q(valid_until__gte=timezone.localdate(), withdrawn_at=None)


def competitions_needing_attention() -> dict[str, int]:
    """Counts for the admin dashboard."""
    return dict(Competition.objects.values_list("status").annotate(n=Count("pk")))
