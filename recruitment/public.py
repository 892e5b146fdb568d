"""The recruitment app's public surface (OEP-49): other apps import only this module.

The module itself is what the testing center asks about stages and applications: it
satisfies ``testing_center.public.Competitions`` and is registered there when Django starts
(``RecruitmentConfig.ready``), so the engine never imports the orchestrator.

Plain data crosses the border; models do not. Everything here is anonymous: applications
are known by id and code, never by person, except ``candidate_application_id`` which a
candidate-facing page uses to find the signed-in person's own application.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.uploads import CheckedUpload, upload_check
from eqyzmet.vault import blind_index
from ethics.public import ConflictDeclaration
from recruitment.models import (
    Application,
    CandidateProfile,
    CommissionMember,
    Competition,
    Education,
    IdentityEscrow,
    Stage,
    StageResult,
)
from recruitment.models import EducationLevel as EducationLevel  # re-exported: choices
from recruitment.models import Field as Field  # re-exported: choices
from recruitment.models_adjustments import Adjustment
from recruitment.selectors import applications_admitted_to_stage
from recruitment.selectors_matching import (  # noqa: F401  (the careers app's matching reads)
    CandidateFacts,
    Eligibility,
    OpenCompetition,
    OpenVacancy,
    candidate_facts,
    candidate_user_ids,
    open_vacancies,
    open_vacancy_regions,
    qualification_label,
    vacancy_eligibility,
    vacancy_ids_opened_since,
)
from testing_center.public import (
    NO_EXTRA_TIME,
    AdmittedCode,
    ExtraTime,
    StageInfo,
    redact_text,
)


def owner_index(user_id: int) -> str:
    """The blind index that finds a person's applications in the escrow."""
    return _owner_index(user_id, settings.EQYZMET_BLIND_INDEX_KEY)


@functools.lru_cache(maxsize=16384)
def _owner_index(user_id: int, key: str) -> str:
    # Kept per process by the key it was made with (every autosave asks it).
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
    return candidate_application_ids_of(user.pk)


def candidate_application_ids_cache_key(user_id: int) -> str:
    """Where ``candidate_application_ids_of`` keeps its answer (for a caller reading
    several cached values in one round trip)."""
    return _owner_cache_key(owner_index(user_id))


def candidate_application_ids_of(user_id: int) -> dict[int, int]:
    """``candidate_application_ids`` by the person's id (for the fast lane, which knows the
    signed-in person's id and never loads the user)."""
    index = owner_index(user_id)
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


def extra_time(application_id: int) -> ExtraTime:
    """The extra time an adjustments officer granted this application (approved or partly
    approved), or none. One query; asked once, when a paper starts."""
    row = (
        Adjustment.objects.filter(
            application_id=application_id,
            status__in=(Adjustment.Status.APPROVED, Adjustment.Status.PARTLY_APPROVED),
        )
        .values_list("approved_percent", "approved_minutes")
        .first()
    )
    if row is None or not any(row):
        return NO_EXTRA_TIME
    return ExtraTime(percent=row[0], minutes=row[1])


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


# --- For the careers app's internships (issue 17): the candidate's own profile, the one
# upload checker and the one redaction, so internships follow the same rules as competitions.


@dataclass(frozen=True)
class EducationFact:
    """One education entry of a candidate's profile, as structured facts (no institution)."""

    id: int
    level: int
    level_label: str
    field: str
    field_label: str
    graduation_year: int


@dataclass(frozen=True)
class CandidateContact:
    """Who is behind a code, for a deliberate, audited reveal only."""

    full_name: str
    email: str
    phone: str


def candidate_has_profile(*, user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        CandidateProfile.objects.filter(user=user, iin_conflict=False).exists()
    )


def candidate_education(*, user) -> list[EducationFact]:
    """The signed-in candidate's education entries, newest first: one query."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        EducationFact(
            id=e.pk,
            level=e.level,
            level_label=str(e.get_level_display()),
            field=e.field,
            field_label=str(e.get_field_display()),
            graduation_year=e.graduation_year,
        )
        for e in Education.objects.filter(profile__user=user).order_by("-graduation_year", "pk")
    ]


def candidate_contact(*, user_id: int) -> CandidateContact | None:
    """Name, e-mail and phone of an account's profile: for an audited reveal only."""
    profile = CandidateProfile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None:
        return None
    return CandidateContact(
        full_name=profile.full_name, email=profile.user.email, phone=profile.phone
    )


def document_upload_check(upload) -> CheckedUpload:
    """The check every candidate document passes (size, real type by content); raises
    ``ApplicationError`` with a translated message."""
    return upload_check(upload)


