"""Kernel pages: the home page and the health probe."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from eqyzmet.health import health_report


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Public: what eQyzmet is and where each kind of visitor goes next."""
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Public, for load balancers: 200 when the database and cache answer, else 503.

    Reveals nothing but "ok"/"error" per dependency.
    """
    report = health_report()
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503
    )


_LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


@require_POST
def language_switch(request: HttpRequest) -> HttpResponseRedirect:
    """Public: switch the interface language and return to the same page in it.

    Django's ``set_language`` can only translate a ``next`` URL that is in the language
    being left; ours swaps the language prefix of any page, and remembers the choice on the
    account of a signed-in person.
    """
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if language not in _LANGUAGE_CODES:
        return HttpResponseRedirect(next_url)
    parts = next_url.split("/", 2)
    if len(parts) > 1 and parts[1] in _LANGUAGE_CODES:
        parts[1] = language
        next_url = "/".join(parts)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
