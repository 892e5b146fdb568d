"""Ask a person who agreed to an older privacy notice to agree to the current one before
the candidate pages open (applications, profile, tests)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import urlencode

from eqyzmet.accounts.consent import needs_new_consent

# The candidate's pages, by URL namespace; the public ones among them stay open.
GATED_NAMESPACES = frozenset({"recruitment", "testing_center"})
OPEN_PAGES = frozenset(
    {"recruitment:vacancy_list", "recruitment:vacancy_detail", "testing_center:practice"}
)


class ConsentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if (
            match is None
            or user is None
            or not user.is_authenticated
            or match.namespace not in GATED_NAMESPACES
            or match.view_name in OPEN_PAGES
            or not getattr(settings, "PRIVACY_NOTICE_VERSION", "")
        ):
            return None
        if not needs_new_consent(request):
            return None
        response = redirect("accounts:consent")
        response["Location"] += "?" + urlencode({"next": request.get_full_path()})
        return response
