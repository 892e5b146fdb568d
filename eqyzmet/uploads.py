"""Checking uploaded files: size, and the real type read from the content's first bytes
(never the name or the browser's claimed type). One checker for every app."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError

# (magic bytes, MIME type, extension)
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def upload_check(
    upload, *, allowed: tuple[str, ...] = DOCUMENT_TYPES, max_bytes: int | None = None
) -> CheckedUpload:
    """Refuse an empty, oversized or disguised file with a translated message."""
    max_bytes = max_bytes or settings.EQYZMET_UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), code="empty_file")
    if upload.size > max_bytes:
        raise ApplicationError(
            _("The file is too large: the limit is %(limit)s.")
            % {"limit": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    upload.seek(0)
    found = sniff(upload.read(16))
    if found is None or found[0] not in allowed:
        raise ApplicationError(
            _("Only PDF, JPEG and PNG files are accepted; this file is not one of them."),
            code="file_type",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        content_type=found[0], extension=found[1], size=upload.size, sha256=digest.hexdigest()
    )
