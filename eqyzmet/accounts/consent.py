"""Consent to the privacy notice: recorded at registration, asked again when the notice's
version changes (``settings.PRIVACY_NOTICE_VERSION``).

The version a person last agreed to is kept in their session from the moment they sign in,
so the check on every candidate page costs no query.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction

from eqyzmet.audit import audit_record
from eqyzmet.models import Consent, User
from eqyzmet.throttling import client_address
from eqyzmet.vault import blind_index

SESSION_KEY = "eqyzmet_consent_version"


def current_version() -> str:
    return settings.PRIVACY_NOTICE_VERSION


def address_hash(request) -> str:
    """A keyed hash of the client's address, as the throttles keep it; never the address."""
    if request is None:
        return ""
    address = client_address(request)
    return "" if address == "unknown" else blind_index(address, purpose="consent-client")


def latest_consent(*, user) -> Consent | None:
    return Consent.objects.filter(user=user).order_by("-given_at", "-pk").first()


@transaction.atomic
def consent_record(*, user: User, ip_hash: str = "", version: str | None = None) -> Consent:
    """The person agrees to the privacy notice (the current version unless told)."""
    consent = Consent.objects.create(
        user=user, version=version or current_version(), ip_hash=ip_hash
    )
    audit_record(
        action="account.consent_given",
        actor=user,
        target=user,
        details={"version": consent.version},
    )
    return consent


def remember_in_session(request, version: str) -> None:
    request.session[SESSION_KEY] = version


def needs_new_consent(request) -> bool:
    """A signed-in person who agreed to an older notice than the current one. Accounts with
    no consent on record (made by an administrator, or before consents were recorded) are
    asked on their account page, not stopped."""
    agreed = request.session.get(SESSION_KEY)
    if agreed is None:
        consent = latest_consent(user=request.user)
        agreed = consent.version if consent is not None else ""
        remember_in_session(request, agreed)
    return bool(agreed) and agreed != current_version()


def consent_current_in_session(session) -> bool:
    """The session remembers a consent and it is not to an older notice: the case in
    which ``needs_new_consent`` answers False without a query. (A session that remembers
    nothing answers False here; the middleware then looks it up.)"""
    agreed = session.get(SESSION_KEY)
    return agreed is not None and not (bool(agreed) and agreed != current_version())


def _on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        consent = latest_consent(user=user)
        remember_in_session(request, consent.version if consent is not None else "")


def connect() -> None:
    user_logged_in.connect(_on_sign_in, dispatch_uid="eqyzmet-consent-on-sign-in")
