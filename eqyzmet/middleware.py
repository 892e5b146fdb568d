"""Middleware of every request: the response headers every page carries, and the guard
that refuses hostile input before any view sees it."""

from __future__ import annotations

from django.conf import settings

from eqyzmet.parsers import (
    INVALID_CHARACTERS,
    MALFORMED_FORM,
    NUMBER_TOO_LARGE,
    TOO_LARGE,
    HostileInput,
    check_json_bytes,
    has_bad_text,
    is_out_of_range_integer,
)

# Scripts only from our own origin: no inline script, no eval, no CDN. Inline style
# attributes stay allowed because Django's admin still uses a few.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "EQYZMET_CSP", CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class HostileInputMiddleware:
    """Refuse, before any view runs, requests no view should see: a NUL character or a lone
    surrogate in the path, the query string, a form field or a JSON body; JSON nested deeper
    than ``eqyzmet.parsers.MAX_JSON_DEPTH`` or holding NaN/Infinity; a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE``. The answer is a 400 in the API's error shape under
    /api/ and the translated 400 page elsewhere; nothing is read from or written to the
    database. PostgreSQL refuses NUL in text, so without this guard such input reached a
    query and became a 500.

    The checks are bounded scans (see ``eqyzmet.parsers``); a JSON body is scanned, not
    parsed, and the API's parser skips the scan for a request marked ``json_checked``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except HostileInput as exc:
            return self._refuse(request, exc)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, exc: HostileInput):
        from django.http import JsonResponse
        from django.shortcuts import render

        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": exc.code, "message": str(exc.message), "fields": {}}, status=400
            )
        return render(request, "400.html", {"message": exc.message}, status=400)


def check_request(request) -> None:
    """Raise ``HostileInput`` for what ``HostileInputMiddleware`` refuses (also used by the
    fast lane, ``eqyzmet.fastlane``)."""
    from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
    from django.http.multipartparser import MultiPartParserError

    if has_bad_text(request.path) or "%00" in request.META.get("QUERY_STRING", ""):
        raise HostileInput(INVALID_CHARACTERS, "invalid_characters")
    # An id or filter beyond 64 bits overflows the database driver (OverflowError).
    if any(is_out_of_range_integer(part) for part in request.path.split("/")):
        raise HostileInput(NUMBER_TOO_LARGE, "out_of_range")
    try:
        _check_fields(request.GET)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        content_type = request.content_type or ""
        if content_type == "application/json" or content_type.endswith("+json"):
            check_json_bytes(request.body)
            request.json_checked = True
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _check_fields(request.POST)
            for name, upload in request.FILES.items():
                if has_bad_text(name) or has_bad_text(upload.name or ""):
                    raise HostileInput(INVALID_CHARACTERS, "invalid_characters")
    except RequestDataTooBig:
        raise HostileInput(TOO_LARGE, "too_large") from None
    except (SuspiciousOperation, MultiPartParserError):
        raise HostileInput(MALFORMED_FORM, "malformed") from None


def _check_fields(data) -> None:
    for key, values in data.lists():
        if has_bad_text(key) or any(has_bad_text(v) for v in values):
            raise HostileInput(INVALID_CHARACTERS, "invalid_characters")
        # A choice of objects by an id beyond 64 bits overflows the database driver.
        if any(is_out_of_range_integer(v) for v in values):
            raise HostileInput(NUMBER_TOO_LARGE, "out_of_range")
