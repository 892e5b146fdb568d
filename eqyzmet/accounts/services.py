"""Writes about accounts: registration and e-mail confirmation.

The confirmation link carries a signed, time-limited token (``django.core.signing``) of the
account id and the e-mail address it was sent to, so nothing is stored for it and a link
stops working if the address changes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from eqyzmet.accounts.consent import consent_record
from eqyzmet.accounts.selectors import AWAITING_CONFIRMATION_GROUP, email_is_confirmed
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign

CONFIRMATION_SALT = "eqyzmet.accounts.email-confirmation"
CONFIRMATION_MAX_AGE = 3 * 24 * 3600


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRMATION_SALT)


@transaction.atomic
def account_register(
    *, email: str, password: str, language: str = "kk", consent_ip_hash: str = ""
) -> tuple[User, bool]:
    """A new candidate account, awaiting e-mail confirmation, with the person's consent to
    the current privacy notice (the form requires it). The password has already been
    checked against the password validators by the form.

    Returns the account and whether it is new. An address that already has an account is not
    an error the visitor may see (it would tell anyone which addresses are registered): the
    caller answers as for a new account and warns the owner by e-mail instead. The password
    is hashed either way, so both answers take about as long."""
    email = User.objects.normalize_email(email).strip().lower()
    encoded = make_password(password)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            user = User(email=email, password=encoded, language=language)
            user.save()
    except IntegrityError:
        # Registered a moment ago by a concurrent request: the same quiet answer.
        return User.objects.get(email__iexact=email), False
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    awaiting, _created = Group.objects.get_or_create(name=AWAITING_CONFIRMATION_GROUP)
    user.groups.add(awaiting)
    # The e-mail address is personal data: the ledger keeps the account id only.
    audit_record(action="account.registered", actor=user, target=user, details={})
    consent_record(user=user, ip_hash=consent_ip_hash)
    return user, True


def registration_attempt_notify(
    *, user: User, sign_in_url: str, reset_url: str, changing: bool = False
) -> None:
    """Tell the owner of an address that someone tried to register with it (or, with
    ``changing``, to move another account to it), in their own language, with the ways back
    into their account. Nothing about the account changes."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if changing:
            subject = str(_("Someone tried to use your e-mail address on eQyzmet"))
        else:
            subject = str(_("Someone tried to register on eQyzmet with your e-mail address"))
        body = render_to_string(
            "registration/existing_account_email.txt",
            {
                "user": user,
                "sign_in_url": sign_in_url,
                "reset_url": reset_url,
                "changing": changing,
            },
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


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


# --- Changing the e-mail address --------------------------------------------------------

EMAIL_CHANGE_SALT = "eqyzmet.accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600


def email_normalise(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


def email_change_token(*, user: User, new_email: str) -> str:
    """Signed and time-limited: the account, its present address and the new one. The link
    stops working once the address changes, whichever way."""
    return signing.dumps(
        {"u": user.pk, "old": user.email, "new": email_normalise(new_email)},
        salt=EMAIL_CHANGE_SALT,
    )


def email_change_request(
    *, user: User, new_email: str, confirm_url_for, sign_in_url: str, reset_url: str
) -> None:
    """Send a link to the new address; nothing changes until it is followed.

    An address that already has an account gets the same warning as at registration, and
    the person asking sees the same answer either way, so the page tells nobody which
    addresses are registered. ``confirm_url_for(token)`` builds the absolute link."""
    new_email = email_normalise(new_email)
    if new_email == user.email.lower():
        raise ApplicationError(_("This is already your e-mail address."), code="same_email")
    owner = User.objects.filter(email__iexact=new_email).first()
    if owner is not None:
        registration_attempt_notify(
            user=owner, sign_in_url=sign_in_url, reset_url=reset_url, changing=True
        )
        return
    token = email_change_token(user=user, new_email=new_email)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = str(_("Confirm your new e-mail address for eQyzmet"))
        body = render_to_string(
            "registration/email_change_email.txt",
            {"user": user, "new_email": new_email, "confirm_url": confirm_url_for(token)},
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [new_email])
    audit_record(action="account.email_change_requested", actor=user, target=user, details={})


def _email_change_invalid() -> ApplicationError:
    return ApplicationError(
        _("This link is not valid. Ask for a new one on your account page."), code="link_invalid"
    )


@transaction.atomic
def email_change_confirm(*, token: str) -> User:
    """Follow the link sent to the new address: the address changes, the old address is
    told, and the new address counts as confirmed (the person has just shown they read it)."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        raise ApplicationError(
            _("This link has expired. Ask for a new one on your account page."),
            code="link_expired",
        ) from None
    except signing.BadSignature:
        raise _email_change_invalid() from None
    user = (
        User.objects.select_for_update()
        .filter(pk=data.get("u"), email=data.get("old"), is_active=True)
        .first()
    )
    new_email = data.get("new") or ""
    if user is None or not new_email:
        raise _email_change_invalid()
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        # The person controls the new address, so telling them is no leak.
        raise ApplicationError(
            _("Another account now uses this e-mail address; it cannot be yours as well."),
            code="email_taken",
        )
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:
        raise ApplicationError(
            _("Another account now uses this e-mail address; it cannot be yours as well."),
            code="email_taken",
        ) from None
    awaiting = Group.objects.filter(name=AWAITING_CONFIRMATION_GROUP).first()
    if awaiting is not None:
        user.groups.remove(awaiting)
    audit_record(action="account.email_changed", actor=user, target=user, details={})
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = str(_("Your eQyzmet e-mail address was changed"))
        body = render_to_string(
            "registration/email_changed_notice.txt", {"user": user, "old_email": old_email}
        )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [old_email])
    )
    return user


def password_changed_record(*, user: User) -> None:
    """The audit event of a password change (Django's form sets the password)."""
    audit_record(action="account.password_changed", actor=user, target=user, details={})
