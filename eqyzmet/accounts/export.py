"""The "download my data" document: the account, its consents and every app's part."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from eqyzmet.accounts.consent import current_version
from eqyzmet.accounts.deletion import retention_periods
from eqyzmet.accounts.personal_data import personal_data_collect
from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.models import Consent, User

EXPORT_FORMAT = "eqyzmet-personal-data/1"


def personal_data_document(*, user: User) -> dict:
    consents = Consent.objects.filter(user=user).order_by("given_at", "pk")
    return {
        "format": EXPORT_FORMAT,
        "generated_at": timezone.now(),
        "privacy_notice_version": current_version(),
        "retention_years": retention_periods(),
        "account": {
            "email": user.email,
            "email_confirmed": email_is_confirmed(user=user),
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "consents": [{"version": c.version, "given_at": c.given_at} for c in consents],
        **personal_data_collect(user_id=user.pk),
    }


def personal_data_json(*, user: User) -> str:
    return json.dumps(
        personal_data_document(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
