"""The recruitment app's public surface (OEP-49): other apps import only this module.

The module itself is what the testing center asks about stages and applications: it
satisfies ``testing_center.public.Competitions`` and is registered there when Django starts
(``RecruitmentConfig.ready``), so the engine never imports the orchestrator.

Plain data crosses the border; models do not. Everything here is anonymous: applications
are known by id and code, never by person, except ``candidate_application_id`` which a
candidate-facing page uses to find the signed-in person's own application.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.personal_data import Blocker
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.vault import blind_index
from ethics.public import ConflictDeclaration
from recruitment.eligibility import reason_text
from recruitment.models import (
    Appeal,
    Application,
    CandidateProfile,
    CommissionMember,
    IdentityEscrow,
    IdentityReveal,
    Notification,
    Stage,
    StageResult,
)
from recruitment.selectors import applications_admitted_to_stage
from testing_center.public import AdmittedCode, StageInfo


def owner_index(user_id: int) -> str:
    """The blind index that finds a person's applications in the escrow."""
    return blind_index(str(user_id), purpose="application-owner")


def stage_info(stage_id: int) -> StageInfo:
    stage = Stage.objects.select_related("competition").get(pk=stage_id)
    return StageInfo(
        stage_id=stage.pk,
        competition_id=stage.competition_id,
        competition_number=stage.competition.number,
        competition_status=stage.competition.status,
        state_body_id=stage.competition.state_body_id,
        kind=stage.kind,
        opens_at=stage.opens_at,
        closes_at=stage.closes_at,
        max_score=stage.max_score,
        locked=stage.locked_at is not None,
    )


def admitted_applications(stage_id: int) -> list[AdmittedCode]:
    """Applications admitted to sit this stage (still in the running, current stage)."""
    return [
        AdmittedCode(application_id=a.pk, code=a.code)
        for a in applications_admitted_to_stage(stage_id=stage_id)
    ]


def is_admitted(*, application_id: int, stage_id: int) -> bool:
    return bool(admitted_among(stage_ids=[stage_id], application_ids=[application_id]))


def admitted_among(*, stage_ids, application_ids) -> set[tuple[int, int]]:
    """``{(stage_id, application_id)}`` for those of ``application_ids`` admitted to sit
    those of ``stage_ids``: one query, however many stages and however many others sit."""
    return set(
        Application.objects.filter(
            pk__in=list(application_ids),
            current_stage_id__in=list(stage_ids),
            status=Application.Status.ADMITTED,
        ).values_list("current_stage_id", "pk")
    )


def candidate_application_id(*, user, competition_id: int) -> int | None:
    """The signed-in candidate's active application in a competition, if any."""
    return candidate_application_ids(user=user).get(competition_id)


# A candidate's own applications are asked for on every autosave of a running test; they
# change only when the person applies or withdraws. Kept in the cache for a minute at most
# and dropped whenever an escrow row of theirs is written (signals in recruitment.apps).
OWNER_CACHE_SECONDS = 60


def _owner_cache_key(index: str) -> str:
    return f"recruitment:applications-of:{index}"


def candidate_application_ids(*, user) -> dict[int, int]:
    """``{competition_id: application_id}`` for the signed-in candidate's active
    applications: one query, or none when the cache has them."""
    if not user.is_authenticated:
        return {}
    index = owner_index(user.pk)
    key = _owner_cache_key(index)
    cached = cache.get(key)
    if cached is None:
        cached = dict(
            IdentityEscrow.objects.filter(owner_index=index, active=True).values_list(
                "competition_id", "application_id"
            )
        )
        cache.set(key, cached, OWNER_CACHE_SECONDS)
    return dict(cached)


def candidate_applications_forget(index: str) -> None:
    """Drop the cached applications of the person behind ``index`` now and again when the
    writing transaction commits (a read racing the write could otherwise cache the old)."""
    key = _owner_cache_key(index)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def application_code(application_id: int) -> str:
    return Application.objects.values_list("code", flat=True).get(pk=application_id)


def application_codes(application_ids) -> dict[int, str]:
    """``{application_id: code}`` in one query."""
    return dict(Application.objects.filter(pk__in=list(application_ids)).values_list("pk", "code"))


def locked_stage_scores(*, stage_ids) -> dict[tuple[int, int], Decimal]:
    """``{(application_id, stage_id): score}`` of stages whose results are locked: final
    scores that may teach the AI scorer. One query."""
    rows = StageResult.objects.filter(
        stage_id__in=list(stage_ids), stage__locked_at__isnull=False
    ).values_list("application_id", "stage_id", "score")
    return {(a, s): score for a, s, score in rows}


