"""The kernel in the admin: people and roles for platform administrators, the ledger
read-only for those allowed to see it."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import AuditEvent, StaffAssignment, StateBody, User
from eqyzmet.places import place_name


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """People's accounts are for platform administrators only: an HR officer must never be
    able to browse the user table and join an e-mail to an application."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class ReadOnlyAdmin:
    """A record that changes only through services (so every step is audited): the admin
    lists and shows it, and offers no add, change or delete. Put it first in the bases."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ObjectPagesAdmin:
    """Form pages about one object beside its change page (reveal, decide, review…).

    ``object_pages`` maps a URL suffix to the name of the view method; each page is served at
    ``<pk>/<suffix>/`` as ``admin:<app>_<model>_<suffix>``, and the change page gets its
    address as ``<suffix>_url`` for the object tools. Put it first in the bases.
    """

    object_pages: dict[str, str] = {}

    def _page_name(self, suffix: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{suffix}"

    def get_urls(self):
        from django.urls import path

        pages = [
            path(
                f"<int:pk>/{suffix}/",
                self.admin_site.admin_view(getattr(self, view)),
                name=self._page_name(suffix),
            )
            for suffix, view in self.object_pages.items()
        ]
        return [*pages, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from django.urls import reverse

        urls = {
            f"{suffix}_url": reverse(f"admin:{self._page_name(suffix)}", args=[object_id])
            for suffix in self.object_pages
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **urls})


@admin.register(User)
class UserAdmin(ObjectPagesAdmin, SuperuserOnlyAdmin, DjangoUserAdmin):
    object_pages = {"second-factor-reset": "second_factor_reset_view"}
    change_form_template = "twofactor/admin_user_change_form.html"
    ordering = ["email"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    fieldsets = [
        (None, {"fields": ["email", "password", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def second_factor_reset_view(self, request, pk):
        """A platform administrator removes a person's authenticator (a lost phone)."""
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.urls import reverse

        from eqyzmet.twofactor.forms import SecondFactorResetForm
        from eqyzmet.twofactor.services import second_factor_reset

        if not request.user.is_superuser:
            raise PermissionDenied
        person = User.objects.filter(pk=pk).first()
        if person is None:
            raise Http404
        return admin_service_form(
            self,
            request,
            form_class=SecondFactorResetForm,
            run=lambda data: second_factor_reset(
                user=person, actor=request.user, reason=data["reason"]
            ),
            success_message=_("The second factor is reset; the person sets up a new one."),
            success_url=reverse("admin:eqyzmet_user_change", args=[pk]),
            template="twofactor/admin_reset.html",
            context={
                "title": _("Reset the second factor of %(email)s") % {"email": person.email},
                "person": person,
            },
        )


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(SuperuserOnlyAdmin):
    list_display = ["user", "role", "state_body", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "state_body"]
    autocomplete_fields = ["user", "state_body"]


@admin.register(StateBody)
class StateBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region_name", "parent"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]

    @admin.display(description=_("region"), ordering="region")
    def region_name(self, obj: StateBody) -> str:
        return place_name(obj.region)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["seq", "created_at", "action", "target_type", "target_id", "actor_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]


class RowCheckboxMixin:
    """The changelist's checkbox of each row, written as Django's widget template writes it
    (``ModelAdmin.action_checkbox``) but without rendering a template per row: 0.7 ms a
    row, 78 ms of a 100-row page of applications at national scale
    (``benchmarks/pages_bench.py``). ``tests/test_admin_rows.py`` compares the two."""

    def action_checkbox(self, obj):
        label = format_html(gettext_now("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class StateBodyScopedAdmin(RowCheckboxMixin, admin.ModelAdmin):
    """An HR officer's admin sees and edits only rows of the state bodies they serve (and
    the bodies beneath them). ``state_body_lookup`` is the path from the model to its body.
    """

    state_body_lookup = "state_body"
    scope_role = "hr_officer"

    def scoped_bodies(self, request):
        from eqyzmet.selectors import state_bodies_in_scope

        return state_bodies_in_scope(user=request.user, role=self.scope_role)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.state_body_lookup}__in": self.scoped_bodies(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "state_body" and not request.user.is_superuser:
            kwargs["queryset"] = self.scoped_bodies(request)
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._scope_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _scope_choices(self, db_field, request, kwargs) -> None:
        """A choice of a body-scoped model offers only the rows its own admin shows."""
        related = self.admin_site._registry.get(db_field.remote_field.model)
        if request.user.is_superuser or not isinstance(related, StateBodyScopedAdmin):
            return
        visible = related.get_queryset(request).values("pk")
        queryset = kwargs.get("queryset", db_field.remote_field.model._default_manager.all())
        kwargs["queryset"] = queryset.filter(pk__in=visible)

    def get_list_filter(self, request):
        # Django's filter on a relation lists every row of the related table (another
        # body's drafts included); the related-only filter lists those of visible rows.
        from django.contrib.admin.utils import get_fields_from_path

        return [
            (item, admin.RelatedOnlyFieldListFilter)
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation
            else item
            for item in super().get_list_filter(request)
        ]


def admin_service_form(
    modeladmin,
    request,
    *,
    form_class,
    run,
    success_message,
    success_url: str,
    template: str,
    context: dict,
):
    """An admin page that asks for a form and hands it to a service.

    ``run(cleaned_data)`` calls the service; an ``ApplicationError`` it raises is shown on
    the form and nothing changes. On success the officer returns to ``success_url``.
    """
    from django.http import HttpResponseRedirect
    from django.template.response import TemplateResponse

    from eqyzmet.errors import ApplicationError

    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            modeladmin.message_user(request, success_message)
            return HttpResponseRedirect(success_url)
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "form": form,
            "opts": modeladmin.model._meta,
            **context,
        },
    )
