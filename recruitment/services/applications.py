"""A candidate's application: submitting it (instant eligibility, random code, identity
escrow), withdrawing it, and disqualifying it after a false declaration is found."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.codes import new_code
from eqyzmet.errors import ApplicationError
from recruitment import eligibility, notifications
from recruitment.models import (
    Application,
    CandidateProfile,
    Competition,
    IdentityEscrow,
    ReserveEntry,
)
from recruitment.public import owner_index
from recruitment.services.profiles import _declared_facts, qualification_snapshot
from recruitment.services.stage_machine import RANKED, S, _locked_competition


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
