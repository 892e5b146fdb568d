"""Contract employees in the HR workbench, scoped to the officer's bodies: the project
register, concluding a contract (through ``services.contract_create``), the extend / end
decision with its reason, and the quarterly reports (read-only: the employee reports and the
responsible official confirms on their own pages). Pay rules are a versioned table that only
platform administrators add to."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.forms import formset_factory
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from eqyzmet.admin import ObjectPagesAdmin, ReadOnlyAdmin, StateBodyScopedAdmin, admin_service_form
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from recruitment.contracts import selection, services
from recruitment.models_contracts import (
    Contract,
    ContractDocument,
    ContractRecommendation,
    Extension,
    Indicator,
    PayRules,
    Project,
    QuarterReport,
)
from recruitment.selectors import revealed_identity


class ProjectAdmin(StateBodyScopedAdmin):
    list_display = [
        "name",
        "project_type",
        "state_body",
        "responsible_official",
        "ends_on",
        "status",
    ]
    list_filter = ["status", "project_type"]
    search_fields = ["name"]
    list_select_related = ["state_body", "responsible_official"]
    fields = [
        "state_body",
        "name",
        "name_kk",
        "name_ru",
        "name_en",
        "project_type",
        "responsible_official",
        "starts_on",
        "ends_on",
        "status",
    ]
    readonly_fields = ["status"]
    actions = ["finish"]

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "responsible_official" and not request.user.is_superuser:
            # Staff of the officer's own bodies only: the user table is never browsable.
            kwargs["queryset"] = (
                User.objects.filter(assignments__state_body__in=self.scoped_bodies(request))
                .distinct()
                .order_by("email")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        saved = services.project_create(
            state_body=obj.state_body,
            name=obj.name,
            name_kk=obj.name_kk,
            name_ru=obj.name_ru,
            name_en=obj.name_en,
            project_type=obj.project_type,
            responsible_official=obj.responsible_official,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            actor=request.user,
        )
        obj.pk = saved.pk

    @admin.action(description=_("Mark the selected projects finished"))
    def finish(self, request, queryset):
        for project in queryset:
            services.project_finish(project=project, actor=request.user)
        self.message_user(
            request, _("The projects are finished; their contracts can no longer be extended.")
        )


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    can_delete = False
    fields = ["name", "kind", "direction", "target", "weight"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ExtensionInline(IndicatorInline):
    model = Extension
    fields = ["previous_ends_on", "ends_on", "reason", "decided_by", "decided_at"]
    readonly_fields = fields


class ReportInline(IndicatorInline):
    model = QuarterReport
    fields = ["year", "quarter", "status", "score", "results_pay", "rules_version", "confirmed_at"]
    readonly_fields = fields


class DocumentInline(IndicatorInline):
    """The contract's papers, each with its download link (filed on the documents page)."""

    model = ContractDocument
    fields = ["kind", "download", "size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("recruitment:contract_document", args=[obj.pk]),
            _("Download"),
        )


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=ContractDocument.Kind.choices)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ConcludeForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    employee_email = forms.EmailField(label=_("Contract employee's e-mail (their account)"))
    tasks = forms.CharField(label=_("Tasks"), widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.CharField(
        label=_("Recommendation of the responsible official, with its reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        help_text=_("At most one calendar year from the start."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    base_pay = forms.DecimalField(label=_("Base pay per month"), min_value=0, decimal_places=2)
    results_pay_max = forms.DecimalField(
        label=_("Results component per quarter, maximum"), min_value=0, decimal_places=2
    )


class ConcludeFromRecommendationForm(forms.Form):
    tasks = forms.CharField(label=_("Tasks"), widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        help_text=_("Within the term the selection announced."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    base_pay = forms.DecimalField(label=_("Base pay per month"), min_value=0, decimal_places=2)
    results_pay_max = forms.DecimalField(
        label=_("Results component per quarter, maximum"), min_value=0, decimal_places=2
    )


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Indicator"), max_length=255, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Indicator.Kind.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Indicator.Direction.choices)
    target = forms.DecimalField(label=_("Target per quarter"), required=False, decimal_places=2)
    weight = forms.IntegerField(label=_("Weight, %"), required=False, min_value=0, max_value=100)


IndicatorFormSet = formset_factory(IndicatorForm, extra=5, max_num=10)


class DecideForm(forms.Form):
    EXTEND, END = "extend", "end"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(EXTEND, _("Extend the contract")), (END, _("End the contract"))],
        widget=forms.RadioSelect,
    )
    ends_on = forms.DateField(
        label=_("New end (when extending)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ContractAdmin(ObjectPagesAdmin, ReadOnlyAdmin, StateBodyScopedAdmin):
    object_pages = {"decide": "decide_view", "documents": "documents_view"}
    change_form_template = "admin/recruitment/contract/change_form.html"
    change_list_template = "admin/recruitment/contract/change_list.html"
    list_display = ["employee", "project", "starts_on", "ends_on", "status", "flagged_at"]
    list_filter = ["status", ("flagged_at", admin.EmptyFieldListFilter)]
    search_fields = ["employee__email", "project__name"]
    list_select_related = ["employee", "project"]
    readonly_fields = [
        "state_body",
        "project",
        "employee",
        "tasks",
        "recommendation",
        "starts_on",
        "ends_on",
        "base_pay",
        "results_pay_max",
        "status",
        "end_reason",
        "flagged_at",
        "flag_note",
    ]
    inlines = [IndicatorInline, ExtensionInline, ReportInline, DocumentInline]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("recruitment.view_contract")

    def get_urls(self):
        conclude = path(
            "conclude/",
            self.admin_site.admin_view(self.conclude_view),
            name="recruitment_contract_conclude",
        )
        return [conclude, *super().get_urls()]

    def conclude_view(self, request):
        if not request.user.has_perm("recruitment.add_contract"):
            raise Http404
        if request.GET.get("recommendation"):
            return self._conclude_from_recommendation(request, request.GET["recommendation"])
        form = ConcludeForm(request.POST or None)
        form.fields["project"].queryset = (
            admin.site._registry[Project].get_queryset(request).filter(status=Project.Status.ACTIVE)
        )
        formset = IndicatorFormSet(request.POST or None, prefix="indicators")
        if request.method == "POST" and form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            rows = [row for row in formset.cleaned_data if row and row.get("name")]
            employee = User.objects.filter(email__iexact=data["employee_email"]).first()
            try:
                if employee is None:
                    raise ApplicationError(
                        _("No account has this e-mail: the person registers on the portal first."),
                        code="no_account",
                    )
                contract = services.contract_create(
                    project=data["project"],
                    employee=employee,
                    tasks=data["tasks"],
                    recommendation=data["recommendation"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    base_pay=data["base_pay"],
                    results_pay_max=data["results_pay_max"],
                    indicators=rows,
                    actor=request.user,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, _("The contract is concluded."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:recruitment_contract_change", args=[contract.pk])
                )
        return TemplateResponse(
            request,
            "admin/recruitment/contract/conclude.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "formset": formset,
                "opts": self.model._meta,
                "title": _("Conclude a contract"),
            },
        )

    def _conclude_from_recommendation(self, request, recommendation_id: str):
        """Conclude the contract a contract post selection's official recommended: the
        project, the person (revealed on the recommendation) and the recommendation's text
        come from it; HR writes the tasks, the dates, the pay and the indicators."""
        recommendation = (
            admin.site._registry[ContractRecommendation]
            .get_queryset(request)
            .filter(pk=recommendation_id if recommendation_id.isdigit() else 0)
            .select_related("competition__contract_project", "application", "vacancy")
            .prefetch_related("application__reveals")
            .first()
        )
        if recommendation is None:
            raise Http404
        competition = recommendation.competition
        form = ConcludeFromRecommendationForm(request.POST or None)
        formset = IndicatorFormSet(
            request.POST or None,
            prefix="indicators",
            initial=[{"name": line} for line in competition.contract_indicator_lines],
        )
        if request.method == "POST" and form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                contract = selection.contract_conclude_from_recommendation(
                    recommendation=recommendation,
                    tasks=data["tasks"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    base_pay=data["base_pay"],
                    results_pay_max=data["results_pay_max"],
                    indicators=[row for row in formset.cleaned_data if row and row.get("name")],
                    actor=request.user,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                self.message_user(request, _("The contract is concluded."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:recruitment_contract_change", args=[contract.pk])
                )
        return TemplateResponse(
            request,
            "admin/recruitment/contract/conclude.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "formset": formset,
                "opts": self.model._meta,
                "title": _("Conclude a contract on the official's recommendation"),
                "recommendation": recommendation,
                "identity": revealed_identity(application=recommendation.application),
                "application_url": reverse(
                    "admin:recruitment_application_change", args=[recommendation.application_id]
                ),
            },
        )

    def decide_view(self, request, pk):
        contract = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("recruitment.change_contract"):
            raise Http404

        def run(data):
            if data["decision"] == DecideForm.EXTEND:
                if data["ends_on"] is None:
                    raise ApplicationError(_("Give the new end date."), code="ends_on_required")
                services.contract_extend(
                    contract=contract,
                    ends_on=data["ends_on"],
                    reason=data["reason"],
                    actor=request.user,
                )
            else:
                services.contract_end(contract=contract, reason=data["reason"], actor=request.user)

        return admin_service_form(
            self,
            request,
            form_class=DecideForm,
            run=run,
            success_message=_("The decision is recorded."),
            success_url=reverse("admin:recruitment_contract_change", args=[pk]),
            template="admin/recruitment/contract/decide.html",
            context={"title": _("Extend or end the contract"), "contract": contract},
        )

    def documents_view(self, request, pk):
        """File a paper of the contract (through ``services.contract_document_upload``)."""
        contract = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("recruitment.add_contractdocument"):
            raise Http404
        return admin_service_form(
            self,
            request,
            form_class=DocumentUploadForm,
            run=lambda data: services.contract_document_upload(
                contract=contract, kind=data["kind"], upload=data["file"], actor=request.user
            ),
            success_message=_("The document is filed with the contract."),
            success_url=reverse("admin:recruitment_contract_change", args=[pk]),
            template="admin/recruitment/contract/documents.html",
            context={
                "title": _("File a contract document"),
                "contract": contract,
                "documents": contract.documents.all(),
            },
        )


class ContractRecommendationAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    """The responsible officials' recommendations on contract post selections: by code,
    with the reason; HR reveals the recommended code and concludes the contract from here."""

    state_body_lookup = "competition__state_body"
    list_display = [
        "competition",
        "code",
        "recommended_by",
        "recommended_at",
        "state",
        "next_step",
    ]
    list_filter = [("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["application__code", "competition__number"]
    list_select_related = ["competition", "application", "recommended_by"]
    fields = [
        "competition",
        "vacancy",
        "code",
        "reason",
        "recommended_by",
        "recommended_at",
        "withdrawn_at",
        "withdrawal_reason",
        "concluded_at",
        "next_step",
    ]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("recruitment.view_contractrecommendation")

    @admin.display(description=_("anonymous code"), ordering="application__code")
    def code(self, obj):
        return obj.application.code

    @admin.display(description=_("status"))
    def state(self, obj):
        if obj.withdrawn_at is not None:
            return _("Withdrawn")
        if obj.concluded_at is not None:
            return _("Contract concluded")
        return _("Waiting for the contract")

    @admin.display(description=_("next step"))
    def next_step(self, obj):
        if obj.withdrawn_at is not None or obj.concluded_at is not None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a class="button" href="{}?recommendation={}">{}</a>',
            reverse("admin:recruitment_application_change", args=[obj.application_id]),
            _("Reveal the code (purpose: contract)"),
            reverse("admin:recruitment_contract_conclude"),
            obj.pk,
            _("Conclude a contract"),
        )


class PayRulesAdmin(admin.ModelAdmin):
    """Versions are added, never edited: a confirmed quarter keeps the version it used."""

    list_display = ["version", "valid_from", "tiers", "cap"]

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


def register(site: admin.AdminSite) -> None:
    site.register(Project, ProjectAdmin)
    site.register(Contract, ContractAdmin)
    site.register(PayRules, PayRulesAdmin)
    site.register(ContractRecommendation, ContractRecommendationAdmin)
