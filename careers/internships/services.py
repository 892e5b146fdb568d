"""Internship writes: applying (with the eligibility rules checked here, on the server),
the selection decision by code, the audited reveal and reading the status document.

Keyword-only, one transaction each, one audit event per change; the audit details carry the
anonymous code, never a person's data.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from careers.models_internships import (
    MAX_YEAR_OF_STUDY,
    MOTIVATION_MAX_CHARS,
    Internship,
    InternshipApplication,
    InternshipIdentity,
    InternshipReveal,
    Standing,
)
from eqyzmet.audit import audit_record
from eqyzmet.codes import new_code
from eqyzmet.errors import ApplicationError
from eqyzmet.vault import blind_index
from ethics.public import system_case_raise
from recruitment.public import (
    candidate_education,
    candidate_has_profile,
    document_upload_check,
    free_text_for_staff,
)

# Levels a student may declare: anything above general secondary school.
STUDENT_LEVELS = (2, 3, 4, 5)
REASON_MIN_CHARS = 15

# Which decision may follow which; a revealed code's decision no longer changes.
TRANSITIONS = {
    InternshipApplication.Status.SUBMITTED: {
        InternshipApplication.Status.SHORTLISTED,
        InternshipApplication.Status.NOT_SELECTED,
    },
    InternshipApplication.Status.SHORTLISTED: {InternshipApplication.Status.NOT_SELECTED},
    InternshipApplication.Status.NOT_SELECTED: {InternshipApplication.Status.SHORTLISTED},
}


def owner_index(user_id: int) -> str:
    return blind_index(str(user_id), purpose="internship-owner")


@dataclass(frozen=True)
class Declared:
    """What the applicant declares, checked against the internship's rules."""

    standing: str
    level: int
    field: str
    year_of_study: int | None = None
    years_since_graduation: int | None = None


