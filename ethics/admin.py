"""Ethics models in the admin, for platform administrators only.

HR officers sign in to the admin too; they must never see an ethics case, so every
permission check here asks for a superuser, whatever the groups say.
"""

from __future__ import annotations

from django.contrib import admin

from eqyzmet.admin import ReadOnlyAdmin
from ethics.models import CaseAttachment, CaseMessage, CaseNote, EthicsBodySettings, EthicsCase


class SuperuserOnly(admin.ModelAdmin):
    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)


class ReadOnlyForSuperusers(ReadOnlyAdmin, SuperuserOnly):
    """Case records change only through the services (so each step is audited)."""


@admin.register(EthicsBodySettings)
class EthicsBodySettingsAdmin(SuperuserOnly):
    list_display = ["state_body", "acknowledge_days", "answer_months", "reminder_days"]
    list_select_related = ["state_body"]
    autocomplete_fields = ["state_body"]


@admin.register(EthicsCase)
class EthicsCaseAdmin(ReadOnlyForSuperusers):
    list_display = ["reference", "created_at", "source", "category", "state_body", "status"]
    list_filter = ["status", "source", "category"]
    list_select_related = ["state_body"]
    date_hierarchy = "created_at"
    exclude = ["receipt_lookup", "receipt_hash", "reporter_name", "reporter_contact"]


@admin.register(CaseMessage)
class CaseMessageAdmin(ReadOnlyForSuperusers):
    list_display = ["case", "author", "created_at"]
    list_filter = ["author"]
    list_select_related = ["case"]


@admin.register(CaseNote)
class CaseNoteAdmin(ReadOnlyForSuperusers):
    list_display = ["case", "commissioner", "created_at"]
    list_select_related = ["case", "commissioner"]


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(ReadOnlyForSuperusers):
    list_display = ["case", "original_name", "content_type", "size", "created_at"]
    list_select_related = ["case"]
    exclude = ["file"]
