"""Contract documents (issue 16): HR of the body files them in the admin, checked like a
candidate's document; the contract employee, the project's responsible official and HR of
the body download them with safe headers, nobody else; they are listed on the employee's and
the official's pages and in "download my data"."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.contracts import services
from recruitment.models_contracts import ContractDocument
from tests.factories import UserFactory, make_state_body
from tests.recruitment.contract_factories import make_contract, make_project

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% the signed contract\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def pdf(body: bytes = PDF, name: str = "Aigerim Nurlanova contract.pdf"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@pytest.fixture
def setup(roles):
    body = make_state_body()
    hr = UserFactory()
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=body)
    project = make_project(body=body, hr=hr)
    contract = make_contract(project=project)
    return hr, project, contract


@pytest.fixture
def filed(setup):
    hr, _project, contract = setup
    return services.contract_document_upload(
        contract=contract, kind=ContractDocument.Kind.SIGNED_CONTRACT, upload=pdf(), actor=hr
    )


def test_hr_files_a_document_in_the_admin(client, setup):
    hr, _project, contract = setup
    client.force_login(hr)
    client.cookies["eqyzmet_language"] = "en"
    url = f"/admin/recruitment/contract/{contract.pk}/documents/"
    assert (
        "File a document"
        in client.get(f"/admin/recruitment/contract/{contract.pk}/change/").content.decode()
    )
    response = client.post(url, {"kind": "acceptance_act", "file": pdf()})
    assert response.status_code == 302
    document = ContractDocument.objects.get()
    assert (document.kind, document.content_type, document.size) == (
        "acceptance_act",
        "application/pdf",
        len(PDF),
    )
    assert document.uploaded_by == hr
    assert "Nurlanova" not in document.file.name  # the stored name says nothing
    assert AuditEvent.objects.filter(action="contracts.document.uploaded").count() == 1
    page = client.get(f"/admin/recruitment/contract/{contract.pk}/change/").content.decode()
    assert f"/contracts/documents/{document.pk}/" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("x.pdf", b"", content_type="application/pdf"),
            "The submitted file is empty.",
        ),
        (
            SimpleUploadedFile("x.pdf", b"<html><script>", content_type="application/pdf"),
            "Only PDF, JPEG and PNG files are accepted",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_filed(client, setup, upload, message):
    hr, _project, contract = setup
    client.force_login(hr)
    client.cookies["eqyzmet_language"] = "en"
    response = client.post(
        f"/admin/recruitment/contract/{contract.pk}/documents/",
        {"kind": "signed_contract", "file": upload},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ContractDocument.objects.exists()


def test_an_oversized_file_is_refused(setup, settings):
    hr, _project, contract = setup
    settings.EQYZMET_UPLOAD_MAX_BYTES = 64
    with pytest.raises(ApplicationError, match="too large"):
        services.contract_document_upload(
            contract=contract, kind="other", upload=pdf(PDF + b"0" * 100), actor=hr
        )
    assert not ContractDocument.objects.exists()


def test_only_hr_of_the_contracts_body_files_documents(client, setup):
    _hr, _project, contract = setup
    other_hr = UserFactory()
    staff_assign(user=other_hr, role=Role.HR_OFFICER, state_body=make_state_body())
    for actor in (other_hr, contract.employee, contract.project.responsible_official):
        with pytest.raises(ApplicationError):
            services.contract_document_upload(
                contract=contract, kind="other", upload=pdf(), actor=actor
            )
    with pytest.raises(ApplicationError, match="kind of document"):
        services.contract_document_upload(contract=contract, kind="photo", upload=pdf(), actor=_hr)
    client.force_login(other_hr)
    response = client.post(
        f"/admin/recruitment/contract/{contract.pk}/documents/",
        {"kind": "other", "file": pdf()},
    )
    assert response.status_code == 404
    assert not ContractDocument.objects.exists()


def test_the_employee_the_official_and_hr_download_with_safe_headers(
    client, setup, filed, admin_user
):
    hr, project, contract = setup
    url = f"/en/contracts/documents/{filed.pk}/"
    for person in (contract.employee, project.responsible_official, hr, admin_user):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200, person
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]


def test_nobody_else_downloads(client, setup, filed):
    _hr, project, contract = setup
    colleague = make_contract(project=project).employee  # another contract, same project
    other_hr = UserFactory()
    staff_assign(user=other_hr, role=Role.HR_OFFICER, state_body=make_state_body())
    manager = UserFactory()
    staff_assign(user=manager, role=Role.MANAGER, state_body=contract.state_body)
    url = f"/en/contracts/documents/{filed.pk}/"
    assert client.get(url).status_code == 302  # to sign in
    for person in (colleague, other_hr, manager, UserFactory()):
        client.force_login(person)
        assert client.get(url).status_code == 404, person


def test_the_documents_are_listed_on_the_employees_and_the_officials_pages(
    client, setup, filed, django_assert_max_num_queries
):
    _hr, project, contract = setup
    for person, url in (
        (contract.employee, "/en/my/contract/"),
        (project.responsible_official, "/en/contracts/official/"),
    ):
        client.force_login(person)
        with django_assert_max_num_queries(16):
            page = client.get(url).content.decode()
        assert "Signed contract" in page
        assert f"/en/contracts/documents/{filed.pk}/" in page


def test_my_data_lists_the_documents_filed_with_my_contract(client, setup, filed):
    _hr, _project, contract = setup
    client.force_login(contract.employee)
    data = json.loads(client.get("/en/accounts/account/my-data.json").content)
    documents = data["recruitment.contracts"]["contracts"][0]["documents"]
    assert documents == [
        {
            "kind": "Signed contract",
            "content_type": "application/pdf",
            "size_bytes": len(PDF),
            "sha256": filed.sha256,
            "uploaded_at": filed.uploaded_at.isoformat(),
        }
    ]
