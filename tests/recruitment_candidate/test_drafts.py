"""Issue 15: a candidate saves an application as a draft (motivation letter, chosen
documents), finds it in My applications with Continue and Delete, and submits it later.
A draft is not an application: no code, no escrow, nothing on the staff side."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eqyzmet.errors import ApplicationError
from recruitment import services, services_candidate
from recruitment.models import (
    Application,
    ApplicationDraft,
    Competition,
    Document,
    IdentityEscrow,
    Notification,
)
from tests.recruitment_candidate.factories import make_candidate_with_profile, open_vacancy

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LETTER = "I have drafted tax legislation for five years and want to serve the ministry."


def _apply_url(competition, vacancy):
    return f"/en/vacancies/{vacancy.pk}/apply/{competition.pk}/"


def _document(user, kind=Document.Kind.DIPLOMA) -> Document:
    return services.document_upload(
        profile=user.candidate_profile, kind=kind, upload=SimpleUploadedFile("d.pdf", PDF)
    )


@pytest.fixture
def candidate(client):
    user = make_candidate_with_profile(public_years=3)
    client.force_login(user)
    return user


def test_saving_a_draft_keeps_the_letter_and_documents_and_is_not_an_application(client, candidate):
    competition, vacancy = open_vacancy()
    diploma = _document(candidate)
    _document(candidate, kind=Document.Kind.ID_CARD)
    response = client.post(
        _apply_url(competition, vacancy),
        {"action": "draft", "motivation": LETTER, "documents": [diploma.pk]},
        follow=True,
    )
    draft = ApplicationDraft.objects.get()
    assert draft.motivation == LETTER
    assert list(draft.documents.all()) == [diploma]
    assert not Application.objects.exists()
    assert not IdentityEscrow.objects.exists()
    assert not Notification.objects.exists()
    page = response.content.decode()
    assert "Your draft is saved. It is not an application yet" in page
    assert "Drafts" in page
    assert vacancy.title_en in page
    assert f'href="{_apply_url(competition, vacancy)}"' in page
    assert "Continue" in page
    assert f"/en/my/applications/drafts/{draft.pk}/delete/" in page
    # No code anywhere: the page lists no application.
    assert "Anonymous code" not in page


def test_a_draft_may_be_saved_while_a_requirement_is_not_met(client, candidate):
    competition, vacancy = open_vacancy(min_experience_years=Decimal("10"))
    client.post(_apply_url(competition, vacancy), {"action": "draft", "motivation": LETTER})
    assert ApplicationDraft.objects.get().motivation == LETTER
    assert not Application.objects.exists()


def test_continuing_a_draft_shows_what_was_saved(client, candidate):
    competition, vacancy = open_vacancy()
    diploma = _document(candidate)
    other = _document(candidate, kind=Document.Kind.ID_CARD)
    client.post(
        _apply_url(competition, vacancy),
        {"action": "draft", "motivation": LETTER, "documents": [diploma.pk]},
    )
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert "Continuing your draft saved" in page
    assert LETTER in page
    assert f'value="{diploma.pk}" id="id_documents_0" checked' in page or (
        f'value="{diploma.pk}"' in page and "checked" in page.split(f'value="{diploma.pk}"')[1][:80]
    )
    assert "checked" not in page.split(f'value="{other.pk}"')[1][:40]


def test_saving_again_changes_the_one_draft_of_the_competition(client, candidate):
    competition, vacancy = open_vacancy()
    client.post(_apply_url(competition, vacancy), {"action": "draft", "motivation": "First"})
    client.post(_apply_url(competition, vacancy), {"action": "draft", "motivation": "Second"})
    assert ApplicationDraft.objects.get().motivation == "Second"


def test_submitting_consumes_the_draft_and_sends_its_letter_and_documents(client, candidate):
    competition, vacancy = open_vacancy()
    diploma = _document(candidate)
    client.post(
        _apply_url(competition, vacancy),
        {"action": "draft", "motivation": LETTER, "documents": [diploma.pk]},
    )
    response = client.post(
        _apply_url(competition, vacancy),
        {"action": "submit", "motivation": LETTER, "documents": [diploma.pk], "consent": "on"},
        follow=True,
    )
    application = Application.objects.get()
    assert not ApplicationDraft.objects.exists()
    escrow = IdentityEscrow.objects.get(application_id=application.pk)
    assert escrow.motivation == LETTER
    assert escrow.document_ids == [diploma.pk]
    page = response.content.decode()
    assert application.code in page
    assert "Sent with this application" in page
    assert LETTER in page
    # The letter is in the vault, never in clear in the application the staff see.
    assert LETTER not in str(application.qualifications)


def test_deleting_a_draft(client, candidate):
    competition, vacancy = open_vacancy()
    client.post(_apply_url(competition, vacancy), {"action": "draft", "motivation": LETTER})
    draft = ApplicationDraft.objects.get()
    response = client.post(f"/en/my/applications/drafts/{draft.pk}/delete/", follow=True)
    assert not ApplicationDraft.objects.exists()
    assert "The draft is deleted." in response.content.decode()
    assert client.get(f"/en/my/applications/drafts/{draft.pk}/delete/").status_code == 405


def test_a_draft_of_a_closed_competition_can_only_be_deleted(client, candidate):
    competition, vacancy = open_vacancy()
    client.post(_apply_url(competition, vacancy), {"action": "draft", "motivation": LETTER})
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=3),
        applications_close_at=timezone.now() - dt.timedelta(minutes=1),
    )
    page = client.get("/en/my/applications/").content.decode()
    assert "This competition no longer accepts applications." in page
    assert f'href="{_apply_url(competition, vacancy)}"' not in page
    assert "/delete/" in page


def test_a_draft_cannot_carry_another_persons_document(candidate):
    competition, vacancy = open_vacancy()
    stranger = make_candidate_with_profile()
    foreign = _document(stranger)
    with pytest.raises(ApplicationError):
        services_candidate.application_draft_save(
            profile=candidate.candidate_profile,
            competition=competition,
            vacancy=vacancy,
            documents=[foreign],
        )
    assert not ApplicationDraft.objects.exists()


def test_the_apply_page_offers_only_ones_own_documents(client, candidate):
    competition, vacancy = open_vacancy()
    stranger = make_candidate_with_profile()
    foreign = _document(stranger)
    # Without documents of one's own there is nothing to choose: a posted id is ignored.
    client.post(
        _apply_url(competition, vacancy),
        {"action": "draft", "motivation": LETTER, "documents": [foreign.pk]},
    )
    assert not ApplicationDraft.objects.get().documents.exists()
    ApplicationDraft.objects.all().delete()
    own = _document(candidate)
    page = client.get(_apply_url(competition, vacancy)).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{foreign.pk}"' not in page
    response = client.post(
        _apply_url(competition, vacancy),
        {"action": "draft", "motivation": LETTER, "documents": [foreign.pk]},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not ApplicationDraft.objects.exists()


def test_a_draft_of_a_closed_competition_cannot_be_saved(candidate):
    competition, vacancy = open_vacancy()
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.TESTING)
    competition.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        services_candidate.application_draft_save(
            profile=candidate.candidate_profile, competition=competition, vacancy=vacancy
        )
    assert refused.value.code == "closed"


def test_a_too_long_letter_is_refused_and_nothing_is_saved(client, candidate):
    competition, vacancy = open_vacancy()
    response = client.post(
        _apply_url(competition, vacancy), {"action": "draft", "motivation": "x" * 3001}
    )
    assert response.status_code == 200
    assert not ApplicationDraft.objects.exists()


def test_my_applications_with_drafts_reads_a_bounded_number_of_queries(
    client, candidate, django_assert_max_num_queries
):
    for _ in range(4):
        competition, vacancy = open_vacancy()
        services_candidate.application_draft_save(
            profile=candidate.candidate_profile, competition=competition, vacancy=vacancy
        )
    with django_assert_max_num_queries(12):
        response = client.get("/en/my/applications/")
    assert response.content.decode().count("Continue") == 4
