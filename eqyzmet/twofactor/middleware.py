"""Send a signed-in person who needs a second factor to set it up or enter it first."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from eqyzmet.twofactor.policy import has_confirmed_device, second_factor_required


def _open_paths() -> re.Pattern:
    """Whole addresses a person must reach before the second factor, and nothing beneath or
    around them: matching a fragment anywhere in the path let ``/admin/x/accounts/2fa/``
    through."""
    languages = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(
        rf"^/(?:static/.*|healthz|i18n/setlang/|admin/logout/"
        rf"|(?:(?:{languages})/)?accounts/(?:2fa/setup/|2fa/verify/|logout/))$"
    )


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = _open_paths()

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._verified(user)
            and not self.open_paths.match(request.path_info)
            and second_factor_required(user)
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {
                        "code": "second_factor_required",
                        "message": _("Sign in with your second factor first."),
                        "fields": {},
                    },
                    status=403,
                )
            target = "twofactor:verify" if has_confirmed_device(user) else "twofactor:setup"
            response = redirect(target)
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
            return response
        return self.get_response(request)

    @staticmethod
    def _verified(user) -> bool:
        """Verified by a confirmed device of this person (django-otp checks both; this keeps
        the rule here should that ever change)."""
        device = getattr(user, "otp_device", None)
        return device is not None and device.confirmed and device.user_id == user.pk
