"""HR officers' internship workbench: publish internships for their bodies, review
applications by code only (coarse facts, redacted motivation), decide with a note, and —
for a shortlisted code, with a reason — reveal who it is and open the status document.

``InternshipIdentity`` is deliberately not registered: nothing here reaches it except
``selectors.revealed_applicant`` and ``services.status_document_read`` after a reveal.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext_lazy as _

from careers.internships import selectors, services
from careers.models_internships import (
    Internship,
    InternshipApplication,
    InternshipReveal,
    Standing,
)
from eqyzmet.admin import ObjectPagesAdmin, ReadOnlyAdmin, StateBodyScopedAdmin, admin_service_form
from eqyzmet.errors import ApplicationError
from eqyzmet.places import place_name
from recruitment.public import EducationLevel, Field


class InternshipAdminForm(forms.ModelForm):
    fields = forms.MultipleChoiceField(
        label=_("fields of study"),
        choices=Field.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to accept every field."),
    )

    class Meta:
        model = Internship
        fields = [
            "state_body",
            "region",
            "places",
            "is_published",
            "title_kk",
            "title_ru",
            "title_en",
            "description_kk",
            "description_ru",
            "description_en",
            "starts_on",
            "ends_on",
            "open_to_students",
            "min_year_of_study",
            "open_to_graduates",
            "graduated_within_years",
            "fields",
            "applications_open_at",
            "applications_close_at",
        ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The internship cannot end before it starts."))
        opens, closes = data.get("applications_open_at"), data.get("applications_close_at")
        if opens and closes and closes <= opens:
            self.add_error("applications_close_at", _("Applications must close after they open."))
        if data and not data.get("open_to_students") and not data.get("open_to_graduates"):
            self.add_error(None, _("Open the internship to students, graduates or both."))
        return data


@admin.register(Internship)
class InternshipAdmin(StateBodyScopedAdmin):
    form = InternshipAdminForm
    list_display = [
        "title_ru",
        "state_body",
        "region_name",
        "places",
        "applications_close_at",
        "is_published",
        "applications_link",
    ]
    list_filter = ["is_published", "region"]
    search_fields = ["title_kk", "title_ru", "title_en"]
    list_select_related = ["state_body"]
    fieldsets = [
        (None, {"fields": ["state_body", "region", "places", "is_published"]}),
        (
            _("Title and description"),
            {
                "fields": [
                    "title_kk",
                    "title_ru",
                    "title_en",
                    "description_kk",
                    "description_ru",
                    "description_en",
                ]
            },
        ),
        (_("Dates"), {"fields": ["starts_on", "ends_on"]}),
        (
            _("Who may apply"),
            {
                "fields": [
                    "open_to_students",
                    "min_year_of_study",
                    "open_to_graduates",
                    "graduated_within_years",
                    "fields",
                ]
            },
        ),
        (_("Application window"), {"fields": ["applications_open_at", "applications_close_at"]}),
    ]

    @admin.display(description=_("region"), ordering="region")
    def region_name(self, obj):
        return place_name(obj.region)

    @admin.display(description=_("Applications"))
    def applications_link(self, obj):
        url = reverse("admin:careers_internshipapplication_changelist")
        return format_html('<a href="{}?internship__id__exact={}">{}</a>', url, obj.pk, _("Codes"))

    def has_delete_permission(self, request, obj=None):
        # An internship with applications stays on the record.
        if obj is not None and obj.applications.exists():
            return False
        return super().has_delete_permission(request, obj)


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (InternshipApplication.Status.SHORTLISTED, _("Shortlisted")),
            (InternshipApplication.Status.NOT_SELECTED, _("Not selected")),
        ],
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, max_length=2000)


class RevealReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea, min_length=services.REASON_MIN_CHARS
    )


@admin.register(InternshipApplication)
class InternshipApplicationAdmin(ObjectPagesAdmin, ReadOnlyAdmin, StateBodyScopedAdmin):
    object_pages = {"decide": "decide_view", "reveal": "reveal_view", "document": "document_view"}
    state_body_lookup = "internship__state_body"
    list_display = ["code", "internship", "standing", "level_label", "field_label", "status"]
    list_filter = ["status", "standing", "internship"]
    search_fields = ["code"]
    list_select_related = ["internship"]
    ordering = ["internship", "code"]
    fields = [
        "code",
        "internship",
        "facts",
        "motivation",
        "status",
        "note",
        "actions_and_identity",
    ]
    readonly_fields = fields

    @admin.display(description=_("level of education"))
    def level_label(self, obj):
        return EducationLevel(obj.level).label if obj.level in EducationLevel.values else "—"

    @admin.display(description=_("field of study"))
    def field_label(self, obj):
        return Field(obj.field).label if obj.field in Field.values else "—"

    @admin.display(description=_("Declared facts"))
    def facts(self, obj):
        if obj.standing == Standing.STUDENT:
            detail = _("year of study: %(year)s") % {"year": obj.year_of_study}
        else:
            detail = _("years since graduation: %(years)s") % {"years": obj.years_since_graduation}
        return format_html(
            "{} · {} · {} · {}",
            Standing(obj.standing).label,
            self.level_label(obj),
            self.field_label(obj),
            detail,
        )

    @admin.display(description=_("Motivation (redacted)"))
    def motivation(self, obj):
        flag = (
            format_html(
                '<p class="errornote">{}</p>',
                _("Identifying details were replaced: a possible self-identification."),
            )
            if obj.redaction_count
            else ""
        )
        return format_html(
            "{}<blockquote>{}</blockquote>", flag, linebreaks(obj.motivation_redacted)
        )

    @admin.display(description=_("Decision and identity"))
    def actions_and_identity(self, obj):
        decide = format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:careers_internshipapplication_decide", args=[obj.pk]),
            _("Decide…"),
        )
        applicant = selectors.revealed_applicant(application=obj)
        if applicant is None:
            reveal = ""
            if obj.status == InternshipApplication.Status.SHORTLISTED:
                reveal = format_html(
                    ' <a class="button" href="{}">{}</a>',
                    reverse("admin:careers_internshipapplication_reveal", args=[obj.pk]),
                    _("Reveal…"),
                )
            return format_html("{} {}{}", _("Anonymous until revealed."), decide, reveal)
        contact = applicant.contact
        return format_html(
            '<strong>{}</strong>, {}, {}<br><a class="button" href="{}">{}</a>',
            contact.full_name if contact else "—",
            contact.email if contact else "—",
            contact.phone if contact else "—",
            reverse("admin:careers_internshipapplication_document", args=[obj.pk]),
            _("Open the status document"),
        )

    def _application(self, request, pk) -> InternshipApplication:
        if not self.has_view_permission(request):
            raise PermissionDenied
        application = (
            self.get_queryset(request)
            .select_related("internship__state_body")
            .filter(pk=pk)
            .first()
        )
        if application is None:
            raise Http404
        return application

    def _back(self, pk) -> str:
        return reverse("admin:careers_internshipapplication_change", args=[pk])

    def decide_view(self, request, pk):
        application = self._application(request, pk)
        return admin_service_form(
            self,
            request,
            form_class=DecisionForm,
            run=lambda data: services.internship_decide(
                application=application,
                actor=request.user,
                status=data["status"],
                note=data["note"],
            ),
            success_message=_("The decision is recorded."),
            success_url=self._back(pk),
            template="admin/careers/internship_reason_form.html",
            context={
                "title": _("Decide on %(code)s") % {"code": application.code},
                "application": application,
            },
        )

    def reveal_view(self, request, pk):
        application = self._application(request, pk)
        return admin_service_form(
            self,
            request,
            form_class=RevealReasonForm,
            run=lambda data: services.internship_reveal(
                application=application, actor=request.user, reason=data["reason"]
            ),
            success_message=_("Identity revealed; the reveal is on the record."),
            success_url=self._back(pk),
            template="admin/careers/internship_reason_form.html",
            context={
                "title": _("Reveal the identity behind %(code)s") % {"code": application.code},
                "application": application,
                "warning": _(
                    "A reveal is permanent and audited; the ethics commissioner sees it. "
                    "Reveal only shortlisted codes you need to contact."
                ),
            },
        )

    def document_view(self, request, pk):
        application = self._application(request, pk)
        try:
            handle, content_type = services.status_document_read(
                application=application, actor=request.user
            )
        except ApplicationError:
            raise Http404 from None
        extension = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"status-{application.code}{extension.get(content_type, '')}",
            content_type=content_type,
        )


@admin.register(InternshipReveal)
class InternshipRevealAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    state_body_lookup = "application__internship__state_body"
    list_display = ["application", "revealed_by", "revealed_at", "reason"]
    list_select_related = ["application", "revealed_by"]
