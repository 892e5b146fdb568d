"""The candidate's own data for eqyzmet.accounts.personal_data: the export, what blocks
deleting the account, and the erasure. Registered in RecruitmentConfig.ready through
``recruitment.public``.

Only what the candidate already sees on their own pages: no commission marks, no stage
details, no other applicant, no staff identity.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.personal_data import Blocker
from eqyzmet.audit import audit_record
from recruitment.eligibility import reason_text
from recruitment.models import (
    Appeal,
    Application,
    CandidateProfile,
    Competition,
    IdentityEscrow,
    IdentityReveal,
    Notification,
    StageResult,
)
from recruitment.models_equality import characteristic_label, group_label
from recruitment.public import owner_index
from recruitment.services.equality import equality_answers_for, equality_records_erase

_C = Competition.Status
_FINISHED = (_C.CLOSED, _C.CANCELLED)
_PUBLISHED = (_C.RESULTS_PUBLISHED, _C.CLOSED)
_RANKED = (_C.RANKING_LOCKED, _C.RESULTS_PUBLISHED, _C.CLOSED)
# The identity of a person who was revealed, won, was appointed or holds a reserve place is
# part of the competition's record (the document check and the appointment).
_A = Application.Status
_IDENTITY_KEPT = (_A.WINNER, _A.APPOINTED, _A.RESERVE)


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


def _application_export(application, notifications, equality) -> dict:
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
        "equality_answers": {
            str(characteristic_label(key)): str(group_label(key, value))
            for key, value in equality.get(application.pk, {}).items()
        },
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
    equality = equality_answers_for(ids) if ids else {}
    return {
        "profile": _profile_export(profile) if profile is not None else None,
        "applications": [_application_export(a, notifications, equality) for a in applications],
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
    open_competitions = Application.objects.filter(pk__in=ids).exclude(
        competition__status__in=_RANKED
    )
    equality_records_erase(
        application_ids=ids,
        competition_ids_open=open_competitions.values_list("competition_id", flat=True),
    )
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
