"""Free text a candidate writes is redacted before any staff member reads it."""

from __future__ import annotations


def redact_for_staff(text: str) -> str:
    from testing_center.redaction import redact

    return redact(text).text
