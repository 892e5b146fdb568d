"""Candidate-side writes that ``recruitment.services`` does not have: the structured
qualifications of a profile (education, work experience, languages) checked against the
birth date the IIN gives, deleting one's own document, drafts of applications, and saving
personal data (a Kazakhstan phone number) or applying (only when every requirement is met)
with a confirmed e-mail address.

Like every service: keyword-only, one transaction, one audit event per change. The audit
details name the kind of entry and its id, never its content (institutions and employers
are personal data), and carry no actor, as ``profile_save`` does.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from recruitment import services
from recruitment.eligibility import reason_text
from recruitment.iin import YOUNGEST_AGE, date_at_age, iin_birth_date
from recruitment.models import (
    Application,
    ApplicationDraft,
    CandidateProfile,
    Competition,
    Document,
    Education,
    Experience,
    IdentityEscrow,
    LanguageSkill,
    Vacancy,
)
from recruitment.phone import phone_normalise
from recruitment.public import owner_index

EARLIEST_YEAR = 1940
MOTIVATION_MAX = 3000


def _audit(action: str, entry) -> None:
    audit_record(
        action=action,
        target_type="recruitment.candidateprofile",
        target_id=entry.profile_id,
        details={"entry": entry._meta.model_name, "id": entry.pk},
    )


def _check_owner(profile: CandidateProfile, entry) -> None:
    if entry.pk is not None and entry.profile_id != profile.pk:
        raise ApplicationError(_("This entry is not in your profile."), code="not_owner")


def _youngest_day(profile: CandidateProfile) -> dt.date | None:
    """The day the person turned ``YOUNGEST_AGE``, from the birth date the IIN gives."""
    birth = profile.birth_date or (iin_birth_date(profile.iin) if profile.iin else None)
    return None if birth is None else date_at_age(birth, YOUNGEST_AGE)


# --- Education ---------------------------------------------------------------------------


@transaction.atomic
def education_save(
    *,
    profile: CandidateProfile,
    level: int,
    field: str,
    institution: str,
    graduation_year: int,
    education: Education | None = None,
) -> Education:
    """Add an education entry, or change one of the profile's own."""
    latest = timezone.localdate().year
    if not (EARLIEST_YEAR <= graduation_year <= latest):
        raise ApplicationError(
            _("The year of graduation must be between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": latest},
            code="invalid_year",
            extra={"field": "graduation_year"},
        )
    youngest = _youngest_day(profile)
    if youngest is not None and graduation_year < youngest.year:
        raise ApplicationError(
            _(
                "The year of graduation cannot be before you were %(age)s (%(year)s), by the "
                "date of birth in your IIN."
            )
            % {"age": YOUNGEST_AGE, "year": youngest.year},
            code="implausible_date",
            extra={"field": "graduation_year"},
        )
    education = education or Education(profile=profile)
    _check_owner(profile, education)
    created = education.pk is None
    education.level = level
    education.field = field
    education.institution = " ".join(institution.split())
    education.graduation_year = graduation_year
    education.save()
    _audit("profile.education_added" if created else "profile.education_changed", education)
    return education


@transaction.atomic
def education_delete(*, profile: CandidateProfile, education: Education) -> None:
    _check_owner(profile, education)
    _audit("profile.education_deleted", education)
    education.delete()


# --- Work experience ---------------------------------------------------------------------


