"""The HR officer's evaluation workbench: employees, rules, competencies, cycles and the
review of contested results — each scoped to the officer's bodies (a superuser sees all).

360 answers are not registered at all, and nothing here shows who answered a 360 request:
the feedback appears only as the aggregate score already in the result.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from eqyzmet.admin import ObjectPagesAdmin, StateBodyScopedAdmin, admin_service_form
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from eqyzmet.roles import Role
from evaluation import services
from evaluation.models import Assessment, Competency, Cycle, Employee, EvaluationRules, Kpi


@admin.register(Employee)
class EmployeeAdmin(StateBodyScopedAdmin):
    list_display = ["user", "position", "state_body", "supervisor", "unit_head", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["user__email", "position"]
    list_select_related = ["user", "state_body", "supervisor", "unit_head"]
    fields = ["user", "position", "state_body", "supervisor", "unit_head"]

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("user", "supervisor", "unit_head") and not request.user.is_superuser:
            # Only staff of the officer's own bodies: the user table is never browsable.
            kwargs["queryset"] = (
                User.objects.filter(
                    assignments__role__in=[Role.EMPLOYEE.value, Role.MANAGER.value],
                    assignments__state_body__in=self.scoped_bodies(request),
                )
                .distinct()
                .order_by("email")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            saved = services.employee_register(
                user=obj.user,
                position=obj.position,
                state_body=obj.state_body,
                supervisor=obj.supervisor,
                unit_head=obj.unit_head,
                actor=request.user,
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk


@admin.register(EvaluationRules)
class EvaluationRulesAdmin(StateBodyScopedAdmin):
    list_display = [
        "state_body",
        "kpi_weight",
        "competency_weight",
        "feedback_weight",
        "citizen_weight",
        "exceeds_min",
        "meets_min",
        "partly_min",
        "updated_at",
    ]
    list_select_related = ["state_body"]
    fieldsets = [
        (None, {"fields": ["state_body"]}),
        (
            _("Weights of the components (add up to 100)"),
            {"fields": ["kpi_weight", "competency_weight", "feedback_weight", "citizen_weight"]},
        ),
        (_("KPIs and 360"), {"fields": ["kpi_cap_percent", "feedback_min_respondents"]}),
        (_("Rating bands"), {"fields": ["exceeds_min", "meets_min", "partly_min"]}),
        (
            _("Bonus tiers"),
            {
                "fields": [
                    "tier1_min",
                    "tier1_percent",
                    "tier2_min",
                    "tier2_percent",
                    "tier3_min",
                    "tier3_percent",
                ]
            },
        ),
        (
            _("Calendar"),
            {
                "fields": [
                    "quarter_due_day",
                    "annual_due_day",
                    "contest_days",
                    "reminder_days",
                    "retention_years",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.rules_save(rules=obj, actor=request.user)


@admin.register(Competency)
class CompetencyAdmin(StateBodyScopedAdmin):
    list_display = ["code", "name", "state_body", "position", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["state_body"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "state_body" in form.base_fields:
            form.base_fields["state_body"].required = True
        return form

    def save_model(self, request, obj, form, change):
        services.setting_save(obj=obj, actor=request.user, state_body=obj.state_body)


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["state_body", "kind", "year", "quarter"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == Cycle.Kind.QUARTER and not data.get("quarter"):
            self.add_error("quarter", _("Choose a quarter from 1 to 4."))
        return data

    def validate_unique(self):
        # The service refuses a duplicate period with its own message.
        return


@admin.register(Cycle)
class CycleAdmin(StateBodyScopedAdmin):
    form = CycleForm
    list_display = [
        "__str__",
        "state_body",
        "kind",
        "status",
        "period_start",
        "period_end",
        "due_date",
        "assessment_count",
        "export_link",
    ]
    list_filter = ["status", "kind", "year"]
    list_select_related = ["state_body"]
    actions = ["open_cycles", "close_cycles"]
    readonly_fields = [
        "status",
        "period_start",
        "period_end",
        "due_date",
        "opened_at",
        "closed_at",
        "rules",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_assessments=Count("assessments"))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["state_body", "kind", "year", "quarter", *self.readonly_fields]
        return []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["state_body", "kind", "year", "quarter"]
        return ["state_body", "kind", "year", "quarter", *self.readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Assessments"), ordering="n_assessments")
    def assessment_count(self, obj):
        return obj.n_assessments

    @admin.display(description=_("Payroll export"))
    def export_link(self, obj):
        if obj.status == Cycle.Status.DRAFT:
            return "—"
        return format_html('<a href="{}">CSV</a>', reverse("evaluation:export_csv", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = services.cycle_create(
                state_body=obj.state_body,
                year=obj.year,
                quarter=obj.quarter,
                kind=obj.kind,
                actor=request.user,
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            obj.pk = None
            return
        obj.pk = created.pk

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:
            return HttpResponseRedirect(reverse("admin:evaluation_cycle_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def _run(self, request, queryset, service, done):
        for cycle in queryset:
            try:
                service(cycle=cycle, actor=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{cycle}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{cycle}: {done}", messages.SUCCESS)

    @admin.action(description=_("Open the selected cycles (freezes the rules)"))
    def open_cycles(self, request, queryset):
        self._run(request, queryset, services.cycle_open, _("opened"))

    @admin.action(description=_("Close the selected cycles"))
    def close_cycles(self, request, queryset):
        self._run(request, queryset, services.cycle_close, _("closed"))


class KpiInline(admin.TabularInline):
    model = Kpi
    extra = 0
    fields = ["name", "unit", "direction", "target", "actual", "weight", "evidence_link"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Evidence"))
    def evidence_link(self, obj):
        if not obj.evidence:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("evaluation:evidence", args=[obj.pk]), obj.evidence_name
        )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Assessment.ReviewOutcome.choices)
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))
    revised_composite = forms.DecimalField(
        label=_("Revised composite score (only when revising)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )


@admin.register(Assessment)
class AssessmentAdmin(ObjectPagesAdmin, StateBodyScopedAdmin):
    object_pages = {"review": "review_view"}
    state_body_lookup = "cycle__state_body"
    list_display = [
        "__str__",
        "status",
        "composite",
        "band",
        "bonus_tier",
        "bonus_percent",
        "respond_by",
    ]
    list_filter = ["status", "band", "cycle__kind", "cycle__year"]
    search_fields = ["employee__user__email"]
    list_select_related = ["cycle", "employee__user"]
    inlines = [KpiInline]
    change_form_template = "evaluation/admin_assessment_change.html"
    fields = [
        "cycle",
        "employee",
        "status",
        "kpi_score",
        "competency_score",
        "feedback_score",
        "citizen_score",
        "composite",
        "band",
        "bonus_tier",
        "bonus_percent",
        "quarters_counted",
        "supervisor_comment",
        "head_comment",
        "finalized_at",
        "respond_by",
        "acknowledged_at",
        "contested_at",
        "contest_reason",
        "contest_is_ethical",
        "ethics_case_id",
        "review_outcome",
        "review_note",
        "reviewed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def review_view(self, request, pk):
        assessment = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, assessment):
            raise Http404
        return admin_service_form(
            self,
            request,
            form_class=ReviewForm,
            run=lambda data: services.assessment_review_decide(
                assessment=assessment,
                actor=request.user,
                outcome=data["outcome"],
                note=data["note"],
                revised_composite=data["revised_composite"],
            ),
            success_message=_("The review is decided."),
            success_url=reverse("admin:evaluation_assessment_change", args=[pk]),
            template="evaluation/admin_review.html",
            context={"title": _("Review of a contested result"), "assessment": assessment},
        )


from evaluation import admin_development  # noqa: E402, F401  (competence development)
