"""Admin for competence development: position families with their expected levels and
mandatory training, level descriptors, the training catalogue and who belongs to which
family. Every save is audited (``setting_save``); plans are read-only here."""

from __future__ import annotations

from django.contrib import admin

from eqyzmet.admin import StateBodyScopedAdmin
from evaluation import services
from evaluation.models_development import (
    Course,
    DevelopmentPlan,
    ExpectedLevel,
    FamilyMembership,
    LevelDescriptor,
    MandatoryTraining,
    PositionFamily,
)


class _Audited(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        services.setting_save(obj=obj, actor=request.user, state_body=None)

    def has_delete_permission(self, request, obj=None):
        return False


class ExpectedLevelInline(admin.TabularInline):
    model = ExpectedLevel
    extra = 0


class MandatoryTrainingInline(admin.TabularInline):
    model = MandatoryTraining
    extra = 0


@admin.register(PositionFamily)
class PositionFamilyAdmin(_Audited):
    list_display = ["code", "name", "is_active"]
    inlines = [ExpectedLevelInline, MandatoryTrainingInline]


@admin.register(LevelDescriptor)
class LevelDescriptorAdmin(_Audited):
    list_display = ["competency", "level", "text"]
    list_filter = ["level"]
    list_select_related = ["competency"]


@admin.register(Course)
class CourseAdmin(_Audited):
    list_display = ["title", "provider", "hours", "format", "is_active"]
    list_filter = ["format", "is_active"]
    search_fields = ["title", "provider"]
    filter_horizontal = ["competencies"]


@admin.register(FamilyMembership)
class FamilyMembershipAdmin(StateBodyScopedAdmin):
    state_body_lookup = "employee__state_body"
    list_display = ["employee", "family"]
    list_select_related = ["employee__user", "family"]

    def save_model(self, request, obj, form, change):
        services.setting_save(obj=obj, actor=request.user, state_body=obj.employee.state_body)


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(StateBodyScopedAdmin):
    state_body_lookup = "employee__state_body"
    list_display = ["employee", "year", "family", "status"]
    list_filter = ["status", "year"]
    list_select_related = ["employee__user", "family"]
    readonly_fields = ["employee", "assessment", "year", "family", "status"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
