"""The candidate's side of the public site: vacancy search, one profile, applying, my
applications with results, withdrawal and appeals.

Views hold no rules: they read through ``selectors_candidate``, write through the services
and show an ``ApplicationError`` as a form error or a message. Pages about one's own data
answer 404 for anyone else's (never "this exists but is not yours").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.errors import ApplicationError
from eqyzmet.roles import Role
from eqyzmet.selectors import user_has_role
from eqyzmet.throttling import HourlyLimiter
from recruitment import selectors_candidate as selectors
from recruitment import services, services_candidate
from recruitment.forms import (
    AppealForm,
    DocumentForm,
    EducationForm,
    ExperienceForm,
    LanguageForm,
    ProfileForm,
    SavedSearchForm,
    VacancySearchForm,
)
from recruitment.models import Education, Experience, Field, LanguageLevel, LanguageSkill

VACANCIES_PER_PAGE = 20
# Saving personal data is the only place an account types an IIN: a few saves an hour are
# plenty for a person and make probing for whose IIN has a profile slow (per account, and
# per address so that a batch of accounts from one place meets a limit too).
PROFILE_LIMITS = HourlyLimiter(
    "recruitment", {"profile_account": (10, None), "profile_address": (50, None)}
)


def candidate_required(view):
    """Signed in and holding the candidate role; staff accounts get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_has_role(user=request.user, role=Role.CANDIDATE):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Vacancies (public) ------------------------------------------------------------------


@require_GET
def vacancy_list(request):
    """Anyone: vacancies open for applications now, searchable, filtered and sorted, 20 a
    page; a signed-in candidate may save the search."""
    bodies, regions = selectors.vacancy_filter_choices()
    form = VacancySearchForm(request.GET or None, bodies=bodies, regions=regions)
    filters = form.filters() if form.is_valid() else {}
    paginator = Paginator(selectors.vacancies_open(**filters), VACANCIES_PER_PAGE)
    page = paginator.page(page_number(request.GET.get("page"), paginator.num_pages))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recruitment/vacancy_list.html",
        {
            "form": form,
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "query": query.urlencode(),
            "save_form": SavedSearchForm() if form.is_valid() or not form.is_bound else None,
        },
    )


def page_number(raw: str | None, last: int) -> int:
    """A page number from the address: not a number is the first page, past the end the
    last one (a bookmarked page 3 of a list that has shrunk still shows something)."""
    try:
        number = int(raw or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), last)


@require_GET
def vacancy_detail(request, vacancy_id: int):
    """Anyone: duties, requirements in plain words, the competitions and their stages."""
    vacancy_page = selectors.vacancy_page(vacancy_id=vacancy_id)
    if vacancy_page is None:
        raise Http404
    return render(
        request,
        "recruitment/vacancy_detail.html",
        {"page": vacancy_page, "requirements": requirement_lines(vacancy_page.vacancy)},
    )


def _labels(choices, codes) -> str:
    return ", ".join(str(choices(code).label) for code in codes if code in choices.values)


def requirement_lines(vacancy) -> list[str]:
    """A vacancy's structured requirements, in plain sentences in the reader's language."""
    lines = [
        _("Education: %(level)s or higher.") % {"level": vacancy.get_min_education_level_display()}
    ]
    if vacancy.education_fields:
        lines.append(
            _("Field of education: %(fields)s.")
            % {"fields": _labels(Field, vacancy.education_fields)}
        )
    else:
        lines.append(_("Education in any field is accepted."))
    if vacancy.min_experience_years:
        lines.append(
            _("Work experience: at least %(years)s years.")
            % {"years": number_format(vacancy.min_experience_years.normalize())}
        )
        if vacancy.experience_fields:
            lines.append(
                _("Experience counts in: %(fields)s.")
                % {"fields": _labels(Field, vacancy.experience_fields)}
            )
        else:
            lines.append(_("Experience in any field counts."))
        lines.append(
            _("Experience in the private sector counts.")
            if vacancy.private_sector_counts
            else _("Experience in the private sector does not count.")
        )
    else:
        lines.append(_("No work experience is required."))
    names = dict(LanguageSkill._meta.get_field("language").choices)
    for language, level in sorted((vacancy.required_languages or {}).items()):
        lines.append(
            _("%(language)s: level “%(level)s” or above.")
            % {
                "language": names.get(language, language),
                "level": LanguageLevel(int(level)).label,
            }
        )
    return lines


