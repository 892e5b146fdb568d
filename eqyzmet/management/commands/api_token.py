"""Issue, list and revoke API tokens for integrating systems.

    manage.py api_token issue --email hr-system@body.kz --state-body mdd --name "HR system"
    manage.py api_token list [--state-body mdd]
    manage.py api_token revoke PREFIX

A token acts for an account (whose roles decide what it may do) and never beyond its state
body and the bodies beneath it. The secret is printed once; only its SHA-256 is stored.
Issuing and revoking are audit events.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from eqyzmet.api_auth import api_token_issue, api_token_revoke
from eqyzmet.models import ApiToken, StateBody, User


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "Issue, list or revoke API tokens (Authorization: Token <prefix>.<secret>)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="Create a token and print it once.")
        issue.add_argument("--email", required=True, help="the account the token acts for")
        issue.add_argument("--state-body", required=True, help="code of the token's body")
        issue.add_argument("--name", required=True, help="what the token is for")
        listing = actions.add_parser("list", help="Tokens with their state and last use.")
        listing.add_argument("--state-body", help="only tokens of this body's code")
        revoke = actions.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, action: str, **options):
        getattr(self, f"_{action}")(**options)

    def _issue(self, *, email: str, state_body: str, name: str, **_options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active account with the e-mail address {email!r}.")
        body = StateBody.objects.filter(code=state_body).first()
        if body is None:
            raise CommandError(f"No state body with the code {state_body!r}.")
        if not name.strip():
            raise CommandError("Give the token a name (what it is for).")
        token, plain = api_token_issue(name=name.strip(), user=user, state_body=body, actor=None)
        self.stdout.write(plain)
        self.stderr.write(
            f"Token {token.prefix} for {user.email} in {body.code}: shown once, store it now."
        )

    def _list(self, *, state_body: str | None = None, **_options):
        tokens = ApiToken.objects.select_related("user", "state_body").order_by("created_at")
        if state_body:
            tokens = tokens.filter(state_body__code=state_body)
        for token in tokens:
            state = f"revoked {_local(token.revoked_at)}" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.prefix}\t{token.state_body.code}\t{token.user.email}\t{token.name}\t"
                f"created {_local(token.created_at)}\tlast used {_local(token.last_used_at)}\t"
                f"{state}"
            )

    def _revoke(self, *, prefix: str, **_options):
        token = ApiToken.objects.select_related("state_body").filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token with the prefix {prefix!r}.")
        was_active = token.revoked_at is None
        api_token_revoke(token=token, actor=None)
        self.stdout.write(
            f"Token {prefix} revoked." if was_active else f"Token {prefix} was already revoked."
        )
