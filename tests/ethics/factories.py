"""Builders for ethics cases, through the services (so audit events and deadlines are real)."""

from __future__ import annotations

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from ethics.models import Category
from ethics.services import SubmittedReport, case_raise_by_system, report_submit

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
HTML_BYTES = b"<!doctype html><script>alert(1)</script>"

_n = itertools.count(1)


def pdf(name="evidence.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def report(state_body, *, category=Category.CORRUPTION_RISK, attachments=(), **extra):
    n = next(_n)
    return report_submit(
        category=category,
        state_body=state_body,
        subject=extra.pop("subject", f"Report {n}"),
        description=extra.pop("description", f"A gift was requested for a service ({n})."),
        attachments=attachments,
        **extra,
    )


def system_case(state_body, *, kind="integrity_flag", dedupe_key=None, evidence=None):
    n = next(_n)
    return case_raise_by_system(
        kind=kind,
        state_body_id=state_body.pk,
        summary=f"Response-time anomaly {n}",
        evidence=evidence if evidence is not None else {"application_code": f"K7-4QMX-{n:04d}"},
        dedupe_key=dedupe_key or f"test:{n}",
    )


__all__ = ["SubmittedReport", "pdf", "report", "system_case"]
