"""One profile: personal data through profile_save, qualifications, documents."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from eqyzmet.models import AuditEvent
from recruitment.models import CandidateProfile, Document, Education, Experience, LanguageSkill
from tests.recruitment_candidate.factories import (
    make_candidate_user,
    make_candidate_with_profile,
    valid_iin,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def candidate(client):
    user = make_candidate_user()
    client.force_login(user)
    return user


def _personal(client, REMOTE_ADDR="127.0.0.1", **overrides):
    data = {"full_name": "Aigerim Testova", "iin": valid_iin(), "phone": "+7 701 111 22 33"}
    data.update(overrides)
    return client.post("/en/my/profile/personal/", data, REMOTE_ADDR=REMOTE_ADDR)


def test_a_wrong_iin_is_a_form_error_and_nothing_is_saved(client, candidate):
    iin = valid_iin()
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    response = _personal(client, iin=wrong)
    assert response.status_code == 200
    assert "This is not a valid IIN" in response.content.decode()
    assert not CandidateProfile.objects.filter(user=candidate).exists()


def test_a_valid_iin_is_saved_encrypted_with_the_birth_date(client, candidate):
    iin = valid_iin()
    response = _personal(client, iin=f"{iin[:6]} {iin[6:]}")
    assert response.status_code == 302
    profile = CandidateProfile.objects.get(user=candidate)
    assert profile.iin == iin
    assert profile.birth_date.isoformat() == "1992-03-15"
    page = client.get("/en/my/profile/").content.decode()
    assert "Aigerim Testova" in page and iin in page


def _saved(client, response) -> tuple:
    """What the person sees right after saving: the answer, where it leads, the notice, and
    the page it leads to."""
    notices = [str(m) for m in get_messages(response.wsgi_request)]
    page = client.get(response["Location"]).content.decode() if response.status_code == 302 else ""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return response.status_code, response.get("Location"), notices, page


def test_saving_a_taken_iin_looks_exactly_like_saving_a_free_one(
    client, django_capture_on_commit_callbacks
):
    owner = make_candidate_with_profile()
    taken_iin = owner.candidate_profile.iin
    free_iin = valid_iin()

    client.force_login(make_candidate_user())
    with django_capture_on_commit_callbacks(execute=True):
        free = _saved(client, _personal(client, iin=free_iin, full_name="Prober One"))
    assert mail.outbox == []
    prober = make_candidate_user()
    client.force_login(prober)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _personal(client, iin=taken_iin, full_name="Prober One")
    taken = _saved(client, response)

    assert taken[:3] == free[:3] == (302, "/en/my/profile/", ["Your personal data is saved."])
    assert taken[3].replace(taken_iin, "IIN") == free[3].replace(free_iin, "IIN")
    assert "already exists" not in taken[3]
    # The owner of the IIN hears of the attempt; the new account is told by e-mail only.
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1 and "tried to use your IIN" in to_owner[0].body
    assert taken_iin not in to_owner[0].body
    to_prober = [m for m in mail.outbox if m.to == [prober.email]]
    assert len(to_prober) == 1 and "could not complete your profile" in to_prober[0].body
    # The owner keeps the IIN; the second profile is held and cannot apply.
    assert owner.candidate_profile.iin_conflict is False
    assert CandidateProfile.objects.get(user=prober).iin_conflict is True


def test_a_held_profile_cannot_apply_and_is_told_to_read_its_e_mail(client):
    from recruitment.models import Application
    from tests.recruitment_candidate.factories import open_vacancy

    owner = make_candidate_with_profile()
    prober = make_candidate_user()
    client.force_login(prober)
    _personal(client, iin=owner.candidate_profile.iin)
    competition, vacancy = open_vacancy()
    response = client.post(f"/en/vacancies/{vacancy.pk}/apply/{competition.pk}/", {"consent": "on"})
    assert "We could not complete your profile: check your e-mail." in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("taken", [True, False])
def test_an_unconfirmed_account_cannot_save_an_iin_at_all(client, taken):
    iin = make_candidate_with_profile().candidate_profile.iin if taken else valid_iin()
    user = make_candidate_user(confirmed=False)
    client.force_login(user)
    mail.outbox.clear()
    response = _personal(client, iin=iin)
    assert response.status_code == 200
    assert "Confirm your e-mail address before entering your personal data" in (
        response.content.decode()
    )
    assert "already exists" not in response.content.decode()
    assert not CandidateProfile.objects.filter(user=user).exists()
    assert mail.outbox == []


def test_rapid_profile_saves_from_one_account_are_throttled(client, candidate):
    answers = [_personal(client, iin=valid_iin()).status_code for _ in range(25)]
    assert answers[0] == 302
    assert answers[-1] == 429
    assert answers.count(302) <= 10
    last = _personal(client, iin=valid_iin())
    assert "Too many changes of your personal data" in last.content.decode()


def test_the_throttle_follows_the_account_not_the_address(client, candidate):
    for _ in range(10):
        _personal(client, iin=valid_iin(), REMOTE_ADDR="10.0.0.1")
    assert _personal(client, iin=valid_iin()).status_code == 429
    client.force_login(make_candidate_user())
    assert _personal(client, iin=valid_iin()).status_code == 302


def test_qualifications_can_be_added_changed_and_deleted(client, candidate):
    _personal(client)
    client.post(
        "/en/my/profile/education/add/",
        {"level": 3, "field": "law", "institution": "KazNU", "graduation_year": 2014},
    )
    education = Education.objects.get(profile__user=candidate)
    client.post(
        f"/en/my/profile/education/{education.pk}/",
        {"level": 4, "field": "law", "institution": "KazNU", "graduation_year": 2016},
    )
    education.refresh_from_db()
    assert (education.level, education.graduation_year) == (4, 2016)
    client.post(
        "/en/my/profile/experience/add/",
        {"sector": "private", "field": "it", "employer": "Kaspi", "started_on": "2016-09-01"},
    )
    assert Experience.objects.get(profile__user=candidate).ended_on is None
    client.post("/en/my/profile/language/add/", {"language": "kk", "level": 4})
    response = client.post("/en/my/profile/language/add/", {"language": "kk", "level": 2})
    assert "already in your profile" in response.content.decode()
    assert LanguageSkill.objects.get(profile__user=candidate).level == 4
    client.post(f"/en/my/profile/education/{education.pk}/delete/")
    assert not Education.objects.filter(pk=education.pk).exists()
    details = list(
        AuditEvent.objects.filter(action__startswith="profile.").values_list("details", flat=True)
    )
    assert "Kaspi" not in str(details) and "KazNU" not in str(details)


def test_work_that_ends_before_it_starts_is_refused(client, candidate):
    _personal(client)
    response = client.post(
        "/en/my/profile/experience/add/",
        {
            "sector": "public",
            "field": "law",
            "employer": "",
            "started_on": "2020-01-01",
            "ended_on": "2019-01-01",
        },
    )
    assert "cannot end before it starts" in response.content.decode()
    assert not Experience.objects.exists()


def test_qualifications_need_personal_data_first(client, candidate):
    response = client.get("/en/my/profile/education/add/")
    assert response.status_code == 302
    assert response["Location"].endswith("/my/profile/personal/")


def test_another_persons_entry_cannot_be_changed_or_deleted(client, candidate):
    _personal(client)
    theirs = Education.objects.get(profile__user=make_candidate_with_profile())
    assert client.get(f"/en/my/profile/education/{theirs.pk}/").status_code == 404
    assert client.post(f"/en/my/profile/education/{theirs.pk}/delete/").status_code == 404
    assert Education.objects.filter(pk=theirs.pk).exists()
    assert client.get("/en/my/profile/salary/add/").status_code == 404


# --- Documents ---------------------------------------------------------------------------


def _upload(client, content: bytes, name: str):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post("/en/my/documents/upload/", {"kind": "diploma", "file": upload})


def test_an_oversized_document_is_refused_with_a_message(client, candidate, settings):
    _personal(client)
    settings.EQYZMET_UPLOAD_MAX_BYTES = 1024
    response = _upload(client, PDF + b"0" * 2048, "diploma.pdf")
    assert "The file is too large" in response.content.decode()
    assert not Document.objects.exists()


def test_html_renamed_to_pdf_is_refused_with_a_message(client, candidate):
    _personal(client)
    response = _upload(client, b"<html><script>alert(1)</script></html>", "diploma.pdf")
    assert "Only PDF, JPEG and PNG files are accepted" in response.content.decode()
    assert not Document.objects.exists()


def test_a_pdf_is_accepted_listed_and_downloaded_as_an_attachment(client, candidate):
    _personal(client)
    response = _upload(client, PDF, "my diploma.pdf")
    assert response.status_code == 302
    document = Document.objects.get(profile__user=candidate)
    assert document.content_type == "application/pdf"
    assert "my diploma" not in document.file.name
    assert f"/my/documents/{document.pk}/" in client.get("/en/my/profile/").content.decode()
    response = client.get(f"/en/my/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_another_persons_document_is_not_found(client, candidate):
    owner = make_candidate_with_profile()
    client.force_login(owner)
    _upload(client, PDF, "diploma.pdf")
    document = Document.objects.get()
    client.force_login(candidate)
    assert client.get(f"/en/my/documents/{document.pk}/").status_code == 404
    assert client.post(f"/en/my/documents/{document.pk}/delete/").status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_candidate_deletes_their_own_document_and_its_file(
    client, candidate, django_capture_on_commit_callbacks
):
    _personal(client)
    _upload(client, PDF, "diploma.pdf")
    document = Document.objects.get()
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/my/documents/{document.pk}/delete/")
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not storage.exists(name)
