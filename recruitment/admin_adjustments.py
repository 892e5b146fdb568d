"""Reasonable adjustments in the HR workbench.

Everyone who may see the list (HR officers, adjustments officers, ethics commissioners of
the competition's body) sees the code, what was asked (extra time, formats) and the status.
The reason, the other format's description, the notes and the supporting document appear
only to holders of ``recruitment.view_adjustment_reason`` (adjustments officers and ethics
commissioners), and only adjustments officers decide (``adjustment_decide``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eqyzmet.admin import ObjectPagesAdmin, ReadOnlyAdmin, StateBodyScopedAdmin, admin_service_form
from eqyzmet.models import StateBody
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from recruitment.models_adjustments import (
    Adjustment,
    AdjustmentFormat,
    formats_text,
    time_text,
)
from recruitment.services.adjustments import (
    adjustment_decide,
    adjustment_document_read,
    may_decide,
)

REASON_PERMISSION = "recruitment.view_adjustment_reason"
PUBLIC_FIELDS = [
    "code",
    "asked_time",
    "asked_formats",
    "status",
    "granted_time",
    "granted_formats",
    "decided_at",
]
REASON_FIELDS = ["reason", "other_format", "has_document", "decision_note", "revision_reason"]


class AdjustmentDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Adjustment.Status.APPROVED, _("Approve what was asked")),
            (Adjustment.Status.PARTLY_APPROVED, _("Approve part of it")),
            (Adjustment.Status.REFUSED, _("Refuse")),
        ],
        widget=forms.RadioSelect,
    )
    approved_percent = forms.TypedChoiceField(
        label=_("Extra time granted (partly approved only)"),
        choices=[(0, "—"), (25, "+25%"), (50, "+50%"), (100, "+100%")],
        coerce=int,
        required=False,
        empty_value=0,
    )
    approved_minutes = forms.IntegerField(
        label=_("Extra minutes granted (partly approved only)"),
        min_value=0,
        max_value=240,
        required=False,
    )
    approved_formats = forms.MultipleChoiceField(
        label=_("Formats granted (partly approved only)"),
        choices=AdjustmentFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Note to the candidate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you partly approve or refuse."),
    )
    revision_reason = forms.CharField(
        label=_("Reason for changing an earlier decision (only if asked)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AdjustmentAdmin(ObjectPagesAdmin, ReadOnlyAdmin, StateBodyScopedAdmin):
    object_pages = {"decide": "decide_view", "document": "document_view"}
    state_body_lookup = "application__competition__state_body"
    change_form_template = "admin/recruitment/adjustment/change_form.html"
    list_display = ["code", "asked_time", "asked_formats", "status", "decided_at"]
    list_filter = ["status"]
    search_fields = ["application__code"]
    list_select_related = ["application"]

    def scoped_bodies(self, request):
        user = request.user
        if user.is_superuser:
            return StateBody.objects.all()
        ids: set[int] = set()
        for role in (Role.HR_OFFICER, Role.ADJUSTMENTS_OFFICER, Role.ETHICS_COMMISSIONER):
            ids.update(state_bodies_in_scope(user=user, role=role).values_list("pk", flat=True))
        return StateBody.objects.filter(pk__in=ids)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.has_perm("recruitment.view_adjustment")

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm("recruitment.view_adjustment")

    def get_fields(self, request, obj=None):
        if request.user.has_perm(REASON_PERMISSION):
            return PUBLIC_FIELDS + REASON_FIELDS
        return list(PUBLIC_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("anonymous code"), ordering="application__code")
    def code(self, obj):
        return obj.application.code

    @admin.display(description=_("extra time asked"))
    def asked_time(self, obj):
        return time_text(obj.extra_percent, obj.extra_minutes)

    @admin.display(description=_("formats asked"))
    def asked_formats(self, obj):
        return formats_text(obj.formats)

    @admin.display(description=_("extra time granted"))
    def granted_time(self, obj):
        return time_text(obj.approved_percent, obj.approved_minutes)

    @admin.display(description=_("formats granted"))
    def granted_formats(self, obj):
        return formats_text(obj.approved_formats)

    @admin.display(description=_("supporting document"), boolean=True)
    def has_document(self, obj):
        return bool(obj.document)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        adjustment = self.get_queryset(request).filter(pk=object_id).first()
        context = dict(extra_context or {})
        if adjustment is not None:
            context["may_decide"] = may_decide(user=request.user, adjustment=adjustment)
            context["may_read_document"] = bool(adjustment.document) and (
                request.user.has_perm(REASON_PERMISSION)
            )
        return super().change_view(request, object_id, form_url, context)

    def _visible(self, request, pk) -> Adjustment:
        return get_object_or_404(
            self.get_queryset(request).select_related("application__competition"), pk=pk
        )

    def decide_view(self, request, pk):
        adjustment = self._visible(request, pk)
        if not may_decide(user=request.user, adjustment=adjustment):
            raise PermissionDenied
        return admin_service_form(
            self,
            request,
            form_class=AdjustmentDecisionForm,
            run=lambda data: adjustment_decide(
                adjustment=adjustment,
                actor=request.user,
                status=data["status"],
                approved_percent=data["approved_percent"] or 0,
                approved_minutes=data["approved_minutes"] or 0,
                approved_formats=data["approved_formats"],
                note=data["note"],
                revision_reason=data["revision_reason"],
            ),
            success_message=_("The adjustment request is decided."),
            success_url=reverse("admin:recruitment_adjustment_change", args=[pk]),
            template="admin/recruitment/adjustment/decide_form.html",
            context={
                "title": _("Decide the adjustments of %(code)s")
                % {"code": adjustment.application.code},
                "adjustment": adjustment,
                "asked_time": time_text(adjustment.extra_percent, adjustment.extra_minutes),
                "asked_formats": formats_text(adjustment.formats),
            },
        )

    def document_view(self, request, pk):
        if not request.user.has_perm(REASON_PERMISSION):
            raise PermissionDenied
        adjustment = self._visible(request, pk)
        if not adjustment.document:
            raise Http404
        handle = adjustment_document_read(adjustment=adjustment, actor=request.user)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"adjustment-{adjustment.application.code}{_extension(adjustment)}",
            content_type=adjustment.document_content_type,
        )


def _extension(adjustment: Adjustment) -> str:
    name = adjustment.document.name
    return name[name.rfind(".") :] if "." in name else ""


def register(site) -> None:
    site.register(Adjustment, AdjustmentAdmin)
