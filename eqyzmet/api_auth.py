"""Token authentication for integrating systems, kept apart from ``eqyzmet.api`` because
DRF imports authentication classes while ``rest_framework.views`` is still loading."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from eqyzmet.audit import audit_record
from eqyzmet.models import ApiToken

# --- Tokens -------------------------------------------------------------------------------


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, name: str, user, state_body, actor) -> tuple[ApiToken, str]:
    """Create a token; the returned plain value is shown once and never stored."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, user=user, state_body=state_body, prefix=prefix, secret_hash=_hash(secret)
    )
    audit_record(
        action="api_token.issued",
        actor=actor,
        target=token,
        state_body=state_body,
        details={"name": name, "prefix": prefix},
    )
    return token, f"{prefix}.{secret}"


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="api_token.revoked",
            actor=actor,
            target=token,
            state_body=token.state_body,
            details={"prefix": token.prefix},
        )
    return token


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Token <prefix>.<secret>`` for integrating systems."""

    keyword = b"token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed token header."))
        try:
            prefix, secret = header[1].decode().split(".", 1)
        except (UnicodeDecodeError, ValueError):
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = (
            ApiToken.objects.select_related("user", "state_body")
            .filter(prefix=prefix, revoked_at=None)
            .first()
        )
        if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "eqyzmet.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <prefix>.<secret>",
        }


def token_body_scope(request, bodies):
    """Narrow a queryset of state bodies to the token's body subtree, if a token is used."""
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        return bodies.filter(path__startswith=token.state_body.path)
    return bodies