def free_text_for_staff(text: str) -> tuple[str, int]:
    """A candidate's free text as staff may read it, and how many identifying details were
    replaced (a possible self-identification when above zero)."""
    result = redact_text(text)
    return result.text, len(result.redactions)


# --- Matching (careers) ------------------------------------------------------------------
# The careers app ranks open vacancies for a candidate ("posts you can win"). It reads the
# candidate's own facts and the open vacancies as plain data, filters by the application's
# own eligibility check, and learns of changes through ``matching_changes_connect``.


def matching_changes_connect(*, profile_changed, vacancies_changed) -> None:
    """Call ``profile_changed(user_id)`` after a candidate's declared qualifications change
    and ``vacancies_changed(vacancy_ids)`` after a competition is published or a vacancy is
    edited, each once the writing transaction commits (a rolled-back write calls nothing).
    The callbacks only hand work to a queue: the rules stay in the services that wrote."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from recruitment.models import (
        CandidateProfile,
        Education,
        Experience,
        LanguageSkill,
        Vacancy,
    )

    def on_profile(sender, instance, **kwargs) -> None:
        user_id = instance.user_id
        transaction.on_commit(lambda: profile_changed(user_id))

    def on_entry(sender, instance, **kwargs) -> None:
        profile_id = instance.profile_id

        def call() -> None:
            user_id = (
                CandidateProfile.objects.filter(pk=profile_id)
                .values_list("user_id", flat=True)
                .first()
            )
            if user_id is not None:
                profile_changed(user_id)

        transaction.on_commit(call)

    def on_competition(sender, instance, update_fields=None, **kwargs) -> None:
        if instance.status != Competition.Status.PUBLISHED:
            return
        if update_fields is not None and "status" not in update_fields:
            return
        competition_id = instance.pk
        transaction.on_commit(
            lambda: vacancies_changed(
                list(
                    Competition.vacancies.through.objects.filter(
                        competition_id=competition_id
                    ).values_list("vacancy_id", flat=True)
                )
            )
        )

    def on_vacancies_added(sender, instance, action, pk_set=None, **kwargs) -> None:
        if action != "post_add" or not pk_set or not isinstance(instance, Competition):
            return
        if instance.status == Competition.Status.PUBLISHED:
            ids = sorted(pk_set)
            transaction.on_commit(lambda: vacancies_changed(ids))

    def on_vacancy(sender, instance, created=False, **kwargs) -> None:
        if not created:  # a new vacancy is in no competition yet
            vacancy_id = instance.pk
            transaction.on_commit(lambda: vacancies_changed([vacancy_id]))

    post_save.connect(
        on_profile, sender=CandidateProfile, dispatch_uid="matching-profile", weak=False
    )
    for model in (Education, Experience, LanguageSkill):
        uid = f"matching-{model._meta.model_name}"
        post_save.connect(on_entry, sender=model, dispatch_uid=f"{uid}-save", weak=False)
        post_delete.connect(on_entry, sender=model, dispatch_uid=f"{uid}-delete", weak=False)
    post_save.connect(
        on_competition, sender=Competition, dispatch_uid="matching-competition", weak=False
    )
    m2m_changed.connect(
        on_vacancies_added,
        sender=Competition.vacancies.through,
        dispatch_uid="matching-competition-vacancies",
        weak=False,
    )
    post_save.connect(on_vacancy, sender=Vacancy, dispatch_uid="matching-vacancy", weak=False)


# --- Published pay, for the careers pages (issue 17) -------------------------------------


@dataclass(frozen=True)
class PublishedPost:
    """One vacancy announced on the portal, as careers guidance may describe it: no body,
    no title, only what says what such posts pay and ask for."""

    category: str
    grade: str
    salary_min: int
    salary_max: int
    education_fields: tuple[str, ...]
    body_kind: str


def published_posts(*, since) -> list[PublishedPost]:
    """Vacancies of competitions announced on the portal (not drafts, not cancelled) whose
    applications opened at or after ``since``. One query."""
    from recruitment.models import Competition, Vacancy

    announced = Competition.objects.exclude(
        status__in=[Competition.Status.DRAFT, Competition.Status.CANCELLED]
    ).filter(applications_open_at__gte=since)
    rows = (
        Vacancy.objects.filter(competitions__in=announced)
        .distinct()
        .order_by("pk")
        .values_list(
            "category",
            "grade",
            "salary_min",
            "salary_max",
            "education_fields",
            "state_body__kind",
        )
    )
    return [
        PublishedPost(
            category=category,
            grade=grade,
            salary_min=low,
            salary_max=high,
            education_fields=tuple(str(f) for f in (fields or []) if isinstance(f, str)),
            body_kind=kind,
        )
        for category, grade, low, high, fields, kind in rows
    ]
