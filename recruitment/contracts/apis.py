"""The contract payroll API (``/api/v1/hr/contract-results/``): confirmed quarters of the
contracts of the bodies an HR officer serves, for the payroll system, beside evaluation's
``/api/v1/hr/evaluation-results/``; a token reaches no further than its own state body.
Contract employees are not anonymous (they are engaged by name on an official's
recommendation), so a row names the employee."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView

from eqyzmet.api import ERROR_RESPONSES as ERRORS
from eqyzmet.api import token_body_scope
from recruitment.contracts import selectors


class MayReadContractPayroll(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user) and selectors.may_read_contract_payroll(request.user)


class ContractPayrollFilterInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    quarter = serializers.IntegerField(min_value=1, max_value=4, required=False)


class ContractResultOutput(serializers.Serializer):
    """One confirmed quarter of one contract: what the payroll pays for it."""

    contract_id = serializers.IntegerField()
    employee_id = serializers.IntegerField(source="contract.employee_id")
    email = serializers.EmailField(source="contract.employee.email")
    project_id = serializers.IntegerField(source="contract.project_id")
    project = serializers.CharField(source="contract.project.name")
    state_body = serializers.CharField(source="contract.state_body.code")
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=6, decimal_places=4)
    results_pay = serializers.DecimalField(max_digits=12, decimal_places=2)
    base_pay = serializers.DecimalField(source="contract.base_pay", max_digits=12, decimal_places=2)
    rules_version = serializers.IntegerField()
    confirmed_at = serializers.DateTimeField()


@extend_schema(
    tags=["hr"],
    parameters=[
        OpenApiParameter(
            "year",
            {"type": "integer", "minimum": 2000, "maximum": 2100},
            description="Only quarters of this year",
        ),
        OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], description="Only this quarter"),
    ],
    responses={200: ContractResultOutput(many=True), **ERRORS},
)
class ContractResultListApi(ListAPIView):
    """HR: confirmed quarterly results of contract employees for payroll (contract, employee,
    project, period, results score, results component, base pay per month, pay rules version,
    when confirmed), for the contracts of the bodies the officer serves; quarters awaiting
    the responsible official's confirmation are left out. Oldest period first, 50 a page."""

    permission_classes = [MayReadContractPayroll]
    serializer_class = ContractResultOutput

    def get_queryset(self):
        filters = ContractPayrollFilterInput(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        bodies = token_body_scope(
            self.request, selectors.contract_payroll_bodies(self.request.user)
        )
        return selectors.contract_payroll_quarters(bodies=bodies, **filters.validated_data)
