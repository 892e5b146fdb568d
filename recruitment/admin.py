"""The HR officer's workbench. Applications appear only by anonymous code; nothing here
can reach a candidate's profile, account or documents until an audited reveal.

Candidate-side models (profiles, education, experience, documents, the identity escrow)
are deliberately not registered in the admin at all.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eqyzmet.admin import (
    ObjectPagesAdmin,
    ReadOnlyAdmin,
    StateBodyScopedAdmin,
    admin_service_form,
)
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.jobs import job_progress, latest_job_field, latest_jobs
from eqyzmet.models import Job
from eqyzmet.places import place_name
from recruitment import procedure, services
from recruitment.eligibility import reason_text
from recruitment.models import (
    Appeal,
    Application,
    CommissionMark,
    CommissionMember,
    Competition,
    EducationLevel,
    Field,
    IdentityReveal,
    ReserveEntry,
    Sector,
    Stage,
    Vacancy,
)
from recruitment.selectors import revealed_identity
from testing_center.public import essay_for_marking


def duration(months: int) -> str:
    """A length of work as staff see it: years and months, never the dates."""
    years, months = divmod(int(months), 12)
    parts = []
    if years:
        parts.append(ngettext("%(count)d year", "%(count)d years", years) % {"count": years})
    if months or not years:
        parts.append(ngettext("%(count)d month", "%(count)d months", months) % {"count": months})
    return " ".join(parts)


def _run(modeladmin, request, queryset, service, done_message):
    for obj in queryset:
        try:
            service(competition=obj, actor=request.user)
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{obj}: {done_message}", messages.SUCCESS)


def _confirm_then_run(modeladmin, request, queryset, *, action, rows, run):
    """Every irreversible step first shows what it will do, in numbers; only the page's own
    Confirm button (carrying a one-time token) runs it. A double click on the action's "Go"
    shows the page twice; a double click on Confirm runs the step once and the second post
    finds its token spent."""
    key = f"recruitment:confirm:{action}"
    if request.POST.get("confirmed") == "yes":
        token = request.POST.get("confirm_token", "")
        expected = request.session.pop(key, None)
        if not token or not expected or not secrets.compare_digest(token, expected):
            modeladmin.message_user(
                request,
                _(
                    "This confirmation was already used or has expired, so nothing was done. "
                    "Check the current state and try again."
                ),
                messages.WARNING,
            )
            return None
        run(queryset)
        return None
    token = secrets.token_urlsafe(24)
    request.session[key] = token
    rows = [rows(obj) for obj in queryset]
    return TemplateResponse(
        request,
        "admin/recruitment/confirm_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Confirm: %(action)s") % {"action": _action_label(modeladmin, action)},
            "action": action,
            "rows": rows,
            "runnable": any(not row["blockers"] for row in rows),
            "selected": [obj.pk for obj in queryset],
            "token": token,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _action_label(modeladmin, action: str) -> str:
    func = getattr(modeladmin, action)
    return str(getattr(func, "short_description", action))


def _competition_step(modeladmin, request, queryset, action, service, done_message):
    def rows(competition):
        return {
            "object": competition,
            "blockers": [b.message for b in procedure.blockers_for(competition, action)],
            "preview": procedure.preview(competition, action),
        }

    return _confirm_then_run(
        modeladmin,
        request,
        queryset,
        action=action,
        rows=rows,
        run=lambda qs: _run(modeladmin, request, qs, service, done_message),
    )


class VacancyAdminForm(forms.ModelForm):
    # The documents as ticks from the fixed list, not JSON typed by hand.
    required_documents = forms.MultipleChoiceField(
        label=_("Documents to present"),
        choices=Vacancy.RequiredDocument.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Vacancy._meta.get_field("required_documents").help_text,
    )

    class Meta:
        model = Vacancy
        fields = [
            field.name
            for field in Vacancy._meta.get_fields()
            if getattr(field, "editable", False) and not field.auto_created
        ]


@admin.register(Vacancy)
class VacancyAdmin(StateBodyScopedAdmin):
    form = VacancyAdminForm
    list_display = [
        "title",
        "grade",
        "state_body",
        "region_name",
        "posts",
        "employment",
        "created_at",
    ]
    list_filter = ["category", "employment", "region", "is_managerial"]
    search_fields = ["title_kk", "title_ru", "title_en"]
    list_select_related = ["state_body"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "state_body",
                    ("title_kk", "title_ru", "title_en"),
                    ("category", "grade", "is_managerial"),
                    ("region", "employment", "posts"),
                    ("salary_min", "salary_max"),
                    "duties_kk",
                    "duties_ru",
                    "duties_en",
                ]
            },
        ),
        (
            _("Qualification requirements"),
            {
                "fields": [
                    "min_education_level",
                    "education_fields",
                    "min_experience_years",
                    "experience_fields",
                    "private_sector_counts",
                    "required_languages",
                ]
            },
        ),
        (
            _("Contact and documents"),
            {
                "fields": [
                    ("contact_name", "contact_email", "contact_phone"),
                    "required_documents",
                ]
            },
        ),
    ]

    @admin.display(description=_("region"), ordering="region")
    def region_name(self, obj: Vacancy) -> str:
        return place_name(obj.region)


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = [
        "position",
        "kind",
        "opens_at",
        "closes_at",
        "max_score",
        "pass_score",
        "shortlist_size",
        "weight",
    ]

    def get_queryset(self, request):
        # Each row is printed with its competition's number: one query, not one per row.
        return super().get_queryset(request).select_related("competition")


class CommissionInline(admin.TabularInline):
    model = CommissionMember
    extra = 0
    fields = ["user", "role", "declared_at", "has_conflict"]
    readonly_fields = ["declared_at", "has_conflict"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        # Each seat is printed with its competition's number and its member: one query.
        return super().get_queryset(request).select_related("competition", "user")


@admin.register(Competition)
class CompetitionAdmin(StateBodyScopedAdmin):
    list_display = [
        "number",
        "state_body",
        "kind",
        "status_shown",
        "applications_open_at",
        "applications_close_at",
        "applications_link",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["number"]
    list_select_related = ["state_body"]
    readonly_fields = ["status", "status_changed_at", "ranking_lock"]
    filter_horizontal = ["vacancies"]
    inlines = [StageInline, CommissionInline]
    actions = [
        "publish",
        "close_applications",
        "advance",
        "lock_ranking",
        "publish_results",
        "close",
    ]

    def has_change_permission(self, request, obj=None):
        # The plan is frozen once published: changes then go through the stage machine.
        if obj is not None and obj.status != Competition.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The latest ranking-lock job of each row, in the same query.
        return (
            super()
            .get_queryset(request)
            .annotate(lock_job_state=latest_job_field(kind=services.LOCK_RANKING_JOB))
        )

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, obj):
        state = getattr(obj, "lock_job_state", None)
        if state in (Job.State.QUEUED, Job.State.RUNNING):
            return format_html(
                "{} — <strong>{}</strong>", obj.get_status_display(), _("locking the ranking…")
            )
        if state == Job.State.FAILED and obj.status != Competition.Status.RANKING_LOCKED:
            return format_html(
                "{} — <strong>{}</strong>",
                obj.get_status_display(),
                _("the ranking lock failed: open the competition to read why"),
            )
        return obj.get_status_display()

    @admin.display(description=_("locking the ranking"))
    def ranking_lock(self, obj):
        job = latest_jobs(kind=services.LOCK_RANKING_JOB, refs=[obj.pk]).get(obj.pk)
        if job is None:
            return "—"
        finished = ""
        if job.finished_at:
            finished = date_format(timezone.localtime(job.finished_at), "DATETIME_FORMAT")
        return format_html(
            "{}, {}%{}{}",
            job.get_state_display(),
            job_progress(job),
            format_html(" — {}", job.message) if job.message else "",
            format_html(" ({})", finished) if finished else "",
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "vacancies" and not request.user.is_superuser:
            kwargs["queryset"] = Vacancy.objects.filter(state_body__in=self.scoped_bodies(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)

        audit_record(
            action="competition.edited" if change else "competition.created",
            actor=request.user,
            target=obj,
            state_body=obj.state_body,
            details={"fields": sorted(form.changed_data)},
        )

    @admin.display(description=_("Applications"))
    def applications_link(self, obj):
        url = reverse("admin:recruitment_application_changelist")
        return format_html(
            '<a href="{}?competition__id__exact={}">{}</a>', url, obj.pk, _("by code")
        )

    @admin.action(description=_("Publish the announcement"))
    def publish(self, request, queryset):
        return _competition_step(
            self, request, queryset, "publish", services.competition_publish, _("published.")
        )

    @admin.action(description=_("Close applications"))
    def close_applications(self, request, queryset):
        return _competition_step(
            self,
            request,
            queryset,
            "close_applications",
            services.competition_close_applications,
            _("applications closed."),
        )

    @admin.action(description=_("Finish the current stage and open the next"))
    def advance(self, request, queryset):
        return _competition_step(
            self,
            request,
            queryset,
            "advance",
            services.competition_advance,
            _("moved to the next stage."),
        )

    @admin.action(description=_("Lock the ranking"))
    def lock_ranking(self, request, queryset):
        return _competition_step(
            self,
            request,
            queryset,
            "lock_ranking",
            services.competition_lock_ranking_queue,
            _("the ranking is being locked in the background; this list shows when it is done."),
        )

    @admin.action(description=_("Publish the results"))
    def publish_results(self, request, queryset):
        return _competition_step(
            self,
            request,
            queryset,
            "publish_results",
            services.competition_publish_results,
            _("results published."),
        )

    @admin.action(description=_("Close the competition"))
    def close(self, request, queryset):
        return _competition_step(
            self, request, queryset, "close", services.competition_close, _("closed.")
        )


class RevealForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=IdentityReveal.Purpose.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, min_length=15)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, min_length=15)


@admin.register(Application)
class ApplicationAdmin(ObjectPagesAdmin, ReadOnlyAdmin, StateBodyScopedAdmin):
    object_pages = {"reveal": "reveal_view", "disqualify": "disqualify_view"}
    state_body_lookup = "competition__state_body"
    list_display = [
        "code",
        "competition",
        "vacancy_title",
        "status",
        "stage_scores",
        "final_score",
        "rank",
    ]
    list_filter = ["status", "competition"]
    search_fields = ["code"]
    list_select_related = ["competition", "vacancy", "current_stage"]
    # Newest competition first, then by rank: read off one index (Application.Meta), so a
    # page of a 10,000-code competition reads 100 rows instead of sorting 10,000.
    ordering = ["-competition_id", "rank", "code"]
    fields = [
        "code",
        "competition",
        "vacancy",
        "status",
        "current_stage",
        "qualifications_summary",
        "eligibility_summary",
        "stage_scores",
        "final_score",
        "rank",
        "identity",
    ]
    readonly_fields = fields
    actions = ["appoint"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("results__stage", "reveals")

    @admin.display(description=_("Vacancy"))
    def vacancy_title(self, obj):
        return obj.vacancy.title

    @admin.display(description=_("Stage scores"))
    def stage_scores(self, obj):
        results = sorted(obj.results.all(), key=lambda r: r.stage.position)
        return (
            format_html_join(
                ", ",
                "{}: {} {}",
                ((r.stage.get_kind_display(), r.score, "✓" if r.passed else "✗") for r in results),
            )
            or "—"
        )

    @admin.display(description=_("Declared qualifications"))
    def qualifications_summary(self, obj):
        q = obj.qualifications or {}
        education = format_html_join(
            "",
            "<li>{} · {}</li>",
            (
                (EducationLevel(e["level"]).label, Field(e["field"]).label)
                for e in q.get("education", [])
            ),
        )
        experience = format_html_join(
            "",
            "<li>{} · {} · {}</li>",
            (
                (Sector(x["sector"]).label, Field(x["field"]).label, duration(x.get("months", 0)))
                for x in q.get("experience", [])
            ),
        )
        return format_html("<ul>{}</ul><ul>{}</ul>", education, experience)

    @admin.display(description=_("Eligibility"))
    def eligibility_summary(self, obj):
        return format_html_join(
            "",
            "<li>{} {}</li>",
            (("✓" if r["met"] else "✗", reason_text(r)) for r in obj.eligibility_reasons),
        )

    @admin.display(description=_("Identity"))
    def identity(self, obj):
        reveal_url = reverse("admin:recruitment_application_reveal", args=[obj.pk])
        identity = revealed_identity(application=obj)
        if identity is None:
            return format_html(
                '{} <a class="button" href="{}">{}</a>',
                _("Anonymous until revealed."),
                reveal_url,
                _("Reveal…"),
            )
        disqualify_url = reverse("admin:recruitment_application_disqualify", args=[obj.pk])
        return format_html(
            '<strong>{}</strong>, {} {}, {} {}<br>{}<br><a class="button" href="{}">{}</a>',
            identity.full_name,
            _("IIN"),
            identity.iin,
            _("phone"),
            identity.phone,
            format_html_join(
                ", ", "{} ({})", ((d.kind, d.content_type) for d in identity.documents)
            ),
            disqualify_url,
            _("Disqualify after the document check…"),
        )

    def _application(self, request, pk) -> Application:
        application = self.get_queryset(request).filter(pk=pk).first()
        if application is None:
            raise Http404
        return application

    def reveal_view(self, request, pk):
        application = self._application(request, pk)
        return admin_service_form(
            self,
            request,
            form_class=RevealForm,
            run=lambda data: services.application_reveal(
                application=application,
                actor=request.user,
                purpose=data["purpose"],
                reason=data["reason"],
            ),
            success_message=_("Identity revealed; the reveal is on the record."),
            success_url=reverse("admin:recruitment_application_change", args=[pk]),
            template="admin/recruitment/application/reason_form.html",
            context={
                "title": _("Reveal the identity behind %(code)s") % {"code": application.code},
                "application": application,
                "warning": _(
                    "A reveal is permanent and audited; the ethics commissioner and observers "
                    "see it. Reveal only the positions you need."
                ),
            },
        )

    def disqualify_view(self, request, pk):
        application = self._application(request, pk)
        return admin_service_form(
            self,
            request,
            form_class=ReasonForm,
            run=lambda data: services.application_disqualify(
                application=application, actor=request.user, reason=data["reason"]
            ),
            success_message=_("The code is disqualified; the next ranked moves up."),
            success_url=reverse("admin:recruitment_application_change", args=[pk]),
            template="admin/recruitment/application/reason_form.html",
            context={
                "title": _("Disqualify %(code)s") % {"code": application.code},
                "application": application,
                "warning": _("Disqualify only for a false declaration found in the documents."),
            },
        )

    @admin.action(description=_("Appoint the winner"))
    def appoint(self, request, queryset):
        def rows(application):
            return {
                "object": application,
                "blockers": [b.message for b in procedure.appoint_blockers(application)],
                "preview": [
                    _(
                        "%(code)s is appointed to the post; the appointment is final and on "
                        "the record."
                    )
                    % {"code": application.code}
                ],
            }

        def run(selected):
            for application in selected:
                try:
                    services.application_appoint(application=application, actor=request.user)
                except ApplicationError as exc:
                    self.message_user(request, f"{application}: {exc.message}", messages.ERROR)
                else:
                    self.message_user(
                        request, f"{application}: {_('appointed.')}", messages.SUCCESS
                    )

        return _confirm_then_run(
            self,
            request,
            queryset.select_related("competition"),
            action="appoint",
            rows=rows,
            run=run,
        )


class AppealDecisionForm(forms.Form):
    upheld = forms.BooleanField(label=_("Uphold the appeal"), required=False)
    corrected_score = forms.DecimalField(
        label=_("Corrected score"), required=False, max_digits=8, decimal_places=3
    )
    answer = forms.CharField(label=_("Answer to the candidate"), widget=forms.Textarea)
    reason = forms.CharField(
        label=_("Reason for changing the winner (only if asked)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A corrected score that moves the winner's place after the winner was revealed "
            "or appointed is refused until you give the reason; it goes on the record."
        ),
    )


@admin.register(Appeal)
class AppealAdmin(ObjectPagesAdmin, StateBodyScopedAdmin):
    object_pages = {"decide": "decide_view"}
    state_body_lookup = "application__competition__state_body"
    # No submission time: a per-code timestamp can name a colleague (DESIGN.md §3).
    list_display = ["application", "stage", "status", "decided_at"]
    list_filter = ["status"]
    search_fields = ["application__code"]
    list_select_related = ["application", "stage"]
    fields = ["application", "stage", "text_redacted", "status", "answer", "corrected_score"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def decide_view(self, request, pk):
        appeal = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, appeal):
            raise Http404
        return admin_service_form(
            self,
            request,
            form_class=AppealDecisionForm,
            run=lambda data: services.appeal_decide(
                appeal=appeal,
                actor=request.user,
                upheld=data["upheld"],
                answer=data["answer"],
                corrected_score=data["corrected_score"],
                reason=data["reason"],
            ),
            success_message=_("The appeal is decided."),
            success_url=reverse("admin:recruitment_appeal_change", args=[pk]),
            template="admin/recruitment/application/reason_form.html",
            context={
                "title": _("Decide the appeal of %(code)s") % {"code": appeal.application.code},
                "application": appeal.application,
                "appeal_text": appeal.text_redacted,
                **self._essay_context(appeal),
            },
        )

    def _essay_context(self, appeal) -> dict:
        """For an essay appeal: what the commission read, its marks, and the AI's second
        opinion with the exact model version that gave it."""
        if appeal.stage.kind != Stage.Kind.ESSAY:
            return {}

        return {
            "essay": essay_for_marking(
                stage_id=appeal.stage_id, application_id=appeal.application_id
            ),
            "marks": list(
                CommissionMark.objects.filter(
                    application_id=appeal.application_id, stage_id=appeal.stage_id
                )
                .select_related("member")
                .order_by("marked_at")
            ),
        }


@admin.register(IdentityReveal)
class IdentityRevealAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    state_body_lookup = "application__competition__state_body"
    list_display = ["application", "purpose", "revealed_by", "revealed_at"]
    list_filter = ["purpose"]
    list_select_related = ["application", "revealed_by"]
    readonly_fields = ["application", "purpose", "reason", "revealed_by", "revealed_at"]


class ReserveActiveFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "valid"

    def lookups(self, request, model_admin):
        return [("yes", _("Valid")), ("no", _("Expired or withdrawn"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(services.reserve_active())
        if self.value() == "no":
            return queryset.exclude(services.reserve_active())
        return queryset


@admin.register(ReserveEntry)
class ReserveEntryAdmin(ReadOnlyAdmin, StateBodyScopedAdmin):
    state_body_lookup = "application__competition__state_body"
    list_display = ["application", "valid_until", "created_at"]
    list_filter = [ReserveActiveFilter]
    list_select_related = ["application"]
    readonly_fields = ["application", "valid_until", "created_at", "withdrawn_at"]


# Reasonable adjustments have their own module (the reason is health data).
from recruitment import admin_adjustments  # noqa: E402

admin_adjustments.register(admin.site)

# Contract employees (projects, contracts, pay rules) have their own package.
from recruitment.contracts import admin as contracts_admin  # noqa: E402

contracts_admin.register(admin.site)
