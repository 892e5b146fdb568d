"""Saved vacancy searches: save the search on the page, list them, delete one, turn its
alerts on or off, and turn them off from the link in an alert e-mail.

Every page but the last is the signed-in candidate's own (someone else's saved search is a
404, as a missing one); the unsubscribe link needs no sign-in, its signed token is the
permission. Views hold no rules: they read through ``selectors_saved_searches`` and write
through ``services.saved_searches``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eqyzmet.errors import ApplicationError
from recruitment import selectors_candidate
from recruitment import selectors_saved_searches as selectors
from recruitment.forms import SavedSearchForm, VacancySearchForm
from recruitment.services import saved_searches as services
from recruitment.views_candidate import candidate_required


def _back_to_search(query: str):
    url = reverse("recruitment:vacancy_list")
    return redirect(f"{url}?{query}" if query else url)


@candidate_required
@require_GET
def saved_searches(request):
    """Candidate: their saved searches, each with its filters in words."""
    return render(
        request,
        "recruitment/saved_searches.html",
        {
            "rows": selectors.own_saved_searches(user=request.user),
            "limit": services.SAVED_SEARCHES_MAX,
        },
    )


@require_POST
@candidate_required
def saved_search_create(request):
    """Candidate: save the search the vacancy page shows (its query string comes along)."""
    query = QueryDict(request.POST.get("query", ""))
    query = query.copy()
    query.pop("page", None)
    bodies, regions = selectors_candidate.vacancy_filter_choices()
    search = VacancySearchForm(query, bodies=bodies, regions=regions)
    form = SavedSearchForm(request.POST)
    if not search.is_valid():
        messages.error(request, _("Correct the search before saving it."))
    elif not form.is_valid():
        messages.error(request, _("Give the search a name of at most 100 characters."))
    else:
        try:
            services.saved_search_create(
                user=request.user, name=form.cleaned_data["name"], criteria=search.criteria()
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "The search is saved. Each morning we e-mail you the new vacancies that "
                    "match it."
                ),
            )
    return _back_to_search(query.urlencode())


def _own(request, saved_search_id: int):
    saved_search = selectors.own_saved_search(user=request.user, saved_search_id=saved_search_id)
    if saved_search is None:
        raise Http404
    return saved_search


@require_POST
@candidate_required
def saved_search_delete(request, saved_search_id: int):
    saved_search = _own(request, saved_search_id)
    services.saved_search_delete(saved_search=saved_search)
    messages.success(
        request, _("The saved search “%(name)s” is deleted.") % {"name": saved_search.name}
    )
    return redirect("recruitment:saved_searches")


@require_POST
@candidate_required
def saved_search_alerts(request, saved_search_id: int):
    saved_search = _own(request, saved_search_id)
    enabled = request.POST.get("enabled") == "1"
    services.saved_search_set_alerts(saved_search=saved_search, enabled=enabled)
    messages.success(
        request,
        (
            _("E-mail alerts are on for “%(name)s”.")
            if enabled
            else _("E-mail alerts are off for “%(name)s”.")
        )
        % {"name": saved_search.name},
    )
    return redirect("recruitment:saved_searches")


@require_http_methods(["GET", "POST"])
def saved_search_unsubscribe(request, token: str):
    """Anyone holding the e-mail's link: a page with one button that turns the search's
    alerts off (a GET changes nothing, so a mail scanner that follows links turns nothing
    off)."""
    try:
        saved_search = services.saved_search_from_token(token)
    except ApplicationError as exc:
        return render(
            request,
            "recruitment/saved_search_unsubscribe.html",
            {"error": exc.message},
            status=400 if exc.code == "bad_token" else 410,
        )
    if request.method == "POST":
        saved_search = services.saved_search_unsubscribe(token=token)
    return render(
        request,
        "recruitment/saved_search_unsubscribe.html",
        {"saved_search": saved_search, "done": request.method == "POST"},
    )
