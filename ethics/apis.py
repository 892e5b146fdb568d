"""The ethics REST API (``/api/v1/ethics/``): anonymous report intake and follow-up by
receipt code, with the same services, validation and limits as the public pages.

The receipt code travels only in the ``X-Receipt-Code`` header, never in a URL, and the
answers are never cached. Nothing here identifies the caller: the views authenticate no
one, and they use only ``ethics.throttling`` (hourly keyed hashes of the address, held in
the cache) instead of DRF's throttles, which would keep the plain address in a cache key.
A reporter sees exactly what the follow-up page shows: never internal notes, assignment,
evidence, deadlines for staff or who answered.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from eqyzmet.api import ERROR_RESPONSES as ERRORS
from eqyzmet.api import StateBodyOutput
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody
from eqyzmet.parsers import JSONParser
from ethics import receipts, selectors, services
from ethics.models import REPORT_CATEGORIES, EthicsCase
from ethics.throttling import throttle_consume, throttle_hit, throttle_release
from ethics.views import (
    TOO_MANY,
    TOO_MANY_REPORTS,
    WRONG_CODE,
    ReceiptAttemptsExhausted,
    case_for_receipt_attempt,
)

RECEIPT_HEADER = "X-Receipt-Code"
CROSS_SITE = _(
    "Reports are accepted from this portal or from an integrating server, not from another website."
)

RECEIPT_PARAMETER = OpenApiParameter(
    RECEIPT_HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=True,
    description="The 16-digit receipt code given when the report was filed (spaces allowed).",
)


class _AnonymousApi(APIView):
    """Anyone may call; nobody is identified; limits come from ``ethics.throttling``."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []

    def initial(self, request, *args, **kwargs):
        # Nobody signs in here, so no CSRF token protects these writes: a browser's
        # cross-site POST (another site filing reports in its visitors' names) is refused
        # by its Origin. Integrations call from servers, which send no Origin.
        super().initial(request, *args, **kwargs)
        origin = request.headers.get("Origin")
        if request.method not in permissions.SAFE_METHODS and origin is not None:
            allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
            if origin not in allowed:
                raise exceptions.PermissionDenied(CROSS_SITE)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        return response


def _consume_or_refuse(request, scope: str, message) -> None:
    if not throttle_consume(request, scope):
        raise exceptions.Throttled(detail=message)


def _case_from_receipt(request) -> EthicsCase:
    """The case the header's receipt code opens, counted and answered like the page."""
    code = request.headers.get(RECEIPT_HEADER)
    if code is None:
        required = serializers.Field.default_error_messages["required"]
        raise exceptions.ValidationError({RECEIPT_HEADER: [required]})
    try:
        found = case_for_receipt_attempt(request, code)
    except ReceiptAttemptsExhausted:
        raise exceptions.Throttled(detail=TOO_MANY) from None
    case = selectors.reporter_case(case_id=found.pk) if found is not None else None
    if case is None:
        if found is not None:  # opened a case that is not a report: still a wrong code
            throttle_hit(request, "receipt_failure")
        raise exceptions.NotFound(WRONG_CODE)
    return case


# --- Intake ------------------------------------------------------------------------------------


class EthicsReportInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=[(c.value, c.label) for c in REPORT_CATEGORIES])
    state_body = serializers.PrimaryKeyRelatedField(queryset=StateBody.objects.all())
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=services.MAX_DESCRIPTION_CHARS)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    reporter_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    reporter_contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class EthicsReceiptOutput(serializers.Serializer):
    reference = serializers.CharField()
    receipt_code = serializers.CharField()