@transaction.atomic
def stage_result_record(
    *,
    application_id: int,
    stage_id: int,
    score: Decimal,
    passed: bool,
    details: dict | None = None,
    actor=None,
) -> None:
    """Record (or re-record, before the stage is locked) one application's stage result.

    Called by the testing center when a test is scored and by the commission scoring
    services. Refused once the stage or the ranking is locked: corrections then go through
    an appeal decision.
    """
    stage = Stage.objects.select_for_update().select_related("competition").get(pk=stage_id)
    if stage.locked_at is not None:
        raise ApplicationError(
            _("The results of this stage are locked; corrections go through an appeal."),
            code="stage_locked",
        )
    application = Application.objects.get(pk=application_id, competition_id=stage.competition_id)
    StageResult.objects.update_or_create(
        application=application,
        stage=stage,
        defaults={
            "score": score,
            "passed": passed,
            "details": details or {},
            "recorded_at": timezone.now(),
        },
    )
    audit_record(
        action="stage_result.recorded",
        actor=actor,
        target=application,
        state_body=stage.competition.state_body,
        details={
            "code": application.code,
            "stage": stage.kind,
            "score": str(score),
            "passed": passed,
        },
    )


def conflict_declarations(*, state_bodies, query: str = "", limit: int = 200) -> list:
    """Commission members' conflict-of-interest declarations in competitions of the given
    state bodies (a queryset), newest competitions first; ``query`` matches the
    competition number or the member's e-mail. One query."""
    seats = (
        CommissionMember.objects.filter(competition__state_body__in=state_bodies)
        .select_related("competition__state_body", "user")
        .order_by("-competition__applications_open_at", "competition__number", "pk")
    )
    if query:
        seats = seats.filter(
            Q(competition__number__icontains=query) | Q(user__email__icontains=query)
        )
    return [
        ConflictDeclaration(
            competition_number=s.competition.number,
            state_body=s.competition.state_body.name,
            member_email=s.user.email,
            role=s.get_role_display(),
            declared_at=s.declared_at,
            has_conflict=s.has_conflict,
            statement=s.declaration,
        )
        for s in seats[:limit]
    ]


# --- The candidate's own data: export, deletion (eqyzmet.accounts.personal_data) ---------
# Registered in RecruitmentConfig.ready. Only what the candidate already sees on their own
# pages: no commission marks, no stage details, no other applicant, no staff identity.

_FINISHED = ("closed", "cancelled")
_PUBLISHED = ("results_published", "closed")
_RANKED = ("ranking_locked", "results_published", "closed")
# The identity of a person who was revealed, won, was appointed or holds a reserve place is
# part of the competition's record (the document check and the appointment).
_IDENTITY_KEPT = ("winner", "appointed", "reserve")


def _own_escrows(user_id: int):
    return IdentityEscrow.objects.filter(owner_index=owner_index(user_id))


def _profile_export(profile) -> dict:
    return {
        "full_name": profile.full_name,
        "iin": profile.iin,
        "birth_date": profile.birth_date,
        "phone": profile.phone,
        "is_civil_servant": profile.is_civil_servant,
        "current_body": profile.current_body.name if profile.current_body else None,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
        "education": [
            {
                "level": str(e.get_level_display()),
                "field": str(e.get_field_display()),
                "institution": e.institution,
                "graduation_year": e.graduation_year,
            }
            for e in profile.education.all()
        ],
        "experience": [
            {
                "sector": str(x.get_sector_display()),
                "field": str(x.get_field_display()),
                "employer": x.employer,
                "from": x.started_on,
                "to": x.ended_on,
            }
            for x in profile.experience.all()
        ],
        "languages": [
            {"language": str(s.get_language_display()), "level": str(s.get_level_display())}
            for s in profile.languages.all()
        ],
        "documents": [
            {
                "kind": str(d.get_kind_display()),
                "content_type": d.content_type,
                "size_bytes": d.size,
                "sha256": d.sha256,
                "uploaded_at": d.uploaded_at,
            }
            for d in profile.documents.all()
        ],
    }


def _application_export(application, notifications) -> dict:
    competition = application.competition
    published = competition.status in _PUBLISHED
    reserve = getattr(application, "reserve_entry", None)
    return {
        "code": application.code,
        "competition": competition.number,
        "competition_status": str(competition.get_status_display()),
        "state_body": competition.state_body.name,
        "vacancy": application.vacancy.title,
        "status": str(application.get_status_display()),
        "submitted_at": application.submitted_at,
        "eligibility": [
            {"met": r["met"], "requirement": str(reason_text(r))}
            for r in application.eligibility_reasons
        ],
        "current_stage": (
            str(application.current_stage.get_kind_display()) if application.current_stage else None
        ),
        "rank": application.rank if published else None,
        "final_score": application.final_score if published else None,
        "reserve_until": (
            reserve.valid_until
            if published and reserve is not None and reserve.withdrawn_at is None
            else None
        ),
        "stage_results": [
            {
                "stage": str(r.stage.get_kind_display()),
                "score": r.score,
                "max_score": r.stage.max_score,
                "passed": r.passed,
            }
            for r in application.published_results
        ],
        "appeals": [
            {
                "stage": str(a.stage.get_kind_display()),
                "submitted_at": a.submitted_at,
                "grounds": a.text,
                "status": str(a.get_status_display()),
                "answer": a.answer,
                "corrected_score": a.corrected_score,
                "decided_at": a.decided_at,
            }
            for a in application.appeals.all()
        ],
        "notifications": [
            {"event": n.event, "created_at": n.created_at, "sent_at": n.sent_at}
            for n in notifications.get(application.pk, [])
        ],
    }


