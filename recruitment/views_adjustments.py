"""Reasonable adjustments on the site: the candidate's request (the status and the
officer's note appear on the candidate's application page), and the readers' list, where
ethics commissioners and adjustments officers of a body read the reasons and documents.

The rules live in ``services.adjustments``; these pages show forms and messages.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from eqyzmet.errors import ApplicationError
from recruitment import selectors_adjustments as selectors
from recruitment import services
from recruitment.models_adjustments import (
    MAX_EXTRA_MINUTES,
    Adjustment,
    AdjustmentFormat,
    ExtraTime,
    formats_text,
    time_text,
)
from recruitment.selectors_adjustments import adjustment_of
from recruitment.services.adjustments import adjustment_document_read
from recruitment.views_candidate import _own, candidate_required


class AdjustmentRequestForm(forms.Form):
    extra_time = forms.ChoiceField(
        label=_("Extra time"),
        choices=ExtraTime.choices,
        initial=ExtraTime.NONE,
        widget=forms.RadioSelect,
    )
    extra_minutes = forms.IntegerField(
        label=_("Extra minutes (if you chose a number of minutes)"),
        min_value=1,
        max_value=MAX_EXTRA_MINUTES,
        required=False,
    )
    formats = forms.MultipleChoiceField(
        label=_("Another format"),
        choices=AdjustmentFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_format = forms.CharField(
        label=_("The other format you need"), max_length=500, required=False
    )
    reason = forms.CharField(
        label=_("What you need and why"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=3000,
        help_text=_(
            "Only the adjustments officer and the ethics commissioner read this; the "
            "commission never does."
        ),
    )
    document = forms.FileField(
        label=_("Supporting document (optional: PDF, JPEG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


def _initial(adjustment: Adjustment | None) -> dict:
    if adjustment is None:
        return {}
    if adjustment.extra_minutes:
        extra = ExtraTime.MINUTES
    elif adjustment.extra_percent:
        extra = str(adjustment.extra_percent)
    else:
        extra = ExtraTime.NONE
    return {
        "extra_time": extra,
        "extra_minutes": adjustment.extra_minutes or None,
        "formats": adjustment.formats,
        "other_format": adjustment.other_format,
        "reason": adjustment.reason,
    }


@candidate_required
@require_http_methods(["GET", "POST"])
def adjustment_request(request, application_id: int):
    """Candidate: ask for reasonable adjustments for one of my applications."""
    row = _own(request, application_id)
    existing = adjustment_of(row.application.pk)
    if request.method == "POST":
        form = AdjustmentRequestForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.adjustment_request(
                    user=request.user,
                    application=row.application,
                    extra_time=data["extra_time"],
                    extra_minutes=data["extra_minutes"],
                    formats=data["formats"],
                    other_format=data["other_format"],
                    reason=data["reason"],
                    document=data["document"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Your request for adjustments is sent to the adjustments officer.")
                )
                return redirect("recruitment:my_application", application_id=application_id)
    else:
        form = AdjustmentRequestForm(initial=_initial(existing))
    return render(
        request,
        "recruitment/adjustment_form.html",
        {"row": row, "form": form, "adjustment": existing},
    )


# --- Readers of the reason ----------------------------------------------------------------


def _reader(request) -> None:
    if not selectors.is_reason_reader(request.user):
        raise PermissionDenied


@login_required
@never_cache
@require_GET
def adjustments_for_readers(request):
    """Ethics commissioner / adjustments officer: the requests in my bodies, with reasons."""
    _reader(request)
    rows = [
        {
            "adjustment": a,
            "asked_time": time_text(a.extra_percent, a.extra_minutes),
            "asked_formats": formats_text(a.formats),
            "granted_time": time_text(a.approved_percent, a.approved_minutes),
            "granted_formats": formats_text(a.approved_formats),
        }
        for a in selectors.adjustments_for_reader(user=request.user)
    ]
    return render(request, "recruitment/staff/adjustments.html", {"rows": rows})


@login_required
@never_cache
@require_GET
def adjustment_document(request, adjustment_id: int):
    """Ethics commissioner / adjustments officer: one supporting document (audited)."""
    _reader(request)
    adjustment = selectors.adjustment_for_reader(user=request.user, adjustment_id=adjustment_id)
    if adjustment is None or not adjustment.document:
        raise Http404
    name = adjustment.document.name
    extension = name[name.rfind(".") :] if "." in name else ""
    return FileResponse(
        adjustment_document_read(adjustment=adjustment, actor=request.user),
        as_attachment=True,
        filename=f"adjustment-{adjustment.application.code}{extension}",
        content_type=adjustment.document_content_type,
    )
