"""Attachments: type by content, size limit, private storage, download-only serving."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from eqyzmet.errors import ApplicationError
from ethics import storage
from ethics.models import CaseAttachment, EthicsCase
from tests.ethics.factories import HTML_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, pdf, report

pytestmark = pytest.mark.django_db


def _post_report(client, body, files):
    return client.post(
        reverse("ethics:report_new"),
        {
            "category": "ethics_breach",
            "state_body": body.pk,
            "subject": "Scan of the order",
            "description": "See the attached order.",
            "attachments": files,
        },
        follow=True,
    )


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("order.pdf", PDF_BYTES, "application/pdf"),
        ("photo.jpeg", JPEG_BYTES, "image/jpeg"),
        ("screen.png", PNG_BYTES, "image/png"),
        ("misnamed.pdf", PNG_BYTES, "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_and_typed_by_their_bytes(
    client, ministry, name, content, mime
):
    response = _post_report(client, ministry, [SimpleUploadedFile(name, content, "text/html")])
    assert response.status_code == 200
    attachment = CaseAttachment.objects.get()
    assert attachment.content_type == mime
    assert attachment.original_name.endswith("." + mime.split("/")[1].replace("jpeg", "jpg"))
    stored = Path(attachment.file.path)
    # Private, random name, no extension, under MEDIA_ROOT.
    from django.conf import settings

    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.suffix == "" and name.split(".")[0] not in stored.name
    assert stored.read_bytes() == content


def test_an_html_file_called_pdf_is_refused_and_nothing_is_saved(client, ministry):
    response = _post_report(
        client, ministry, [SimpleUploadedFile("report.pdf", HTML_BYTES, "application/pdf")]
    )
    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG files are accepted" in response.content.decode()
    assert not EthicsCase.objects.exists()
    assert not CaseAttachment.objects.exists()


def test_an_oversized_file_is_refused_with_a_translated_message(client, ministry, monkeypatch):
    monkeypatch.setattr(storage, "MAX_ATTACHMENT_BYTES", 1024)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 2000, "application/pdf")
    response = client.post(
        "/en/ethics/report/",
        {
            "category": "ethics_breach",
            "state_body": ministry.pk,
            "subject": "s",
            "description": "d",
            "attachments": [big],
        },
    )
    assert response.status_code == 400
    assert not EthicsCase.objects.exists()
    assert "The file is too large" in response.content.decode()


def test_the_real_size_limit_is_ten_megabytes():
    assert storage.MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024
    too_big = SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "application/pdf")
    with pytest.raises(ApplicationError) as error:
        storage.attachment_check(too_big)
    assert error.value.code == "file_too_large"


def test_empty_files_and_too_many_files_are_refused():
    with pytest.raises(ApplicationError):
        storage.attachment_check(SimpleUploadedFile("e.pdf", b"", "application/pdf"))
    with pytest.raises(ApplicationError) as error:
        storage.attachments_check(
            [pdf(f"{n}.pdf") for n in range(storage.MAX_ATTACHMENTS_PER_MESSAGE + 1)]
        )
    assert error.value.code == "too_many"


def _download_headers_are_safe(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_the_commissioner_downloads_an_attachment_only_as_a_file(client, ministry, commissioner):
    submitted = report(ministry, attachments=[pdf()])
    attachment = submitted.case.attachments.get()
    client.force_login(commissioner)
    response = client.get(
        reverse("ethics:case_attachment", args=[submitted.case.pk, attachment.pk])
    )
    _download_headers_are_safe(response)
    assert b"".join(response.streaming_content) == PDF_BYTES
    from eqyzmet.models import AuditEvent

    assert AuditEvent.objects.filter(action="ethics.attachment.downloaded").count() == 1


def test_the_reporter_downloads_their_own_attachment_but_no_other(client, ministry):
    mine = report(ministry, attachments=[pdf("mine.pdf")])
    other = report(ministry, attachments=[pdf("other.pdf")])
    client.post(reverse("ethics:follow"), {"code": mine.receipt_code})
    own = mine.case.attachments.get()
    _download_headers_are_safe(client.get(reverse("ethics:follow_attachment", args=[own.pk])))
    foreign = other.case.attachments.get()
    assert client.get(reverse("ethics:follow_attachment", args=[foreign.pk])).status_code == 404


def test_attachment_downloads_need_a_code_or_a_commissioner(
    client, ministry, other_commissioner, hr_officer
):
    submitted = report(ministry, attachments=[pdf()])
    attachment = submitted.case.attachments.get()
    url = reverse("ethics:case_attachment", args=[submitted.case.pk, attachment.pk])
    assert client.get(url).status_code == 302
    assert client.get(reverse("ethics:follow_attachment", args=[attachment.pk])).status_code == 302
    client.force_login(hr_officer)
    assert client.get(url).status_code == 403
    client.force_login(other_commissioner)
    assert client.get(url).status_code == 404


def test_the_reporter_adds_a_message_with_a_file(client, ministry):
    submitted = report(ministry)
    client.post(reverse("ethics:follow"), {"code": submitted.receipt_code})
    response = client.post(
        reverse("ethics:follow_case"),
        {"body": "The second page of the order.", "attachments": [pdf("page2.pdf")]},
    )
    assert response.status_code == 302
    message = submitted.case.messages.get()
    assert message.attachments.count() == 1
