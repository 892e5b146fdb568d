"""Writes about accounts: registration and e-mail confirmation.

The confirmation link carries a signed, time-limited token (``django.core.signing``) of the
account id and the e-mail address it was sent to, so nothing is stored for it and a link
stops working if the address changes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.selectors import AWAITING_CONFIRMATION_GROUP, email_is_confirmed
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign

CONFIRMATION_SALT = "eqyzmet.accounts.email-confirmation"
CONFIRMATION_MAX_AGE = 3 * 24 * 3600
DUPLICATE_EMAIL = _(
    "An account with this e-mail address already exists. Sign in or reset your password."
)


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRMATION_SALT)


@transaction.atomic
def account_register(*, email: str, password: str, language: str = "kk") -> User:
    """A new candidate account, awaiting e-mail confirmation. The password has already been
    checked against the password validators by the form."""
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(DUPLICATE_EMAIL, code="duplicate_email")
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, language=language)
    except IntegrityError:
        raise ApplicationError(DUPLICATE_EMAIL, code="duplicate_email") from None
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    awaiting, _created = Group.objects.get_or_create(name=AWAITING_CONFIRMATION_GROUP)
    user.groups.add(awaiting)
    # The e-mail address is personal data: the ledger keeps the account id only.
    audit_record(action="account.registered", actor=user, target=user, details={})
    return user


def confirmation_send(*, user: User, confirm_url: str) -> None:
    """E-mail the confirmation link, in the person's own language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = str(_("Confirm your e-mail address for eQyzmet"))
        body = render_to_string(
            "registration/confirmation_email.txt", {"user": user, "confirm_url": confirm_url}
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Follow a confirmation link. Idempotent: a confirmed account stays confirmed."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ApplicationError(
            _("This confirmation link has expired. Sign in and ask for a new one."),
            code="link_expired",
        ) from None
    except signing.BadSignature:
        raise ApplicationError(
            _("This confirmation link is not valid. Sign in and ask for a new one."),
            code="link_invalid",
        ) from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise ApplicationError(
            _("This confirmation link is not valid. Sign in and ask for a new one."),
            code="link_invalid",
        )
    if not email_is_confirmed(user=user):
        user.groups.remove(Group.objects.get(name=AWAITING_CONFIRMATION_GROUP))
        audit_record(action="account.email_confirmed", actor=user, target=user, details={})
    return user
