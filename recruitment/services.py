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
from recruitment import eligibility, notifications, procedure
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

# The stage machine and every step's preconditions live in recruitment.procedure.
TRANSITIONS = procedure.TRANSITIONS
STAGE_STATUS = procedure.STAGE_STATUS
RANKED = procedure.RANKED
IN_THE_RUNNING = procedure.IN_THE_RUNNING


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


def _iin_held_notices(*, holder: CandidateProfile, newcomer) -> None:
    """After the commit: the IIN's holder hears that someone tried to use it, and the new
    account hears why it cannot apply. Neither message names the other account or the IIN."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    def send(user, template: str, subject) -> None:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = render_to_string(
                template,
                {
                    "login_path": reverse("login"),
                    "reset_path": reverse("accounts:password_reset"),
                },
            )
            send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, [user.email])

    owner = holder.user
    transaction.on_commit(
        lambda: send(
            owner,
            "recruitment/email/iin_used_elsewhere.txt",
            _("Someone tried to use your IIN on eQyzmet"),
        )
    )
    transaction.on_commit(
        lambda: send(
            newcomer,
            "recruitment/email/profile_held.txt",
            _("We could not complete your eQyzmet profile"),
        )
    )


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
    """Create or update the signed-in person's profile. The IIN is checked by its checksum;
    the birth date is taken from it.

    One profile per IIN, without an oracle: an IIN another profile already holds is saved
    exactly like a free one (same answer, same page), but the new profile is held
    (``iin_conflict``) and cannot apply; the holder is told by e-mail that someone tried to
    use their IIN, and the new account is told by e-mail what to do."""
    iin = "".join(iin.split())
    if not iin_is_valid(iin):
        raise ApplicationError(
            _("This is not a valid IIN: check the 12 digits."), code="invalid_iin"
        )
    full_name = " ".join(full_name.split())
    if len(full_name) < 3:
        raise ApplicationError(_("Enter your full name."), code="invalid_name")
    index = blind_index(iin, purpose="iin")
    profile = CandidateProfile.objects.select_for_update().filter(user=user).first()
    profile = profile or CandidateProfile(user=user)
    created = profile.pk is None
    was_held = profile.iin_conflict and profile.iin_index == index

    def holder() -> CandidateProfile | None:
        return (
            CandidateProfile.objects.filter(iin_index=index, iin_conflict=False)
            .exclude(user=user)
            .select_related("user")
            .first()
        )

    profile.full_name = full_name
    profile.iin = iin
    profile.iin_index = index
    profile.birth_date = iin_birth_date(iin)
    profile.phone = phone.strip()
    profile.is_civil_servant = is_civil_servant
    profile.current_body = current_body if is_civil_servant else None
    other = holder()
    profile.iin_conflict = other is not None
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        # Another account took this IIN between our look and our write.
        other = holder()
        profile.iin_conflict = True
        profile.save()
    if other is not None and not was_held:
        _iin_held_notices(holder=other, newcomer=user)
    audit_record(
        action="profile.created" if created else "profile.updated",
        target=profile,
        details={"held": True} if profile.iin_conflict else {},
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


def _declared_facts(*, profile: CandidateProfile, competition: Competition) -> dict:
    """The declaration with its real dates, for the eligibility check at submission only:
    it is never stored and never leaves this module."""
    return {
        "education": [{"level": e.level, "field": e.field} for e in profile.education.all()],
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


def _months(start: dt.date, end: dt.date) -> int:
    if end <= start:
        return 0
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def qualification_snapshot(
    *, profile: CandidateProfile, competition: Competition, as_of: dt.date | None = None
) -> dict:
    """The structured, non-identifying facts frozen into an application.

    No dates at all (DESIGN.md §3): in an internal competition the day a colleague started
    a job or the year they graduated names them. Each job is its length in whole months as
    of ``as_of`` (the day of submission) with its sector and field; each education entry is
    its level and field. Entries are sorted by kind, not by time, so the order says nothing
    about the career either.
    """
    as_of = as_of or timezone.localdate()
    facts = _declared_facts(profile=profile, competition=competition)
    experience = []
    for item in facts["experience"]:
        start = dt.date.fromisoformat(item["from"])
        end = dt.date.fromisoformat(item["to"]) if item["to"] else as_of
        experience.append(
            {
                "sector": item["sector"],
                "field": item["field"],
                "months": _months(start, min(end, as_of)),
            }
        )
    return {
        **facts,
        "education": sorted(facts["education"], key=lambda e: (-e["level"], e["field"])),
        "experience": sorted(experience, key=lambda x: (x["sector"], x["field"], -x["months"])),
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
    if profile.iin_conflict:
        raise ApplicationError(
            _("We could not complete your profile: check your e-mail."), code="profile_held"
        )
    today = now.date()
    snapshot = qualification_snapshot(profile=profile, competition=competition, as_of=today)
    # Overlapping jobs count once, which needs the real periods: they decide eligibility
    # here and are not kept.
    eligible, reasons = eligibility.assess(
        vacancy=vacancy,
        competition_kind=competition.kind,
        snapshot=_declared_facts(profile=profile, competition=competition),
        as_of=today,
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
    notifications.application_received_raised(application=application)
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
    notifications.application_withdrawn_raised(application=application)
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


def _ranking_key(application: Application, scores: dict[int, dict[str, Decimal]], stages):
    """Final score descending; ties broken by the latest stage's score, then earlier stages
    in reverse order; last by the random anonymous code (a fair lottery nobody can steer)."""
    own = scores.get(application.pk, {})
    later_first = [-(own.get(s.kind) or Decimal(0)) for s in reversed(stages)]
    return (-(application.final_score or Decimal(0)), *later_first, application.code)


# Codes that hold a place in the final ranking: those still in the running at the lock, and
# after publication the winner, the reserve, the rest of the ranked, the appointed and the
# disqualified (who keep their rank for the record).
PLACED = (
    Application.Status.ADMITTED,
    Application.Status.WINNER,
    Application.Status.RESERVE,
    Application.Status.APPOINTED,
    Application.Status.DISQUALIFIED,
)


def _rank(competition: Competition) -> None:
    stages = _ordered_stages(competition)
    candidates = list(
        competition.applications.filter(
            Q(status__in=PLACED) | Q(status=Application.Status.NOT_SELECTED, rank__isnull=False)
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
    _transition(
        competition,
        S.RANKING_LOCKED,
        actor=actor,
        details={"ranked": competition.applications.exclude(rank=None).count()},
    )
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


def _places_assign(competition: Competition) -> dict[int, tuple[str, str]]:
    """Winner, reserve and not selected down each vacancy's ladder of codes still standing;
    an appointed code keeps its post. Returns {application id: (old status, new status)} for
    the codes whose status changed."""
    valid_until = timezone.localdate() + relativedelta(months=competition.reserve_validity_months)
    ranked = (
        competition.applications.exclude(rank=None)
        .exclude(status=Application.Status.DISQUALIFIED)
        .order_by("vacancy_id", "rank", "code")
    )
    by_vacancy: dict[int, list[Application]] = {}
    for application in ranked:
        by_vacancy.setdefault(application.vacancy_id, []).append(application)
    changed: dict[int, tuple[str, str]] = {}
    moved: list[Application] = []
    for ladder in by_vacancy.values():
        # Someone already appointed holds the post whatever a later correction says.
        ladder.sort(key=lambda a: a.status != Application.Status.APPOINTED)
        for position, application in enumerate(ladder):
            old = application.status
            if position == 0:
                new = old if old == Application.Status.APPOINTED else Application.Status.WINNER
            elif position <= competition.reserve_size:
                new = Application.Status.RESERVE
            else:
                new = Application.Status.NOT_SELECTED
            if new == Application.Status.RESERVE:
                ReserveEntry.objects.get_or_create(
                    application=application, defaults={"valid_until": valid_until}
                )
            elif old == Application.Status.RESERVE:
                ReserveEntry.objects.filter(application=application).delete()
            if new != old:
                application.status = new
                moved.append(application)
                changed[application.pk] = (old, new)
    Application.objects.bulk_update(moved, ["status"], batch_size=500)
    return changed


def _winners(competition: Competition) -> dict[int, int]:
    """The code at the top of each vacancy's ladder: {vacancy id: application id}."""
    top: dict[int, int] = {}
    rows = (
        competition.applications.exclude(rank=None)
        .exclude(status=Application.Status.DISQUALIFIED)
        .order_by("vacancy_id", "rank", "code")
        .values_list("vacancy_id", "pk", "status")
    )
    for vacancy_id, pk, status in rows:
        if status == Application.Status.APPOINTED or vacancy_id not in top:
            top[vacancy_id] = pk
    return top


