"""Careers pages: the explorer, job families and class codes. Views hold no rules: they
call ``careers.explorer``, ``careers.families`` and ``careers.classes``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from careers import classes, explorer
from careers.explorer_items import INTEREST_ITEMS, INTEREST_TYPES, VALUE_ITEMS, WORK_VALUES
from careers.explorer_throttling import throttle_consume, throttle_release
from careers.families import FAMILIES, FAMILIES_BY_SLUG, family_fits, published_pay
from eqyzmet.errors import ApplicationError
from testing_center.public import practice_first_code

TOP_FAMILIES = 3


@require_GET
def index(request):
    """Careers in the civil service: the explorer, job families, internships, practice."""
    return render(
        request,
        "careers/index.html",
        {"families": FAMILIES, "class_group": classes.session_class(request)},
    )


def _explorer_page(request, *, answers=None, missing=(), status=200):
    return render(
        request,
        "careers/explorer.html",
        {
            "interest_items": INTEREST_ITEMS,
            "value_items": VALUE_ITEMS,
            "answers": answers or {},
            "missing": set(missing),
            "class_group": classes.session_class(request),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def explorer_page(request):
    if request.method == "GET":
        return _explorer_page(request)
    answers, missing = explorer.answers_parse(request.POST)
    if missing:
        messages.error(request, explorer.incomplete_message(len(missing)))
        return _explorer_page(request, answers=answers, missing=missing, status=400)
    if not throttle_consume(request, "explorer_submit"):
        messages.error(
            request,
            _(
                "Too many questionnaires were sent from your network in the last hour. "
                "Please try again later; nothing was saved."
            ),
        )
        return _explorer_page(request, answers=answers, status=429)
    try:
        result = explorer.explorer_result_record(
            answers=answers,
            language=(get_language() or "kk")[:2],
            class_group=classes.session_class(request),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _explorer_page(request, answers=answers, status=400)
    explorer.session_results_remember(request, result)
    return redirect("careers:explorer_result", pk=result.pk)


@never_cache
@require_GET
def explorer_result(request, pk: int):
    result = explorer.result_for_request(request, pk)
    if result is None:
        raise Http404
    fits = family_fits(interests=result.interests, work_values=result.work_values)
    return render(
        request,
        "careers/result.html",
        {
            "result": result,
            "interests": [(INTEREST_TYPES[k], result.interests.get(k, 0)) for k in INTEREST_TYPES],
            "values": [(WORK_VALUES[k], result.work_values.get(k, 0)) for k in WORK_VALUES],
            "top": fits[:TOP_FAMILIES],
            "others": fits[TOP_FAMILIES:],
            "flat": all(f.interest_r == 0 for f in fits),
            "class_group": result.class_group,
        },
    )


@login_required
@require_POST
def explorer_keep(request, pk: int):
    result = explorer.result_for_request(request, pk)
    if result is None:
        raise Http404
    try:
        explorer.explorer_result_keep(result=result, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Your result is kept with your account and used to suggest vacancies.")
        )
    return redirect("careers:explorer_result", pk=result.pk)


@require_GET
def family_list(request):
    return render(request, "careers/families.html", {"families": FAMILIES})


@require_GET
def family_detail(request, slug: str):
    family = FAMILIES_BY_SLUG.get(slug)
    if family is None:
        raise Http404
    return render(
        request,
        "careers/family.html",
        {
            "family": family,
            "pay": published_pay(family),
            "practice_code": practice_first_code(),
            "class_group": classes.session_class(request),
        },
    )


# --- Class codes: students ---------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def class_join(request):
    """A student enters a class code (no account); the page then shows what to do."""
    code = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        if not throttle_consume(request, "class_code_failure"):
            messages.error(
                request,
                _(
                    "Too many wrong codes from your network in the last hour. "
                    "Please try again later."
                ),
            )
            return render(
                request,
                "careers/class_join.html",
                {"class_group": classes.session_class(request), "code": code[:20]},
                status=429,
            )
        group = classes.class_by_code(code)
        if group is None:
            messages.error(
                request, _("No class has this code. Check it with your teacher and try again.")
            )
            return render(
                request,
                "careers/class_join.html",
                {"class_group": classes.session_class(request), "code": code[:20]},
                status=400,
            )
        throttle_release(request, "class_code_failure")
        classes.session_class_join(request, group)
        return redirect("careers:class_join")
    return render(
        request,
        "careers/class_join.html",
        {"class_group": classes.session_class(request), "code": code},
    )


@never_cache
@require_GET
def class_link(request, code: str):
    """The link an adviser shares: joins the class and lands on the student's page."""
    group = classes.class_by_code(code)
    if group is None:
        raise Http404
    classes.session_class_join(request, group)
    return redirect("careers:class_join")


@require_POST
def class_leave(request):
    classes.session_class_leave(request)
    messages.success(
        request, _("You have left the class. Your answers are no longer counted in it.")
    )
    return redirect("careers:class_join")


# --- Class codes: the adviser ------------------------------------------------------------


@login_required
@require_GET
def class_list(request):
    return render(
        request,
        "careers/classes.html",
        {
            "groups": [
                (g, classes.code_display(g.code)) for g in classes.classes_of(adviser=request.user)
            ]
        },
    )


@login_required
@require_POST
def class_create(request):
    if not throttle_consume(request, "class_create"):
        messages.error(
            request, _("Too many class codes created in the last hour. Please try again later.")
        )
        return redirect("careers:class_list")
    try:
        group = classes.class_create(adviser=request.user, name=request.POST.get("name", ""))
    except ApplicationError as exc:
        throttle_release(request, "class_create")
        messages.error(request, exc.message)
        return redirect("careers:class_list")
    messages.success(request, _("Class code created. Give it to your students."))
    return redirect("careers:class_detail", code=group.code)


@login_required
@require_GET
def class_detail(request, code: str):
    group = classes.class_of_adviser(adviser=request.user, code=code)
    if group is None:
        raise Http404
    return render(
        request,
        "careers/class_detail.html",
        {
            "group": group,
            "code": classes.code_display(group.code),
            "link": request.build_absolute_uri(reverse("careers:class_link", args=[group.code])),
            "agg": classes.class_aggregates(group=group),
            "min_size": classes.MIN_CLASS_SIZE,
        },
    )