# --- Profile -----------------------------------------------------------------------------


@candidate_required
@require_GET
def profile(request):
    """Candidate: my personal data, qualifications and documents."""
    return render(
        request,
        "recruitment/profile.html",
        {
            "profile": selectors.profile_of(user=request.user),
            "email_confirmed": email_is_confirmed(user=request.user),
            "document_form": DocumentForm(),
        },
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def profile_personal(request):
    """Candidate: name, IIN (checked by its checksum), phone, civil-service status."""
    current = selectors.profile_of(user=request.user)
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial=ProfileForm.initial_from(current),
    )
    status = 200
    if request.method == "POST" and not (
        PROFILE_LIMITS.consume(request, "profile_account", key=f"user:{request.user.pk}")
        and PROFILE_LIMITS.consume(request, "profile_address")
    ):
        form.is_valid()
        form.add_error(
            None, _("Too many changes of your personal data in a short time. Try again later.")
        )
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            services_candidate.candidate_profile_save(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            field = {"invalid_iin": "iin", "invalid_name": "full_name", "invalid_phone": "phone"}
            field = field.get(exc.code)
            form.add_error(field, exc.message)
        else:
            # The same words whether the IIN was free or already held by another profile.
            messages.success(request, _("Your personal data is saved."))
            return redirect("recruitment:profile")
    return render(
        request,
        "recruitment/profile_personal.html",
        {"form": form, "email_confirmed": email_is_confirmed(user=request.user)},
        status=status,
    )


@dataclass(frozen=True)
class EntryKind:
    """One kind of qualification entry and the service calls that write it."""

    model: type
    form_class: type[forms.ModelForm]
    save: Any
    delete: Any
    instance_arg: str
    add_title: Any
    edit_title: Any


ENTRY_KINDS = {
    "education": EntryKind(
        Education,
        EducationForm,
        services_candidate.education_save,
        services_candidate.education_delete,
        "education",
        _("Add education"),
        _("Change education"),
    ),
    "experience": EntryKind(
        Experience,
        ExperienceForm,
        services_candidate.experience_save,
        services_candidate.experience_delete,
        "experience",
        _("Add work experience"),
        _("Change work experience"),
    ),
    "language": EntryKind(
        LanguageSkill,
        LanguageForm,
        services_candidate.language_save,
        services_candidate.language_delete,
        "skill",
        _("Add a language"),
        _("Change a language"),
    ),
}


def _entry_kind(kind: str) -> EntryKind:
    if kind not in ENTRY_KINDS:
        raise Http404
    return ENTRY_KINDS[kind]


@candidate_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, kind: str, entry_id: int | None = None):
    """Candidate: add or change an education, work-experience or language entry."""
    spec = _entry_kind(kind)
    own_profile = selectors.profile_of(user=request.user)
    if own_profile is None:
        messages.info(request, _("Fill in your personal data first."))
        return redirect("recruitment:profile_personal")
    entry = None
    if entry_id is not None:
        entry = selectors.own_entry(spec.model, user=request.user, pk=entry_id)
        if entry is None:
            raise Http404
    form = spec.form_class(request.POST if request.method == "POST" else None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            spec.save(profile=own_profile, **{spec.instance_arg: entry}, **form.cleaned_data)
        except ApplicationError as exc:
            field = exc.extra.get("field")
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your profile is updated."))
            return redirect("recruitment:profile")
    return render(
        request,
        "recruitment/entry_form.html",
        {"form": form, "title": spec.edit_title if entry else spec.add_title},
    )


@candidate_required
@require_POST
def entry_delete(request, kind: str, entry_id: int):
    """Candidate: delete one of my entries."""
    spec = _entry_kind(kind)
    entry = selectors.own_entry(spec.model, user=request.user, pk=entry_id)
    if entry is None:
        raise Http404
    spec.delete(profile=entry.profile, **{spec.instance_arg: entry})
    messages.success(request, _("The entry is deleted."))
    return redirect("recruitment:profile")


# --- Documents ---------------------------------------------------------------------------


@candidate_required
@require_http_methods(["GET", "POST"])
def document_upload(request):
    """Candidate: upload a document (size and real type are checked)."""
    own_profile = selectors.profile_of(user=request.user)
    if own_profile is None:
        messages.info(request, _("Fill in your personal data first."))
        return redirect("recruitment:profile_personal")
    form = DocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_upload(
                profile=own_profile,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("The document is uploaded."))
            return redirect("recruitment:profile")
    return render(request, "recruitment/document_upload.html", {"form": form})


@never_cache
@candidate_required
@require_GET
def document_download(request, document_id: int):
    """Candidate: download my own document, as an attachment."""
    document = selectors.own_document(user=request.user, document_id=document_id)
    if document is None:
        raise Http404
    extension = os.path.splitext(document.file.name)[1]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.pk}{extension}",
        content_type=document.content_type,
    )


