"""Internship pages: the public list and page, applying and "my internships" (candidates).

Views hold no rules: they read through the selectors, write through the services and show
an ``ApplicationError`` on the form.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from careers.internships import selectors, services
from careers.internships.forms import InternshipApplyForm, InternshipFilterForm
from eqyzmet.errors import ApplicationError
from eqyzmet.roles import Role
from eqyzmet.selectors import user_has_role
from recruitment.public import Field, candidate_education, candidate_has_profile


def candidate_required(view):
    """Signed in and holding the candidate role; staff accounts get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_role(user=request.user, role=Role.CANDIDATE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _field_labels(internship) -> list[str]:
    return [str(Field(f).label) for f in internship.fields if f in Field.values]


@require_GET
def internship_list(request):
    """Anyone: internships open now or soon, filtered by region and field of study."""
    form = InternshipFilterForm(request.GET or None, regions=selectors.internship_regions())
    filters = form.cleaned_data if form.is_valid() else {}
    internships = list(
        selectors.internships_published(
            region=filters.get("region", ""), field=filters.get("field", "")
        )[:100]
    )
    now = timezone.now()
    return render(
        request,
        "careers/internships/list.html",
        {
            "form": form,
            "rows": [
                {"internship": i, "fields": _field_labels(i), "open": i.accepts_applications(now)}
                for i in internships
            ],
        },
    )


@require_GET
def internship_detail(request, internship_id: int):
    internship = selectors.internship_public(internship_id=internship_id)
    if internship is None:
        raise Http404
    return render(
        request,
        "careers/internships/detail.html",
        {
            "internship": internship,
            "fields": _field_labels(internship),
            "open": internship.accepts_applications(),
            "applied": selectors.has_applied(user=request.user, internship_id=internship.pk),
        },
    )


@never_cache
@candidate_required
@require_http_methods(["GET", "POST"])
def internship_apply(request, internship_id: int):
    """Candidate: apply with the profile, a status document and a short motivation."""
    internship = selectors.internship_public(internship_id=internship_id)
    if internship is None:
        raise Http404
    if not candidate_has_profile(user=request.user):
        messages.info(request, _("Fill in your personal data first."))
        return redirect("recruitment:profile_personal")
    if selectors.has_applied(user=request.user, internship_id=internship.pk):
        messages.info(request, _("You have already applied for this internship."))
        return redirect("careers:my_internships")
    education = candidate_education(user=request.user)
    posted = request.method == "POST"
    form = InternshipApplyForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        education=education,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            declared = services.declared_facts(
                user=request.user,
                standing=data["standing"],
                education_id=data["education"],
                level=data["level"],
                field=data["field"],
                year_of_study=data["year_of_study"],
            )
            application = services.internship_apply(
                user=request.user,
                internship=internship,
                declared=declared,
                motivation=data["motivation"],
                document=data["document"],
            )
        except ApplicationError as exc:
            field = exc.extra.get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Your application is in. Your anonymous code is %(code)s.")
                % {"code": application.code},
            )
            return redirect("careers:my_internships")
    return render(
        request,
        "careers/internships/apply.html",
        {
            "internship": internship,
            "form": form,
            "has_education": bool(education),
            "open": internship.accepts_applications(),
        },
    )


@never_cache
@candidate_required
@require_GET
def my_internships(request):
    """Candidate: my internship applications, their codes and status."""
    return render(
        request,
        "careers/internships/my.html",
        {"rows": selectors.my_internship_applications(user=request.user)},
    )