@transaction.atomic
def experience_save(
    *,
    profile: CandidateProfile,
    sector: str,
    field: str,
    employer: str,
    started_on: dt.date,
    ended_on: dt.date | None,
    experience: Experience | None = None,
) -> Experience:
    """Add a period of work, or change one of the profile's own. An empty end means the
    person still works there."""
    today = timezone.localdate()
    if started_on > today:
        raise ApplicationError(
            _("A period of work cannot start in the future."),
            code="future",
            extra={"field": "started_on"},
        )
    youngest = _youngest_day(profile)
    if youngest is not None and started_on < youngest:
        raise ApplicationError(
            _(
                "A period of work cannot start before you were %(age)s (%(date)s), by the date "
                "of birth in your IIN."
            )
            % {"age": YOUNGEST_AGE, "date": formats.date_format(youngest, "DATE_FORMAT")},
            code="implausible_date",
            extra={"field": "started_on"},
        )
    if ended_on is not None and ended_on < started_on:
        raise ApplicationError(
            _("A period of work cannot end before it starts."),
            code="invalid_period",
            extra={"field": "ended_on"},
        )
    if ended_on is not None and ended_on > today:
        raise ApplicationError(
            _("Leave the end date empty if you still work there."),
            code="future",
            extra={"field": "ended_on"},
        )
    experience = experience or Experience(profile=profile)
    _check_owner(profile, experience)
    created = experience.pk is None
    experience.sector = sector
    experience.field = field
    experience.employer = " ".join(employer.split())
    experience.started_on = started_on
    experience.ended_on = ended_on
    experience.save()
    _audit("profile.experience_added" if created else "profile.experience_changed", experience)
    return experience


@transaction.atomic
def experience_delete(*, profile: CandidateProfile, experience: Experience) -> None:
    _check_owner(profile, experience)
    _audit("profile.experience_deleted", experience)
    experience.delete()


# --- Languages ---------------------------------------------------------------------------


@transaction.atomic
def language_save(
    *,
    profile: CandidateProfile,
    language: str,
    level: int,
    skill: LanguageSkill | None = None,
) -> LanguageSkill:
    """Declare the level in a language (one entry per language)."""
    skill = skill or LanguageSkill(profile=profile)
    _check_owner(profile, skill)
    duplicate = LanguageSkill.objects.filter(profile=profile, language=language)
    if skill.pk is not None:
        duplicate = duplicate.exclude(pk=skill.pk)
    if duplicate.exists():
        raise ApplicationError(
            _("This language is already in your profile: change its level instead."),
            code="duplicate_language",
        )
    created = skill.pk is None
    skill.language = language
    skill.level = level
    skill.save()
    _audit("profile.language_added" if created else "profile.language_changed", skill)
    return skill


@transaction.atomic
def language_delete(*, profile: CandidateProfile, skill: LanguageSkill) -> None:
    _check_owner(profile, skill)
    _audit("profile.language_deleted", skill)
    skill.delete()


# --- Documents ---------------------------------------------------------------------------


@transaction.atomic
def document_delete(*, profile: CandidateProfile, document: Document) -> None:
    """Delete one of the profile's own documents, the stored file included (after commit,
    so a rolled-back delete never loses the file)."""
    _check_owner(profile, document)
    audit_record(
        action="document.deleted",
        target=document,
        details={"kind": document.kind},
    )
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Drafts and applying ------------------------------------------------------------------


def _accepting(competition: Competition, vacancy: Vacancy) -> Competition:
    """The competition as it is now, if it accepts applications to ``vacancy``."""
    competition = Competition.objects.get(pk=competition.pk)
    now = timezone.now()
    if competition.status != Competition.Status.PUBLISHED or not (
        competition.applications_open_at <= now < competition.applications_close_at
    ):
        raise ApplicationError(
            _("Applications to this competition are not being accepted now."), code="closed"
        )
    if not competition.vacancies.filter(pk=vacancy.pk).exists():
        raise ApplicationError(_("This vacancy is not part of the competition."), code="vacancy")
    return competition


def _has_live_application(user, competition: Competition) -> bool:
    return IdentityEscrow.objects.filter(
        competition_id=competition.pk, owner_index=owner_index(user.pk), active=True
    ).exists()


def _clean_attachments(
    profile: CandidateProfile, motivation: str, documents
) -> tuple[str, list[Document]]:
    motivation = (motivation or "").strip()
    if len(motivation) > MOTIVATION_MAX:
        raise ApplicationError(
            _("The motivation letter is too long: at most %(max)s characters.")
            % {"max": MOTIVATION_MAX},
            code="motivation_too_long",
        )
    documents = list(documents or [])
    if any(d.profile_id != profile.pk for d in documents):
        raise ApplicationError(_("This entry is not in your profile."), code="not_owner")
    return motivation, documents


