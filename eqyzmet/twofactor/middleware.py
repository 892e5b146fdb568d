"""Send a signed-in person who needs a second factor to set it up or enter it first."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from eqyzmet.twofactor.policy import has_confirmed_device, second_factor_required

_OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/")
_OPEN_PARTS = ("/accounts/2fa/", "/accounts/logout/", "/admin/logout/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not path.startswith(_OPEN_PREFIXES)
            and not any(part in path for part in _OPEN_PARTS)
            and second_factor_required(user)
        ):
            if path.startswith("/api/"):
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
            response["Location"] += f"?next={request.get_full_path()}"
            return response
        return self.get_response(request)