def _rerank_after_correction(*, competition: Competition, actor, reason: str) -> dict:
    """Recompute ranks (and, once published, places and the reserve) after a corrected score.

    A change of winner after the winner was revealed or appointed is refused unless HR gives
    a reason, and the refusal names exactly the codes affected."""
    before = _winners(competition)
    statuses_before = dict(competition.applications.values_list("pk", "status"))
    ranks_before = dict(competition.applications.values_list("pk", "rank"))
    _rank(competition)
    after = _winners(competition)
    moved = {v: (before.get(v), pk) for v, pk in after.items() if before.get(v) != pk}
    exposed = [
        old
        for old, _new in moved.values()
        if old is not None
        and (
            statuses_before.get(old) == Application.Status.APPOINTED
            or IdentityReveal.objects.filter(application_id=old).exists()
        )
    ]
    if exposed and len(reason.strip()) < 15:
        codes = dict(
            competition.applications.filter(
                pk__in=[pk for pair in moved.values() for pk in pair if pk]
            ).values_list("pk", "code")
        )
        raise ApplicationError(
            _(
                "This correction moves the winner's place from %(old)s to %(new)s after the "
                "winner's identity was revealed. Give the reason for the change (at least 15 "
                "characters); it goes on the record."
            )
            % {
                "old": ", ".join(codes.get(old, "—") for old, _n in moved.values()),
                "new": ", ".join(codes.get(new, "—") for _o, new in moved.values()),
            },
            code="crosses_winner_line",
        )
    changed = {}
    if competition.status in (S.RESULTS_PUBLISHED, S.CLOSED):
        changed = _places_assign(competition)
    ranks_after = dict(competition.applications.values_list("pk", "rank"))
    codes = dict(competition.applications.values_list("pk", "code"))
    details = {
        "ranks": {
            codes[pk]: [ranks_before.get(pk), rank]
            for pk, rank in ranks_after.items()
            if ranks_before.get(pk) != rank
        },
        "places": {codes[pk]: list(pair) for pk, pair in changed.items()},
    }
    if reason.strip():
        details["reason"] = reason.strip()
    audit_record(
        action="competition.reranked",
        actor=actor,
        target=competition,
        state_body=competition.state_body,
        details=details,
    )
    return details


