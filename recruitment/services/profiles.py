"""The candidate's profile: saving it (one profile per IIN, without an oracle), uploading
documents, and the qualification snapshot frozen into an application."""

from __future__ import annotations

import datetime as dt
import hashlib

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.uploads import upload_check
from eqyzmet.vault import blind_index
from recruitment.iin import iin_birth_date, iin_is_valid
from recruitment.models import CandidateProfile, Competition, Document


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
