"""Free text a candidate writes is redacted before any staff member reads it."""

from __future__ import annotations


def redact_for_staff(text: str) -> str:
    """The text with IINs, phones, e-mails, links, handles, names, places and addresses, and
    organisations replaced by tokens such as [NAME] (``testing_center.redaction``)."""
    from testing_center.public import redact_text

    return redact_text(text).text
