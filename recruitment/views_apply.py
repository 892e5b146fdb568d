"""The candidate's apply page: eligibility before anything is sent, drafts, and submitting.

Nothing reaches the staff side until the candidate submits an application that meets every
requirement: the page shows each requirement against the profile as it is now, a draft
stays on the candidate's side (``ApplicationDraft``), and a second application to the same
competition is not offered (the services refuse both anyway).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.errors import ApplicationError
from recruitment import selectors_candidate as selectors
from recruitment import services_candidate
from recruitment.forms import ApplyForm
from recruitment.views_candidate import candidate_required

# --- Applying ----------------------------------------------------------------------------


@candidate_required
@require_http_methods(["GET", "POST"])
def apply(request, vacancy_id: int, competition_id: int):
    """Candidate: before anything is sent, each requirement against my profile (met, not
    met, or nothing declared yet) with what to add; then save a draft, or agree and apply.
    A live application in the competition is linked instead of the form."""
    found = selectors.open_competition_for(vacancy_id=vacancy_id, competition_id=competition_id)
    if found is None:
        messages.error(request, _("Applications to this competition are not being accepted now."))
        return redirect("recruitment:vacancy_detail", vacancy_id=vacancy_id)
    competition, vacancy = found
    check = selectors.apply_check(user=request.user, competition=competition, vacancy=vacancy)
    initial = {}
    if check.draft is not None:
        initial = {"motivation": check.draft.motivation, "documents": check.draft.documents.all()}
    form = ApplyForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        documents=check.documents,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attachments = {"motivation": data["motivation"], "documents": data.get("documents", [])}
        try:
            if request.POST.get("action") == "draft":
                if check.profile is None:
                    raise ApplicationError(
                        _("Fill in your profile before applying."), code="no_profile"
                    )
                services_candidate.application_draft_save(
                    profile=check.profile, competition=competition, vacancy=vacancy, **attachments
                )
            else:
                application = services_candidate.candidate_application_submit(
                    user=request.user,
                    competition=competition,
                    vacancy=vacancy,
                    consent=data["consent"],
                    **attachments,
                )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            if request.POST.get("action") == "draft":
                messages.success(
                    request,
                    _(
                        "Your draft is saved. It is not an application yet: submit it from "
                        "My applications before the deadline."
                    ),
                )
                return redirect("recruitment:my_applications")
            messages.success(
                request,
                _("Your application is submitted. Your anonymous code is %(code)s.")
                % {"code": application.code},
            )
            return redirect("recruitment:my_application", application_id=application.pk)
    return render(
        request,
        "recruitment/apply.html",
        {
            "form": form,
            "competition": competition,
            "vacancy": vacancy,
            "check": check,
            "has_profile": check.profile is not None,
            "email_confirmed": email_is_confirmed(user=request.user),
        },
    )


@candidate_required
@require_POST
def draft_delete(request, draft_id: int):
    """Candidate: delete one of my drafts."""
    draft = selectors.own_draft(user=request.user, draft_id=draft_id)
    if draft is None:
        raise Http404
    services_candidate.application_draft_delete(profile=draft.profile, draft=draft)
    messages.success(request, _("The draft is deleted."))
    return redirect("recruitment:my_applications")
