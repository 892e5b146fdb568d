"""'Posts you can win': the signed-in candidate's matches with their reasons, the preferences
that shape them, and turning the alerts off from an e-mail's link without signing in.

Candidate-side only: staff accounts get 403 here, and no staff page shows a match. Views hold
no rules: reads go through ``selectors``, writes through ``services``.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careers.matching import selectors, services
from careers.matching.forms import MatchPreferenceForm
from eqyzmet.errors import ApplicationError
from eqyzmet.queueing import enqueue
from eqyzmet.roles import Role
from eqyzmet.selectors import user_has_role


def candidate_required(view):
    """Signed in and holding the candidate role; staff accounts get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_role(user=request.user, role=Role.CANDIDATE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _form(page, data=None) -> MatchPreferenceForm:
    preference = page.preference
    chosen = list(preference.regions) if preference else []
    return MatchPreferenceForm(
        data,
        regions=sorted(set(page.regions) | set(chosen)),
        initial={
            "regions": chosen,
            "alerts_enabled": bool(preference and preference.alerts_enabled),
        },
    )


@candidate_required
@require_GET
def matches(request):
    """Candidate: open posts they are eligible for, best first, each with its reasons."""
    page = selectors.my_matches(user=request.user)
    if page.needs_matching:
        # First visit (or never matched): ask the worker; without one it runs right here.
        enqueue("careers.refresh_matches", request.user.pk)
        page = selectors.my_matches(user=request.user)
    return render(
        request,
        "careers/matching/matches.html",
        {"page": page, "form": _form(page), "computing": page.needs_matching},
    )


@require_POST
@candidate_required
def match_preferences(request):
    page = selectors.my_matches(user=request.user)
    form = _form(page, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose regions from the list."))
        return redirect("careers:matches")
    try:
        services.match_preference_save(
            user=request.user,
            regions=form.cleaned_data["regions"],
            alerts_enabled=form.cleaned_data["alerts_enabled"],
            allowed_regions=page.regions,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your choices are saved; the posts below follow them."))
    return redirect("careers:matches")


@require_http_methods(["GET", "POST"])
def match_unsubscribe(request, token: str):
    """Anyone holding the e-mail's link: one button turns the alerts off (a GET changes
    nothing, so a mail scanner following links turns nothing off)."""
    try:
        preference = services.preference_from_token(token)
    except ApplicationError as exc:
        return render(
            request,
            "careers/matching/unsubscribe.html",
            {"error": exc.message},
            status=400 if exc.code == "bad_token" else 410,
        )
    if request.method == "POST":
        preference = services.match_alerts_unsubscribe(token=token)
    return render(
        request,
        "careers/matching/unsubscribe.html",
        {"preference": preference, "done": request.method == "POST"},
    )
