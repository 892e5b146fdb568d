"""The evaluation REST API (``/api/v1/hr/``): results for the payroll export, under the
export page's rule (``evaluation.selectors.payroll_bodies``); a token reaches no further
than its own state body."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView

from eqyzmet.api import ERROR_RESPONSES as ERRORS
from eqyzmet.api import token_body_scope
from evaluation import selectors
from evaluation.models import Cycle


class MayExportPayroll(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user) and selectors.may_export_payroll(request.user)


class PayrollFilterInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False)
    kind = serializers.ChoiceField(choices=Cycle.Kind.choices, required=False)


class PayrollResultOutput(serializers.Serializer):
    """One row of the payroll export. Until a result is issued (``status`` "open" or
    "supervisor_done") the score, band and tier are empty and the bonus is 0."""

    employee_id = serializers.IntegerField()
    email = serializers.EmailField(source="employee.user.email")
    position = serializers.CharField(source="employee.position")
    unit = serializers.CharField(source="employee.state_body.code")
    state_body = serializers.CharField(source="cycle.state_body.code")
    period = serializers.CharField(source="cycle.label")
    kind = serializers.CharField(source="cycle.kind")
    year = serializers.IntegerField(source="cycle.year")
    quarter = serializers.IntegerField(source="cycle.quarter", allow_null=True)
    status = serializers.CharField()
    composite = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    band = serializers.CharField()
    bonus_tier = serializers.IntegerField(allow_null=True)
    bonus_percent = serializers.IntegerField()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.has_result:
            data.update(composite=None, band="", bonus_tier=None, bonus_percent=0)
        return data


@extend_schema(
    tags=["hr"],
    parameters=[
        OpenApiParameter(
            "year",
            {"type": "integer", "minimum": 2000, "maximum": 2100},
            description="Only cycles of this year",
        ),
        OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="Only this quarter"),
        OpenApiParameter(
            "kind", str, enum=list(Cycle.Kind.values), description="Quarterly or annual cycles"
        ),
    ],
    responses={200: PayrollResultOutput(many=True), **ERRORS},
)
class PayrollResultListApi(ListAPIView):
    """HR: evaluation results for payroll, as the export page writes them (employee, unit,
    period, status, composite score, band, bonus tier and percent), for the cycles of the
    bodies the officer serves; oldest period first, 50 a page."""

    permission_classes = [MayExportPayroll]
    serializer_class = PayrollResultOutput

    def get_queryset(self):
        filters = PayrollFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        bodies = token_body_scope(self.request, selectors.payroll_bodies(self.request.user))
        return selectors.payroll_results(bodies=bodies, **filters.validated_data)