@transaction.atomic
def application_draft_save(
    *,
    profile: CandidateProfile,
    competition: Competition,
    vacancy: Vacancy,
    motivation: str = "",
    documents=(),
) -> ApplicationDraft:
    """Keep an unfinished application (one per competition) to come back to. A draft is
    not an application: no code, nothing on the staff side, no notification."""
    competition = _accepting(competition, vacancy)
    if _has_live_application(profile.user, competition):
        raise ApplicationError(
            _("You already have an active application in this competition."), code="duplicate"
        )
    motivation, documents = _clean_attachments(profile, motivation, documents)
    draft = (
        ApplicationDraft.objects.select_for_update()
        .filter(profile=profile, competition=competition)
        .first()
    ) or ApplicationDraft(profile=profile, competition=competition)
    created = draft.pk is None
    draft.vacancy = vacancy
    draft.motivation = motivation
    draft.save()
    draft.documents.set(documents)
    _audit("application_draft.saved" if created else "application_draft.changed", draft)
    return draft


@transaction.atomic
def application_draft_delete(*, profile: CandidateProfile, draft: ApplicationDraft) -> None:
    _check_owner(profile, draft)
    _audit("application_draft.deleted", draft)
    draft.delete()


@transaction.atomic
def candidate_application_submit(
    *,
    user,
    competition: Competition,
    vacancy: Vacancy,
    consent: bool,
    motivation: str = "",
    documents=(),
) -> Application:
    """``recruitment.services.application_submit`` for a person who registered on the public
    site: their e-mail address must be confirmed, and every requirement of the vacancy met.
    An application that would not meet them is refused and leaves nothing behind (the whole
    submission is rolled back, the code included), so staff never receive it. The
    person's draft for the competition, if any, is consumed: its letter and documents go
    with the application into the candidate-side escrow."""
    if not email_is_confirmed(user=user):
        raise ApplicationError(
            _("Confirm your e-mail address before applying: follow the link we sent you."),
            code="email_unconfirmed",
        )
    profile = CandidateProfile.objects.filter(user=user).first()
    if profile is not None:
        motivation, documents = _clean_attachments(profile, motivation, documents)
    application = services.application_submit(
        user=user, competition=competition, vacancy=vacancy, consent=consent
    )
    if application.status == Application.Status.INELIGIBLE:
        unmet = [reason_text(r) for r in application.eligibility_reasons if not r["met"]]
        raise ApplicationError(
            _(
                "You cannot apply yet: your profile does not meet every requirement of this "
                "vacancy. Complete your profile first. %(reasons)s"
            )
            % {"reasons": " ".join(unmet)},
            code="not_eligible",
            extra={"reasons": unmet},
        )
    IdentityEscrow.objects.filter(application_id=application.pk).update(
        motivation=motivation, document_ids=[d.pk for d in documents]
    )
    ApplicationDraft.objects.filter(profile=profile, competition=competition).delete()
    return application


def candidate_profile_save(
    *,
    user,
    full_name: str,
    iin: str,
    phone: str = "",
    is_civil_servant: bool = False,
    current_body=None,
) -> CandidateProfile:
    """``recruitment.services.profile_save`` for a person who registered on the public site:
    no IIN is taken from an account whose e-mail address is unconfirmed, so a throwaway
    account learns nothing, and a held profile is resolved through a confirmed address. The
    phone is stored in one form, ``+7 XXX XXX XX XX``; anything else is refused."""
    if not email_is_confirmed(user=user):
        raise ApplicationError(
            _(
                "Confirm your e-mail address before entering your personal data: follow "
                "the link we sent you."
            ),
            code="email_unconfirmed",
        )
    return services.profile_save(
        user=user,
        full_name=full_name,
        iin=iin,
        phone=phone_normalise(phone),
        is_civil_servant=is_civil_servant,
        current_body=current_body,
    )
