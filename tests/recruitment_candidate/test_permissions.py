"""Who may open each candidate page: anonymous visitors sign in first, staff accounts are
refused, and one candidate's things are invisible (404) to another."""

from __future__ import annotations

import pytest

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services, services_candidate
from recruitment.models import ApplicationDraft, Document, Education, Stage
from tests.factories import UserFactory, make_state_body
from tests.recruitment_candidate.factories import make_candidate_with_profile, open_vacancy

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world():
    """Candidate A's profile, document and application, in an open competition."""
    competition, vacancy = open_vacancy()
    owner = make_candidate_with_profile()
    application = services.application_submit(
        user=owner, competition=competition, vacancy=vacancy, consent=True
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = services.document_upload(
        profile=owner.candidate_profile,
        kind=Document.Kind.DIPLOMA,
        upload=SimpleUploadedFile("d.pdf", PDF),
    )
    other_competition, other_vacancy = open_vacancy()
    draft = services_candidate.application_draft_save(
        profile=owner.candidate_profile,
        competition=other_competition,
        vacancy=other_vacancy,
        motivation="Later",
    )
    return {
        "owner": owner,
        "draft": draft,
        "competition": competition,
        "vacancy": vacancy,
        "application": application,
        "stage": competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST),
        "document": document,
        "education": Education.objects.get(profile__user=owner),
    }


def _candidate_pages(w) -> list[tuple[str, str]]:
    a, s = w["application"].pk, w["stage"].pk
    return [
        ("get", f"/en/vacancies/{w['vacancy'].pk}/apply/{w['competition'].pk}/"),
        ("get", "/en/my/profile/"),
        ("get", "/en/my/profile/personal/"),
        ("get", "/en/my/profile/education/add/"),
        ("get", f"/en/my/profile/education/{w['education'].pk}/"),
        ("post", f"/en/my/profile/education/{w['education'].pk}/delete/"),
        ("get", "/en/my/documents/upload/"),
        ("get", f"/en/my/documents/{w['document'].pk}/"),
        ("post", f"/en/my/documents/{w['document'].pk}/delete/"),
        ("get", "/en/my/applications/"),
        ("get", f"/en/my/applications/{a}/"),
        ("get", f"/en/my/applications/{a}/withdraw/"),
        ("get", f"/en/my/applications/{a}/appeal/{s}/"),
        ("post", f"/en/my/applications/drafts/{w['draft'].pk}/delete/"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_candidate_page(client, world):
    for method, url in _candidate_pages(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/accounts/login/?next=" in response["Location"], url


def test_anyone_may_search_and_read_vacancies(client, world):
    assert client.get("/en/vacancies/").status_code == 200
    assert client.get(f"/en/vacancies/{world['vacancy'].pk}/").status_code == 200


@pytest.mark.parametrize("role", [Role.HR_OFFICER, Role.COMMISSION_MEMBER, Role.OBSERVER])
def test_staff_accounts_cannot_open_candidate_pages(client, world, role):
    officer = UserFactory()
    staff_assign(user=officer, role=role, state_body=world["competition"].state_body)
    client.force_login(officer)
    for method, url in _candidate_pages(world):
        assert getattr(client, method)(url).status_code == 403, url


def test_staff_of_another_body_cannot_open_candidate_pages_either(client, world):
    officer = UserFactory()
    staff_assign(user=officer, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(officer)
    assert client.get("/en/my/applications/").status_code == 403


def test_another_candidates_things_are_not_found(client, world):
    intruder = make_candidate_with_profile()
    client.force_login(intruder)
    a, s = world["application"].pk, world["stage"].pk
    for method, url in [
        ("get", f"/en/my/applications/{a}/"),
        ("get", f"/en/my/applications/{a}/withdraw/"),
        ("post", f"/en/my/applications/{a}/withdraw/"),
        ("get", f"/en/my/applications/{a}/appeal/{s}/"),
        ("post", f"/en/my/applications/{a}/appeal/{s}/"),
        ("get", f"/en/my/documents/{world['document'].pk}/"),
        ("post", f"/en/my/documents/{world['document'].pk}/delete/"),
        ("get", f"/en/my/profile/education/{world['education'].pk}/"),
        ("post", f"/en/my/profile/education/{world['education'].pk}/delete/"),
        ("post", f"/en/my/applications/drafts/{world['draft'].pk}/delete/"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    assert ApplicationDraft.objects.filter(pk=world["draft"].pk).exists()
    world["application"].refresh_from_db()
    assert world["application"].status == "admitted"
    assert Document.objects.filter(pk=world["document"].pk).exists()


def test_the_owner_opens_every_page(client, world):
    client.force_login(world["owner"])
    for method, url in _candidate_pages(world):
        if method == "get" and "/appeal/" not in url:  # no published result to appeal yet
            assert client.get(url).status_code == 200, url