@candidate_required
@require_POST
def document_delete(request, document_id: int):
    """Candidate: delete my own document."""
    document = selectors.own_document(user=request.user, document_id=document_id)
    if document is None:
        raise Http404
    services_candidate.document_delete(profile=document.profile, document=document)
    messages.success(request, _("The document is deleted."))
    return redirect("recruitment:profile")


# --- My applications ---------------------------------------------------------------------


@candidate_required
@require_GET
def my_applications(request):
    """Candidate: all my applications, with codes, stages and published results."""
    return render(
        request,
        "recruitment/my_applications.html",
        {
            "rows": selectors.my_applications(user=request.user),
            "drafts": selectors.my_drafts(user=request.user),
        },
    )


def _own(request, application_id: int) -> selectors.MyApplication:
    row = selectors.my_application(user=request.user, application_id=application_id)
    if row is None:
        raise Http404
    return row


@candidate_required
@require_GET
def my_application(request, application_id: int):
    """Candidate: one of my applications: eligibility, results, appeals, withdrawal,
    and the request for reasonable adjustments."""
    from recruitment.selectors_adjustments import my_adjustment
    from recruitment.services.equality import equality_answers_of

    row = _own(request, application_id)
    motivation, documents = selectors.sent_with(user=request.user, application_id=application_id)
    return render(
        request,
        "recruitment/my_application.html",
        {
            "row": row,
            "sent_motivation": motivation,
            "sent_documents": documents,
            "adjustment": my_adjustment(row.application),
            "equality_given": bool(equality_answers_of(application_id=row.application.pk)),
            "equality_open": row.competition.status not in services.RANKED,
        },
    )


@candidate_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, application_id: int):
    """Candidate: withdraw my application, after confirming."""
    row = _own(request, application_id)
    if request.method == "POST":
        try:
            services.application_withdraw(user=request.user, application=row.application)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("recruitment:my_application", application_id=application_id)
    return render(request, "recruitment/withdraw_confirm.html", {"row": row})


@candidate_required
@require_http_methods(["GET", "POST"])
def appeal(request, application_id: int, stage_id: int):
    """Candidate: appeal my result of one stage within the appeal window."""
    row = _own(request, application_id)
    result_row = next((r for r in row.results if r.stage.pk == stage_id), None)
    if result_row is None:
        raise Http404
    form = AppealForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appeal_submit(
                user=request.user,
                application=row.application,
                stage=result_row.stage,
                text=form.cleaned_data["text"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your appeal is submitted. The commission will answer here.")
            )
            return redirect("recruitment:my_application", application_id=application_id)
    return render(
        request,
        "recruitment/appeal_form.html",
        {"row": row, "result_row": result_row, "form": form},
    )
