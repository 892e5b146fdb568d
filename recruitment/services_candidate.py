"""Candidate-side writes that ``recruitment.services`` does not have: the structured
qualifications of a profile (education, work experience, languages), deleting one's own
document, and saving personal data or applying only with a confirmed e-mail address.

Like every service: keyword-only, one transaction, one audit event per change. The audit
details name the kind of entry and its id, never its content (institutions and employers
are personal data), and carry no actor, as ``profile_save`` does.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from recruitment import services
from recruitment.models import (
    Application,
    CandidateProfile,
    Competition,
    Document,
    Education,
    Experience,
    LanguageSkill,
    Vacancy,
)

EARLIEST_YEAR = 1940


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
    latest = timezone.localdate().year + 6
    if not (EARLIEST_YEAR <= graduation_year <= latest):
        raise ApplicationError(
            _("The year of graduation must be between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": latest},
            code="invalid_year",
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
        raise ApplicationError(_("A period of work cannot start in the future."), code="future")
    if ended_on is not None and ended_on < started_on:
        raise ApplicationError(
            _("A period of work cannot end before it starts."), code="invalid_period"
        )
    if ended_on is not None and ended_on > today:
        raise ApplicationError(
            _("Leave the end date empty if you still work there."), code="future"
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


# --- Applying ----------------------------------------------------------------------------


def candidate_application_submit(
    *, user, competition: Competition, vacancy: Vacancy, consent: bool
) -> Application:
    """``recruitment.services.application_submit`` for a person who registered on the public
    site: their e-mail address must be confirmed first."""
    if not email_is_confirmed(user=user):
        raise ApplicationError(
            _("Confirm your e-mail address before applying: follow the link we sent you."),
            code="email_unconfirmed",
        )
    return services.application_submit(
        user=user, competition=competition, vacancy=vacancy, consent=consent
    )


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
    account learns nothing, and a held profile is resolved through a confirmed address."""
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
        phone=phone,
        is_civil_servant=is_civil_servant,
        current_body=current_body,
    )
