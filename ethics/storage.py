"""Private storage for case attachments and the checks every upload passes.

Files live under ``settings.MEDIA_ROOT/ethics/`` with random names and no extension, so
nothing on disk can be served or executed by a web server by accident. The type is decided
by the file's first bytes, never by its name or the browser's claim.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from eqyzmet.uploads import upload_check

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_MESSAGE = 5


def private_storage() -> FileSystemStorage:
    # No location: FileSystemStorage follows settings.MEDIA_ROOT (and test overrides of it).
    return FileSystemStorage(base_url=None)


def attachment_upload_to(instance, filename: str) -> str:
    return f"ethics/{uuid.uuid4().hex}"


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    content_type: str
    size: int
    sha256: str


def attachment_check(upload) -> CheckedFile:
    """Refuse a file that is too large, empty or not really a PDF, JPEG or PNG (the kernel's
    one upload checker), and keep a safe display name."""
    checked = upload_check(upload, max_bytes=MAX_ATTACHMENT_BYTES)
    try:
        stem = get_valid_filename(PurePath(str(upload.name or "file")).stem)[:80]
    except SuspiciousFileOperation:
        stem = "file"
    return CheckedFile(
        upload=upload,
        name=f"{stem}{checked.extension}",
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )


def attachments_check(uploads) -> list[CheckedFile]:
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > MAX_ATTACHMENTS_PER_MESSAGE:
        raise ApplicationError(
            _("At most %(count)s files can be attached at once.")
            % {"count": MAX_ATTACHMENTS_PER_MESSAGE},
            code="too_many",
        )
    return [attachment_check(u) for u in uploads]
