"""The admin side of AI-assisted scoring: training uploads, training runs with their
progress, stored model versions, per-question policies and the essays' routing.

Registered from ``testing_center.admin``. Everything is by anonymous code.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from eqyzmet.admin import ReadOnlyAdmin, StateBodyScopedAdmin, admin_service_form
from testing_center.models import (
    AiScore,
    EssayReview,
    Question,
    ScoringModel,
    ScoringPolicy,
    TrainingRun,
    TrainingUpload,
)
from testing_center.scoring import training, workload
from testing_center.selectors import bank_scope

TEMPLATE = "admin/testing_center/service_form.html"


def _bank_questions(request):
    qs = Question.objects.filter(kind=Question.Kind.ESSAY).select_related("topic")
    if request.user.is_superuser:
        return qs
    return qs.filter(bank_scope(user=request.user, field="topic__owner_body")).exclude(
        topic__owner_body__isnull=True
    )


class TrainingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of human-scored answers"),
        help_text=_(
            "Columns question_id, answer_id, answer, score (and optionally reference_answer, "
            "split, group); question_id is the identifier of an essay question of the bank."
        ),
    )


class TrainingRunForm(forms.Form):
    question = forms.ModelChoiceField(
        label=_("Question"),
        queryset=Question.objects.none(),
        required=False,
        empty_label=_("Every question with training answers"),
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        initial=0,
        min_value=0,
        max_value=2**31 - 1,
        help_text=_("The same answers and seed always give the same model."),
    )


@admin.register(TrainingUpload)
class TrainingUploadAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_at", "uploaded_by", "rows", "question_list"]
    readonly_fields = ["filename", "uploaded_at", "uploaded_by", "rows", "questions", "sha256"]
    list_select_related = ["uploaded_by"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(uploaded_by=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("questions"))
    def question_list(self, obj):
        return ", ".join(obj.questions)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return admin_service_form(
            self,
            request,
            form_class=TrainingUploadForm,
            run=lambda data: training.training_upload_create(
                actor=request.user, data=data["file"].read(), filename=data["file"].name
            ),
            success_message=_("The answers are stored; start a training run to use them."),
            success_url=reverse("admin:testing_center_trainingupload_changelist"),
            template=TEMPLATE,
            context={
                "title": _("Upload human-scored answers"),
                "submit_label": _("Check and upload"),
                "help": _(
                    "A file with any error is refused as a whole and every problem is listed."
                ),
            },
        )


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "question", "status", "progress", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [
        "question",
        "seed",
        "requested_by",
        "status",
        "progress",
        "created_at",
        "started_at",
        "finished_at",
        "error",
    ]
    fields = readonly_fields
    list_select_related = ["question"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(requested_by=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress(self, obj):
        total = obj.progress_total or 0
        return format_html(
            '<progress value="{}" max="{}"></progress> {} / {}',
            obj.progress_done,
            max(total, 1),
            obj.progress_done,
            total,
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if TrainingRun.objects.filter(
            status__in=[TrainingRun.Status.QUEUED, TrainingRun.Status.RUNNING]
        ).exists():
            # Progress without JavaScript: the list refreshes itself while a run works.
            response["Refresh"] = "5"
        return response

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied

        class Form(TrainingRunForm):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["question"].queryset = _bank_questions(request)

        return admin_service_form(
            self,
            request,
            form_class=Form,
            run=lambda data: training.training_run_start(
                actor=request.user, question=data["question"], seed=data["seed"]
            ),
            success_message=_("Training is queued; this list shows its progress."),
            success_url=reverse("admin:testing_center_trainingrun_changelist"),
            template=TEMPLATE,
            context={"title": _("Train the AI scorer"), "submit_label": _("Start training")},
        )


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "version",
        "question",
        "algorithm",
        "cv_qwk",
        "training_size",
        "review_threshold",
        "workload",
        "is_active",
        "trained_at",
    ]
    list_filter = ["is_active", "algorithm"]
    search_fields = ["version", "question__external_id"]
    list_select_related = ["question"]
    exclude = ["model_bytes", "calibration"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).defer("model_bytes", "calibration")
        if request.user.is_superuser:
            return qs
        return qs.filter(question__in=_bank_questions(request))

    def get_readonly_fields(self, request, obj=None):
        hidden = {"model_bytes", "calibration"}
        return [
            *(f.name for f in ScoringModel._meta.fields if f.name not in hidden),
            "workload",
        ]

    @admin.display(description=_("answers to people"))
    def workload(self, obj):
        return share_text(obj.expected_review_share, obj.expected_residual_error)


def share_text(share, error) -> str:
    """ "24 % of answers to people; 3.1 % left wrongly scored" (held-out estimate)."""
    if share is None:
        return str(_("unknown: the model has no held-out answers"))
    return str(
        _("%(share)s %% of answers to people; %(error)s %% left wrongly scored")
        % {"share": f"{100 * share:.1f}", "error": f"{100 * (error or 0):.1f}"}
    )


def sitting_workload_table(sitting):
    """Before an essay sitting: per question, its threshold, the expected share and number
    of its answers people mark (``scoring.workload.sitting_workload``)."""
    rows = workload.sitting_workload(sitting=sitting)
    if not rows:
        return _("No essay question of this test is active.")
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                row.question.external_id,
                "—" if row.threshold is None else f"{row.threshold:.3f}",
                "—" if row.share is None else f"{100 * row.share:.0f} %",
                "—" if row.to_review is None else f"{row.to_review} / {row.answers:.0f}",
            )
            for row in rows
        ),
    )
    return format_html(
        '<table class="human-workload"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
        "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
        _("question"),
        _("threshold in use"),
        _("share to people"),
        _("answers to people / expected answers"),
        body,
    )


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "question",
        "routing",
        "routing_target",
        "confidence_threshold",
        "threshold_in_use",
        "workload",
        "review_margin",
    ]
    list_select_related = ["question"]
    fields = [
        "question",
        "routing",
        "routing_target",
        "confidence_threshold",
        "review_margin",
        "threshold_in_use",
        "workload",
    ]
    readonly_fields = ["threshold_in_use", "workload"]

    def get_changeform_initial_data(self, request):
        # A new policy routes by the question's own threshold: 20 % of its answers to people.
        return {
            "routing": ScoringPolicy.Routing.REVIEW_SHARE,
            **super().get_changeform_initial_data(request),
        }

    def get_queryset(self, request):
        # The active model's routing figures in the same query (the list has no N+1).
        active = ScoringModel.objects.filter(question=OuterRef("question"), is_active=True)
        qs = (
            super()
            .get_queryset(request)
            .annotate(
                has_model=Exists(active),
                model_threshold=Subquery(active.values("review_threshold")[:1]),
                model_share=Subquery(active.values("expected_review_share")[:1]),
                model_error=Subquery(active.values("expected_residual_error")[:1]),
            )
        )
        if request.user.is_superuser:
            return qs
        return qs.filter(question__in=_bank_questions(request))

    @admin.display(description=_("threshold in use"))
    def threshold_in_use(self, obj):
        if getattr(obj, "model_threshold", None) is None:
            return obj.confidence_threshold if obj.pk else "—"
        return f"{obj.model_threshold:.3f}"

    @admin.display(description=_("answers to people"))
    def workload(self, obj):
        if not obj.pk:
            return "—"
        if not getattr(obj, "has_model", False):
            return _("every answer: the question has no trained scorer")
        return share_text(obj.model_share, obj.model_error)

    def save_model(self, request, obj, form, change):
        workload.scoring_policy_save(actor=request.user, policy=obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "question":
            kwargs["queryset"] = _bank_questions(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_onetoonefield(self, db_field, request, **kwargs):
        return self.formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EssayReview)
class EssayReviewAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    """Essays by anonymous code: how each is routed and what the AI thought of it."""

    state_body_lookup = "attempt__sitting__stage__competition__state_body"
    list_display = ["code", "competition", "route", "ai_score", "ai_confidence", "why"]
    list_filter = ["route", "self_identification"]
    search_fields = ["attempt__application__code"]
    list_select_related = ["attempt__application", "attempt__sitting__stage__competition"]
    fields = [
        "code",
        "competition",
        "route",
        "why",
        "ai_score",
        "ai_confidence",
        "gap_margin",
        "models",
        "self_identification",
        "prepared_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("code"), ordering="attempt__application__code")
    def code(self, obj):
        return obj.attempt.application.code if obj.attempt.application_id else "—"

    @admin.display(description=_("competition"))
    def competition(self, obj):
        return obj.attempt.sitting.stage.competition.number

    @admin.display(description=_("why"))
    def why(self, obj):
        return "; ".join(str(EssayReview.Reason(r).label) for r in obj.reasons) or "—"

    @admin.display(description=_("model versions"))
    def models(self, obj):
        return (
            ", ".join(
                sorted(
                    set(
                        AiScore.objects.filter(item__attempt=obj.attempt).values_list(
                            "model__version", flat=True
                        )
                    )
                )
            )
            or "—"
        )