def candidate_personal_data(user_id: int) -> dict | None:
    """Everything recruitment holds about the person, as they may see it. A fixed number
    of queries however many applications there are."""
    profile = (
        CandidateProfile.objects.filter(user_id=user_id)
        .select_related("current_body")
        .prefetch_related("education", "experience", "languages", "documents")
        .first()
    )
    ids = list(_own_escrows(user_id).values_list("application_id", flat=True))
    applications = (
        Application.objects.filter(pk__in=ids)
        .select_related("competition__state_body", "vacancy", "current_stage", "reserve_entry")
        .prefetch_related(
            Prefetch(
                "results",
                queryset=StageResult.objects.filter(stage__results_published_at__isnull=False)
                .select_related("stage")
                .order_by("stage__position"),
                to_attr="published_results",
            ),
            Prefetch(
                "appeals", queryset=Appeal.objects.select_related("stage").order_by("submitted_at")
            ),
        )
        .order_by("-submitted_at", "-pk")
    )
    notifications: dict[int, list] = {}
    if ids:
        for n in Notification.objects.filter(application_id__in=ids).order_by("created_at"):
            notifications.setdefault(n.application_id, []).append(n)
    if profile is None and not ids:
        return None
    return {
        "profile": _profile_export(profile) if profile is not None else None,
        "applications": [_application_export(a, notifications) for a in applications],
    }


def candidate_deletion_blockers(user_id: int) -> list:
    """Applications in competitions still running: the account cannot go while one is, as
    the competition's procedure may still need to reach its candidate."""
    ids = _own_escrows(user_id).values("application_id")
    running = (
        Application.objects.filter(pk__in=ids)
        .exclude(status=Application.Status.WITHDRAWN)
        .exclude(competition__status__in=_FINISHED)
        .select_related("competition")
        .order_by("competition__number")
    )
    blockers = []
    for a in running:
        withdrawable = a.competition.status not in _RANKED and a.status in (
            Application.Status.ADMITTED,
            Application.Status.INELIGIBLE,
        )
        if withdrawable:
            message = _(
                "Your application %(code)s in competition %(number)s is still in a running "
                "competition. Withdraw it first, then delete your account."
            )
        else:
            message = _(
                "Your application %(code)s in competition %(number)s is still in a running "
                "competition and can no longer be withdrawn. You can delete your account "
                "once the competition is closed."
            )
        blockers.append(
            Blocker(
                message=message % {"code": a.code, "number": a.competition.number},
                url_name="recruitment:application_withdraw" if withdrawable else "",
                url_args=(a.pk,) if withdrawable else (),
                link_text=_("Withdraw") if withdrawable else "",
            )
        )
    return blockers


@transaction.atomic
def candidate_personal_data_erase(user_id: int) -> list[str]:
    """Delete the profile, its entries and documents, and unlink the person from their
    applications; the applications, results and appeals stay, anonymous, as the
    competition's record. Where the identity must be kept (a revealed code, a winner, an
    appointment, a reserve place) the name, IIN and date of birth stay with the links to
    those applications only. Returns the kinds of record kept."""
    escrows = list(_own_escrows(user_id))
    ids = [e.application_id for e in escrows]
    revealed = set(
        IdentityReveal.objects.filter(application_id__in=ids).values_list(
            "application_id", flat=True
        )
    )
    identity_ids = revealed | set(
        Application.objects.filter(pk__in=ids, status__in=_IDENTITY_KEPT).values_list(
            "pk", flat=True
        )
    )
    kept = ["applications"] if ids else []
    for escrow in escrows:
        if escrow.application_id not in identity_ids:
            escrow.delete()
    profile = CandidateProfile.objects.filter(user_id=user_id).first()
    if profile is not None:
        files = [(d.file.storage, d.file.name) for d in profile.documents.all()]
        for storage, name in files:
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))
        if identity_ids:
            profile.documents.all().delete()
            profile.education.all().delete()
            profile.experience.all().delete()
            profile.languages.all().delete()
            profile.phone = ""
            profile.current_body = None
            profile.is_civil_servant = False
            profile.save(update_fields=["phone", "current_body", "is_civil_servant"])
            kept.append("identity")
        else:
            profile.delete()
    audit_record(
        action="candidate.personal_data_erased",
        target_type="recruitment.candidateprofile",
        target_id=profile.pk if profile is not None else "",
        details={"applications": len(ids), "identity_kept_for": len(identity_ids)},
    )
    return kept