def _restore_after_appeal(*, application: Application, stage: Stage) -> bool:
    """An upheld appeal that turns a fail at ``stage`` into a pass brings the code back: to
    the next stage if it has not been locked yet, or into the ranking if the competition was
    ranked. Returns whether the code came back."""
    competition = application.competition
    if application.status != Application.Status.ELIMINATED or application.current_stage_id != (
        stage.pk
    ):
        return False
    stages = _ordered_stages(competition)
    later = [s for s in stages if s.position > stage.position]
    if competition.status in RANKED:
        if later:
            return False  # never sat the later stages: HR decides, the appeal is on record
        application.status = Application.Status.ADMITTED
        application.save(update_fields=["status"])
        return True
    next_stage = later[0] if later else None
    if next_stage is not None and next_stage.locked_at is not None:
        return False
    application.status = Application.Status.ADMITTED
    if next_stage is not None and competition.status != S.APPLICATIONS_CLOSED:
        current = _current_stage(competition, stages)
        if current is not None and current.position >= next_stage.position:
            application.current_stage = next_stage
    application.save(update_fields=["status", "current_stage"])
    return True


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
    procedure.require(procedure.marking_blockers(competition=application.competition, stage=stage))
    if stage.locked_at is not None:
        raise ApplicationError(
            _("The results of this stage are locked; corrections go through an appeal."),
            code="stage_locked",
        )
    # NaN compares with nothing (and raises); Infinity is simply out of range.
    if not score.is_finite() or not (Decimal(0) <= score <= stage.max_score):
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
    *,
    appeal: Appeal,
    actor,
    upheld: bool,
    answer: str,
    corrected_score: Decimal | None = None,
    reason: str = "",
) -> Appeal:
    """The commission's answer. An upheld appeal may correct the stage score: the only way a
    locked score ever changes. A corrected pass brings an eliminated code back (to the next
    stage, or into the ranking), and a ranked competition is re-ranked, its places and reserve
    reassigned; moving the winner's place after a reveal needs ``reason``."""
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
    previous = str(result.score) if result is not None else None
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
        application = Application.objects.select_for_update().get(pk=appeal.application_id)
        restored = result.passed and _restore_after_appeal(
            application=application, stage=appeal.stage
        )
        if restored and application.current_stage_id != appeal.stage_id:
            # Back into a stage that opened while the code was out: told as the others were.
            notifications.stage_opened_for_raised(
                application=application, stage=application.current_stage
            )
        competition = _locked_competition(application.competition)
        if competition.status in RANKED:
            changes = _rerank_after_correction(competition=competition, actor=actor, reason=reason)
            notifications.places_changed_raised(appeal=appeal, changes=changes)
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
            "stage": appeal.stage.kind,
            "previous_score": previous if upheld and corrected_score is not None else None,
        },
    )
    notifications.appeal_decided_raised(appeal=appeal)
    return appeal


def reserve_active() -> Q:
    return Q(valid_until__gte=timezone.localdate(), withdrawn_at=None)


def competitions_needing_attention() -> dict[str, int]:
    """Counts for the admin dashboard."""
    return dict(Competition.objects.values_list("status").annotate(n=Count("pk")))