def _clean_motivation(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ApplicationError(
            _("The motivation contains invisible control characters; please retype it."),
            code="control_characters",
            extra={"field": "motivation"},
        )
    if len(text) < 50:
        raise ApplicationError(
            _("Write a few sentences of motivation (at least 50 characters)."),
            code="motivation_short",
            extra={"field": "motivation"},
        )
    if len(text) > MOTIVATION_MAX_CHARS:
        raise ApplicationError(
            _("The motivation is %(count)s characters long; the limit is %(limit)s.")
            % {"count": len(text), "limit": MOTIVATION_MAX_CHARS},
            code="motivation_long",
            extra={"field": "motivation"},
        )
    return text


def declared_facts(
    *,
    user,
    standing: str,
    education_id: int | None = None,
    level: int | None = None,
    field: str | None = None,
    year_of_study: int | None = None,
) -> Declared:
    """The facts an application declares: a graduate's come from an education entry of
    their own profile, a student's are typed on the form."""
    if standing == Standing.GRADUATE:
        entry = next((e for e in candidate_education(user=user) if e.id == education_id), None)
        if entry is None:
            raise ApplicationError(
                _("Choose the education you graduated from (add it to your profile first)."),
                code="education_required",
                extra={"field": "education"},
            )
        years = timezone.localdate().year - entry.graduation_year
        return Declared(
            standing=standing,
            level=entry.level,
            field=entry.field,
            years_since_graduation=max(years, 0),
        )
    if standing == Standing.STUDENT:
        if level not in STUDENT_LEVELS or not field:
            raise ApplicationError(
                _("Say what level and field you study."),
                code="study_required",
                extra={"field": "level"},
            )
        if not year_of_study or not 1 <= year_of_study <= MAX_YEAR_OF_STUDY:
            raise ApplicationError(
                _("Give your year of study (1 to %(max)s).") % {"max": MAX_YEAR_OF_STUDY},
                code="year_required",
                extra={"field": "year_of_study"},
            )
        return Declared(standing=standing, level=level, field=field, year_of_study=year_of_study)
    raise ApplicationError(_("Say whether you are a student or a graduate."), code="standing")


def eligibility_problems(*, internship: Internship, declared: Declared) -> list[str]:
    """Every rule the declared facts break, as messages for the applicant (empty: eligible)."""
    problems = []
    if declared.standing == Standing.STUDENT:
        if not internship.open_to_students:
            problems.append(_("This internship is for graduates only."))
        elif (declared.year_of_study or 0) < internship.min_year_of_study:
            problems.append(
                _("Students may apply from year %(year)s of study; you are in year %(yours)s.")
                % {"year": internship.min_year_of_study, "yours": declared.year_of_study}
            )
    else:
        if not internship.open_to_graduates:
            problems.append(_("This internship is for students only."))
        elif (declared.years_since_graduation or 0) > internship.graduated_within_years:
            problems.append(
                _(
                    "Graduates may apply up to %(years)s full years after graduating; you "
                    "graduated in %(year)s."
                )
                % {
                    "years": internship.graduated_within_years,
                    "year": timezone.localdate().year - (declared.years_since_graduation or 0),
                }
            )
    if internship.fields and declared.field not in internship.fields:
        problems.append(_("Your field of study is not among the fields this internship accepts."))
    return problems


@transaction.atomic
def internship_apply(
    *,
    user,
    internship: Internship,
    declared: Declared,
    motivation: str,
    document,
) -> InternshipApplication:
    """Apply for an internship: the window, the profile, eligibility and duplicates are
    checked here; the motivation is redacted for staff and the document checked by type."""
    internship = Internship.objects.select_for_update().get(pk=internship.pk)
    if not internship.accepts_applications():
        raise ApplicationError(
            _("This internship does not accept applications now."), code="window_closed"
        )
    if not candidate_has_profile(user=user):
        raise ApplicationError(
            _("Fill in your candidate profile before you apply."), code="profile_required"
        )
    index = owner_index(user.pk)
    if InternshipIdentity.objects.filter(internship_id=internship.pk, owner_index=index).exists():
        raise ApplicationError(_("You have already applied for this internship."), code="duplicate")
    problems = eligibility_problems(internship=internship, declared=declared)
    if problems:
        raise ApplicationError(" ".join(str(p) for p in problems), code="ineligible")
    motivation = _clean_motivation(motivation)
    if document is None:
        raise ApplicationError(
            _("Upload a document that confirms your status (a student card or a diploma)."),
            code="document_required",
            extra={"field": "document"},
        )
    checked = document_upload_check(document)
    redacted, redactions = free_text_for_staff(motivation)
    application = InternshipApplication.objects.create(
        internship=internship,
        code=new_code(),
        standing=declared.standing,
        level=declared.level,
        field=declared.field,
        year_of_study=declared.year_of_study,
        years_since_graduation=declared.years_since_graduation,
        motivation_redacted=redacted,
        redaction_count=min(redactions, 32767),
    )
    # The stored name says nothing about the person or the file they chose.
    document.name = (
        hashlib.sha256(f"{application.pk}-{checked.sha256}".encode()).hexdigest()[:24]
        + checked.extension
    )
    try:
        with transaction.atomic():
            InternshipIdentity.objects.create(
                application_id=application.pk,
                internship_id=internship.pk,
                owner_index=index,
                owner=str(user.pk),
                motivation=motivation,
                status_document=document,
                document_content_type=checked.content_type,
                document_sha256=checked.sha256,
            )
    except IntegrityError:
        raise ApplicationError(
            _("You have already applied for this internship."), code="duplicate"
        ) from None
    audit_record(
        action="internship.applied",
        target=application,
        state_body=internship.state_body,
        details={"code": application.code, "self_identification": redactions > 0},
    )
    return application


@transaction.atomic
def internship_decide(
    *, application: InternshipApplication, actor, status: str, note: str
) -> InternshipApplication:
    """Shortlist a code or mark it not selected, with a note; after the window closes."""
    application = (
        InternshipApplication.objects.select_for_update(of=("self",))
        .select_related("internship__state_body")
        .get(pk=application.pk)
    )
    if timezone.now() < application.internship.applications_close_at:
        raise ApplicationError(
            _("Selection starts when the application window has closed."), code="window_open"
        )
    if application.reveals.exists():
        raise ApplicationError(
            _("This code has been revealed; its decision no longer changes."), code="revealed"
        )
    if status not in TRANSITIONS.get(application.status, set()):
        raise ApplicationError(
            _("This code cannot move from “%(from)s” to “%(to)s”.")
            % {
                "from": application.get_status_display(),
                "to": InternshipApplication.Status(status).label
                if status in InternshipApplication.Status.values
                else status,
            },
            code="transition",
        )
    application.status = status
    application.note = note.strip()
    application.save(update_fields=["status", "note"])
    audit_record(
        action="internship.decided",
        actor=actor,
        target=application,
        state_body=application.internship.state_body,
        details={"code": application.code, "status": status},
    )
    return application


@transaction.atomic
def internship_reveal(
    *, application: InternshipApplication, actor, reason: str
) -> InternshipReveal:
    """Reveal who stands behind a shortlisted code: by a named officer, with a reason, once;
    audited and reported to the ethics commissioner as every reveal is."""
    application = (
        InternshipApplication.objects.select_for_update(of=("self",))
        .select_related("internship__state_body")
        .get(pk=application.pk)
    )
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_CHARS:
        raise ApplicationError(
            _("Write the reason for the reveal (at least 15 characters)."), code="reason_required"
        )
    if application.status != InternshipApplication.Status.SHORTLISTED:
        raise ApplicationError(_("Only a shortlisted code can be revealed."), code="reveal_refused")
    if application.reveals.exists():
        raise ApplicationError(_("This code is already revealed."), code="already_revealed")
    reveal = InternshipReveal.objects.create(
        application=application, reason=reason, revealed_by=actor
    )
    internship = application.internship
    audit_record(
        action="internship.identity_revealed",
        actor=actor,
        target=application,
        state_body=internship.state_body,
        details={"code": application.code, "reason": reason},
    )
    system_case_raise(
        kind="identity_reveal",
        state_body_id=internship.state_body_id,
        summary=f"{internship.title_ru}: {application.code}",
        evidence={
            "internship": internship.pk,
            "code": application.code,
            "purpose": "internship_shortlist",
            "reason": reason,
            "revealed_by": actor.pk,
        },
        dedupe_key=f"internship-reveal:{reveal.pk}",
    )
    return reveal


def status_document_read(*, application: InternshipApplication, actor):
    """Open a revealed applicant's status document (each opening is audited)."""
    identity = InternshipIdentity.objects.filter(application_id=application.pk).first()
    if identity is None or not application.reveals.exists():
        raise ApplicationError(
            _("The document opens only after the code is revealed."), code="not_revealed"
        )
    audit_record(
        action="internship.document_read",
        actor=actor,
        target=application,
        state_body=application.internship.state_body,
        details={"code": application.code},
    )
    return identity.status_document.open("rb"), identity.document_content_type
