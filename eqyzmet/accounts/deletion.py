"""Deleting one's own account (Law "On Personal Data and Their Protection", art. 24: the
subject may withdraw consent and ask for their data to be destroyed, except what another law
requires to be kept).

What goes now and what stays, and for how long, is stated on the deletion page from
``retention_periods``; the apps do their part through their registered sources
(``eqyzmet.accounts.personal_data``)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.personal_data import (
    Blocker,
    account_deletion_blockers,
    personal_data_erase,
)
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StaffAssignment, User
from eqyzmet.roles import Role

# Typed by the person to confirm, in every language: the word is the same on every page.
CONFIRMATION_WORD = "DELETE"
DELETED_EMAIL_DOMAIN = "deleted.invalid"


def retention_periods() -> dict[str, int]:
    """Years each kind of record is kept after the account is deleted."""
    return {
        "applications": settings.EQYZMET_RETENTION_APPLICATION_YEARS,
        "identity": settings.EQYZMET_RETENTION_IDENTITY_YEARS,
        "consents": settings.EQYZMET_RETENTION_CONSENT_YEARS,
    }


def _holds_staff_role(user: User) -> bool:
    if user.is_staff or user.is_superuser:
        return True
    if StaffAssignment.objects.filter(user=user).exists():
        return True
    return (
        user.groups.exclude(name=Role.CANDIDATE.value)
        .filter(name__in=[r.value for r in Role])
        .exists()
    )


def deletion_blockers(*, user: User) -> list[Blocker]:
    """Why the account cannot be deleted now, in words for its owner; empty if it can."""
    if _holds_staff_role(user):
        return [
            Blocker(
                message=_(
                    "This account holds a staff role. Staff accounts are closed by an "
                    "administrator of your state body, not here."
                )
            )
        ]
    return account_deletion_blockers(user_id=user.pk)


@transaction.atomic
def account_delete(*, user: User, password: str, confirmation: str) -> dict[str, list[str]]:
    """Erase the account's personal data and close it. The caller signs the person out.

    Refused, changing nothing, with a wrong password, without the confirmation word, or
    while something stops it (an application in a running competition, a staff role).
    The account row stays, anonymised and unable to sign in, because the records kept by
    law refer to it by id; the e-mail address is replaced and the password made unusable.
    Returns what each app kept."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(password):
        raise ApplicationError(_("The password is not correct."), code="wrong_password")
    if confirmation.strip().upper() != CONFIRMATION_WORD:
        raise ApplicationError(
            _("Type %(word)s to confirm that you want to delete your account.")
            % {"word": CONFIRMATION_WORD},
            code="not_confirmed",
        )
    blockers = deletion_blockers(user=user)
    if blockers:
        raise ApplicationError(blockers[0].message, code="blocked")
    kept = personal_data_erase(user_id=user.pk)
    user.email = f"deleted-{user.pk}-{secrets.token_hex(6)}@{DELETED_EMAIL_DOMAIN}"
    user.set_unusable_password()
    user.is_active = False
    user.save(update_fields=["email", "password", "is_active"])
    user.groups.clear()
    user.user_permissions.clear()
    audit_record(
        action="account.deleted",
        actor=user,
        target=user,
        details={"kept": kept, "retention_years": retention_periods()},
    )
    return kept