@extend_schema(
    tags=["ethics"],
    request={
        "application/json": EthicsReportInput,
        "multipart/form-data": EthicsReportInput,
    },
    responses={201: EthicsReceiptOutput, **ERRORS},
)
class EthicsReportApi(_AnonymousApi):
    """File a report, signed in or not. Leave ``reporter_name`` and ``reporter_contact``
    empty to stay anonymous. Files (PDF, JPEG or PNG, checked by content) need
    ``multipart/form-data``. The receipt code is in this answer only: it is not stored and
    cannot be shown again. At most 5 reports an hour from one connection."""

    parser_classes = [JSONParser, MultiPartParser]

    def post(self, request):
        serializer = EthicsReportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Only accepted reports count, in one atomic step (see ethics.throttling).
        _consume_or_refuse(request, "report", TOO_MANY_REPORTS)
        try:
            submitted = services.report_submit(
                category=data["category"],
                state_body=data["state_body"],
                subject=data["subject"],
                description=data["description"],
                attachments=data["attachments"],
                reporter_name=data["reporter_name"],
                reporter_contact=data["reporter_contact"],
            )
        except ApplicationError:
            throttle_release(request, "report")
            raise
        output = EthicsReceiptOutput(
            {
                "reference": submitted.case.reference,
                "receipt_code": receipts.receipt_code_display(submitted.receipt_code),
            }
        )
        return Response(output.data, status=status.HTTP_201_CREATED)


# --- Follow-up --------------------------------------------------------------------------------


class EthicsAttachmentOutput(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class EthicsMessageOutput(serializers.Serializer):
    author = serializers.CharField(help_text="reporter or commissioner")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = EthicsAttachmentOutput(many=True, source="attachments.all")


class EthicsCaseOutput(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    category = serializers.CharField()
    state_body = StateBodyOutput()
    received_at = serializers.DateTimeField(source="created_at")
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    answer_expected_by = serializers.SerializerMethodField()
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(source="resolution")
    referred_to = serializers.CharField()
    subject = serializers.CharField()
    description = serializers.CharField()
    attachments = EthicsAttachmentOutput(many=True, source="report_attachments")
    messages = EthicsMessageOutput(many=True, source="thread")
    accepts_messages = serializers.BooleanField(source="is_open")

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_answer_expected_by(self, case):
        # The page shows the answer deadline of an open case only, as a date.
        return timezone.localdate(case.answer_due_at) if case.is_open else None


def _case_output(case: EthicsCase) -> dict:
    case.report_attachments = selectors.reporter_report_attachments(case=case)
    case.thread = selectors.reporter_thread(case=case)
    return EthicsCaseOutput(case).data


@extend_schema(
    tags=["ethics"],
    parameters=[RECEIPT_PARAMETER],
    responses={200: EthicsCaseOutput, **ERRORS},
)
class EthicsFollowApi(_AnonymousApi):
    """The reporter's view of their case: status, outcome, the report and the messages
    exchanged with the ethics commissioner. A wrong code answers 404; after 10 wrong codes
    in an hour from one connection every lookup answers 429 until the hour ends."""

    def get(self, request):
        return Response(_case_output(_case_from_receipt(request)))


class EthicsMessageInput(serializers.Serializer):
    body = serializers.CharField(max_length=services.MAX_MESSAGE_CHARS)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


@extend_schema(
    tags=["ethics"],
    parameters=[RECEIPT_PARAMETER],
    request={
        "application/json": EthicsMessageInput,
        "multipart/form-data": EthicsMessageInput,
    },
    responses={201: EthicsMessageOutput, **ERRORS},
)
class EthicsFollowMessageApi(_AnonymousApi):
    """The reporter writes to the ethics commissioner while the case is open (files need
    ``multipart/form-data``). At most 30 messages an hour from one connection."""

    parser_classes = [JSONParser, MultiPartParser]

    def post(self, request):
        case = _case_from_receipt(request)
        serializer = EthicsMessageInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        _consume_or_refuse(request, "message", TOO_MANY)
        try:
            message = services.reporter_message_add(
                case=case,
                body=serializer.validated_data["body"],
                attachments=serializer.validated_data["attachments"],
            )
        except ApplicationError:
            throttle_release(request, "message")
            raise
        return Response(EthicsMessageOutput(message).data, status=status.HTTP_201_CREATED)
