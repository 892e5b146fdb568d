"""The bank owners' and HR officers' side of the testing center.

Test results appear by anonymous application code only; nothing here leads to a person.
The national bank (topics without an owner body) is kept by platform administrators; a
body's HR officers keep their own topics and see the national ones read-only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from eqyzmet.admin import ReadOnlyAdmin, StateBodyScopedAdmin
from eqyzmet.errors import ApplicationError
from eqyzmet.jobs import job_progress, latest_job_field
from eqyzmet.models import Job
from testing_center import (
    admin_ai,  # noqa: F401  (registers the AI scoring pages)
    bank,
    delivery,
)
from testing_center.admin_ai import sitting_workload_table
from testing_center.admin_analysis import FLAG_LABELS  # also registers its pages
from testing_center.analysis import ANALYSE_JOB
from testing_center.forms import BankImportForm, KeylessQuestionForm, QuestionForm
from testing_center.models import (
    Attempt,
    Blueprint,
    BlueprintSection,
    Question,
    QuestionRevision,
    Sitting,
    Topic,
)
from testing_center.selectors import bank_scope


def _bank_scope(request, field: str = "owner_body"):
    return bank_scope(user=request.user, field=field)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_practice", "owner_body"]
    list_filter = ["is_practice"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]
    list_select_related = ["owner_body"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(_bank_scope(request))

    def has_change_permission(self, request, obj=None):
        if obj is not None and not bank.may_edit_topic(actor=request.user, topic=obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner_body" and not request.user.is_superuser:
            from eqyzmet.selectors import state_bodies_in_scope

            kwargs["queryset"] = state_bodies_in_scope(user=request.user, role="hr_officer")
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RevisionInline(admin.TabularInline):
    model = QuestionRevision
    extra = 0
    fields = ["version", "edited_at", "edited_by", "note"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    change_list_template = "testing_center/admin/question_changelist.html"
    list_display = ["external_id", "topic", "kind", "short_text", "status", "version", "flags"]
    list_filter = ["status", "kind", "topic__is_practice", "topic"]
    search_fields = ["external_id", "text_ru", "text_kk", "text_en"]
    list_select_related = ["topic"]
    readonly_fields = ["status", "version", "created_at", "updated_at"]
    inlines = [RevisionInline]
    actions = ["activate", "retire", "export_json", "export_csv"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(_bank_scope(request, "topic__owner_body"))
            .prefetch_related("stats")
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and not bank.may_edit_topic(actor=request.user, topic=obj.topic):
            return False
        return super().has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # Keys are for the keepers of the topic only: others see the question without them.
        if obj is not None and not bank.may_edit_topic(actor=request.user, topic=obj.topic):
            kwargs["form"] = KeylessQuestionForm
        return super().get_form(request, obj, change, **kwargs)

    def lookup_allowed(self, lookup, value, request=None):
        # A filter on the key in the address bar would answer "is the key X?" for anyone.
        if lookup.split("__", 1)[0] in bank.KEY_FIELDS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "topic" and not request.user.is_superuser:
            kwargs["queryset"] = bank.topics_kept_by(actor=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return (obj.text[:80] + "…") if len(obj.text) > 80 else obj.text

    @admin.display(description=_("item analysis"))
    def flags(self, obj):
        reasons = sorted({r for s in obj.stats.all() if s.flagged for r in s.flag_reasons})
        return "; ".join(str(FLAG_LABELS.get(r, r)) for r in reasons) or "—"

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in bank.CONTENT_FIELDS}
        fields["points"] = form.cleaned_data.get("points")
        saved = bank.question_save(
            actor=request.user,
            topic=form.cleaned_data["topic"],
            external_id=form.cleaned_data["external_id"],
            fields={k: v for k, v in fields.items() if v is not None},
            question=Question.objects.get(pk=obj.pk) if change else None,
            note=str(_("Edited in the admin")),
        )
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # Revisions are written by the service; nothing else is edited inline.
        pass

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _status(self, request, queryset, status):
        for question in queryset.select_related("topic"):
            try:
                bank.question_set_status(actor=request.user, question=question, status=status)
            except ApplicationError as exc:
                self.message_user(request, f"{question}: {exc.message}", messages.ERROR)

    @admin.action(description=_("Activate (use in tests)"), permissions=["change"])
    def activate(self, request, queryset):
        self._status(request, queryset, Question.Status.ACTIVE)

    @admin.action(description=_("Retire (no longer drawn)"), permissions=["change"])
    def retire(self, request, queryset):
        self._status(request, queryset, Question.Status.RETIRED)

    def _export(self, request, queryset, fmt):
        try:
            export = bank.bank_export(actor=request.user, questions=queryset, fmt=fmt)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return None
        response = HttpResponse(export.body, content_type=export.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        return response

    @admin.action(description=_("Export with keys as JSON (keepers of the topics only)"))
    def export_json(self, request, queryset):
        return self._export(request, queryset, "json")

    @admin.action(description=_("Export with keys as CSV (keepers of the topics only)"))
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    def changelist_view(self, request, extra_context=None):
        # The bank check, for the topics this officer keeps (the key positions of others'
        # topics are theirs to see).
        if request.method == "GET":
            kept = bank.topics_kept_by(actor=request.user)
            for warning in bank.bank_key_balance(topics=kept):
                self.message_user(request, warning.message, messages.WARNING)
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="testing_center_question_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        report = None
        form = BankImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            owner = None
            if not request.user.is_superuser:
                from eqyzmet.selectors import state_bodies_in_scope

                owner = state_bodies_in_scope(user=request.user, role="hr_officer").first()
            report = bank.bank_import(
                actor=request.user, data=upload.read(), filename=upload.name, owner_body=owner
            )
            if report.ok:
                self.message_user(
                    request,
                    _("Imported: %(c)s new, %(u)s changed, %(n)s unchanged.")
                    % {"c": report.created, "u": report.updated, "n": report.unchanged},
                    messages.SUCCESS,
                )
                for warning in report.warnings:
                    self.message_user(request, warning.message, messages.WARNING)
                return HttpResponseRedirect(reverse("admin:testing_center_question_changelist"))
            self.message_user(
                request, _("Nothing was imported: the file has errors."), messages.ERROR
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import questions"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "testing_center/admin/import.html", context)


class SectionInline(admin.TabularInline):
    model = BlueprintSection
    extra = 0
    fields = ["position", "topic", "item_count", "points_per_item", "min_correct"]


@admin.register(Blueprint)
class BlueprintAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "layout",
        "is_practice",
        "time_limit_seconds",
        "max_attempts",
    ]
    list_filter = ["kind", "is_practice"]
    inlines = [SectionInline]

    def has_change_permission(self, request, obj=None):
        # Shared blueprints are national data: platform administrators edit them.
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Sitting)
class SittingAdmin(StateBodyScopedAdmin):
    state_body_lookup = "stage__competition__state_body"
    list_display = ["stage", "blueprint", "created_at", "analysis", "results_link"]
    list_select_related = ["stage__competition", "blueprint"]
    fields = ["stage", "blueprint"]

    def get_fields(self, request, obj=None):
        if obj is not None and obj.blueprint.kind == Blueprint.Kind.ESSAY:
            return [*self.fields, "human_workload"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["human_workload"] if obj is not None else []

    @admin.display(description=_("answers the AI sends to people"))
    def human_workload(self, obj):
        return sitting_workload_table(obj)

    def get_queryset(self, request):
        # The latest analysis job of each row in the same query, so the list shows a worker
        # analysing a large sitting (state and percentage) without a query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(
                analysis_job_state=latest_job_field(kind=ANALYSE_JOB),
                analysis_job_id=latest_job_field(kind=ANALYSE_JOB, field="pk"),
            )
        )

    @admin.display(description=_("item analysis"), ordering="analysed_at")
    def analysis(self, obj):
        state = getattr(obj, "analysis_job_state", None)
        if state in (Job.State.QUEUED, Job.State.RUNNING):
            job = Job(pk=obj.analysis_job_id, state=state)
            return _("analysing… %(percent)s%%") % {"percent": job_progress(job)}
        if obj.analysed_at:
            return date_format(timezone.localtime(obj.analysed_at), "DATETIME_FORMAT")
        if state == Job.State.FAILED:
            return _("failed; it is tried again")
        return "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "stage" and not request.user.is_superuser:
            # The stage is the orchestrator's model; the engine reaches it only through the
            # relation, never by importing the recruitment app.
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                competition__state_body__in=self.scoped_bodies(request)
            ).select_related("competition")
        if db_field.name == "blueprint":
            kwargs["queryset"] = Blueprint.objects.filter(is_practice=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_onetoonefield(self, db_field, request, **kwargs):
        return self.formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = delivery.sitting_attach(
            actor=request.user, stage_id=obj.stage_id, blueprint=obj.blueprint
        )
        obj.pk = saved.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description=_("Results"))
    def results_link(self, obj):
        from django.utils.html import format_html

        url = reverse("admin:testing_center_attempt_changelist")
        return format_html('<a href="{}?sitting__id__exact={}">{}</a>', url, obj.pk, _("by code"))


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    """Stage results by anonymous code."""

    state_body_lookup = "sitting__stage__competition__state_body"
    list_display = [
        "code",
        "competition",
        "stage_kind",
        "status",
        "score",
        "correct_count",
        "passed",
        "section_summary",
        "submitted_by",
    ]
    list_filter = ["status", "passed", "sitting__stage__kind"]
    search_fields = ["application__code"]
    list_select_related = ["application", "sitting__stage__competition"]
    fields = [
        "code",
        "competition",
        "stage_kind",
        "number",
        "status",
        "started_at",
        "deadline",
        "submitted_at",
        "submitted_by",
        "score",
        "correct_count",
        "passed",
        "section_summary",
        "integrity_summary",
    ]
    readonly_fields = fields
    ordering = ["sitting", "application__code"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(sitting__isnull=False)

    @admin.display(description=_("code"), ordering="application__code")
    def code(self, obj):
        return obj.application.code if obj.application_id else "—"

    @admin.display(description=_("competition"))
    def competition(self, obj):
        return obj.sitting.stage.competition.number

    @admin.display(description=_("stage"))
    def stage_kind(self, obj):
        return obj.sitting.stage.get_kind_display()

    @admin.display(description=_("sections (correct / items)"))
    def section_summary(self, obj):
        return (
            "; ".join(
                f"{row.get('topic')}: {row.get('correct')}/{row.get('items')}"
                for row in obj.sections
            )
            or "—"
        )

    @admin.display(description=_("integrity events"))
    def integrity_summary(self, obj):
        from django.db.models import Count

        counts = dict(obj.events.values_list("kind").annotate(n=Count("id")))
        for kind, n in (obj.events_over_cap or {}).items():
            counts[kind] = counts.get(kind, 0) + n
        return "; ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "—"
