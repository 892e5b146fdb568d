"""The REST API's shared pieces: the one error shape (tokens are in ``eqyzmet.api_auth``).

Every error the API returns has the shape ``{"code": ..., "message": ..., "fields": {...}}``
with a translated message (the request's language: ``Accept-Language`` or the URL).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from eqyzmet.errors import ApplicationError
from eqyzmet.selectors import user_has_role


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response (documented in the schema)."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class HasRole(permissions.BasePermission):
    """The view's ``required_role``, held somewhere (the view narrows to where)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and user_has_role(
            user=request.user, role=view.required_role
        )


class StateBodyOutput(serializers.Serializer):
    """A state body as every app's API shows it."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


# Documented on every operation: the errors any endpoint may answer with.
ERROR_RESPONSES = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    429: ErrorSerializer,
}


def _error(code: str, message, fields: dict | None = None, *, http_status: int) -> Response:
    return Response(
        {"code": code, "message": str(message), "fields": fields or {}}, status=http_status
    )


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return _error(exc.code, exc.message, http_status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
        response.data = {
            "code": "invalid",
            "message": str(_("The request has invalid fields.")),
            "fields": fields,
        }
        return response
    code = getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", "")
    response.data = {"code": str(code), "message": str(detail), "fields": {}}
    return response


# Text the guard accepts: no NUL, no lone surrogate (an ECMA and Python regex alike).
TEXT_PATTERN = r"^[^\x00\ud800-\udfff]*$"


def schema_integer_bounds(result, generator, request, public):
    """drf-spectacular hook: the schema states what the request guard
    (``eqyzmet.middleware.HostileInputMiddleware``) enforces for addresses, queries, form
    fields and JSON bodies: every integer is 64-bit, and no text holds a NUL character or a
    lone surrogate."""

    def bound(node):
        if isinstance(node, dict):
            if node.get("type") == "integer":
                node.setdefault("maximum", 2**63 - 1)
                node.setdefault("minimum", -(2**63))
            if node.get("type") == "string" and not ({"format", "enum", "pattern"} & set(node)):
                node["pattern"] = TEXT_PATTERN
            for value in node.values():
                bound(value)
        elif isinstance(node, list):
            for value in node:
                bound(value)

    bound(result)
    return result


from eqyzmet.api_auth import token_body_scope  # noqa: E402  (re-exported for apps)

__all__ = [
    "ERROR_RESPONSES",
    "ErrorSerializer",
    "HasRole",
    "StateBodyOutput",
    "api_exception_handler",
    "schema_integer_bounds",
    "token_body_scope",
]


def api_not_found(request, *args, **kwargs):
    """Any other path under /api/ answers in the API's error shape, not with an HTML page."""
    from django.http import JsonResponse
    from django.utils.translation import gettext

    return JsonResponse(
        {"code": "not_found", "message": gettext("Not found."), "fields": {}}, status=404
    )
