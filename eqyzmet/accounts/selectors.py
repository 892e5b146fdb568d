"""Reads about accounts."""

from __future__ import annotations

# A person who registered on the public site stays in this group until they follow the
# link e-mailed to them. Accounts made otherwise (by an administrator, demo data) were
# never in it and count as confirmed.
AWAITING_CONFIRMATION_GROUP = "awaiting_email_confirmation"


def email_is_confirmed(*, user) -> bool:
    if not user.is_authenticated:
        return False
    return not user.groups.filter(name=AWAITING_CONFIRMATION_GROUP).exists()
