"""Deleting one's account: refused while an application is in a running competition,
performed otherwise, with what the law requires kept and the rest gone."""

from __future__ import annotations

import pytest
from django.test import Client

from eqyzmet.accounts.deletion import account_delete, deletion_blockers
from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent, Consent, User
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services as recruitment_services
from recruitment.models import (
    Application,
    CandidateProfile,
    Document,
    Education,
    IdentityEscrow,
    StageResult,
)
from tests.accounts.builders import (
    add_document,
    apply,
    finish,
    open_competition,
    two_candidates_with_history,
)
from tests.factories import PASSWORD, UserFactory
from tests.recruitment.factories import make_candidate, make_staff

pytestmark = pytest.mark.django_db

URL = "/en/accounts/account/delete/"


def _delete(client, password=PASSWORD, confirmation="DELETE"):
    return client.post(URL, {"password": password, "confirmation": confirmation})


def test_the_page_states_what_is_deleted_and_what_is_kept_for_how_long(client, settings):
    settings.EQYZMET_RETENTION_APPLICATION_YEARS = 7
    settings.EQYZMET_RETENTION_IDENTITY_YEARS = 1
    client.force_login(UserFactory())
    page = client.get(URL).content.decode()
    assert "The documents you uploaded, files included." in page
    assert "for 7 years after the competition ends" in page
    assert "for 1 year after the competition ends" in page
    assert "Anonymous reports to the ethics commissioner are not linked" in page


def test_deletion_is_refused_while_an_application_is_in_a_running_competition(client):
    _staff, me, _other = two_candidates_with_history()
    user = me.candidate.user
    client.force_login(user)
    page = client.get(URL).content.decode()
    assert (
        f"Your application {me.running.code} in competition "
        f"{me.running.competition.number} is still in a running competition. "
        "Withdraw it first" in page
    )
    assert f"/en/my/applications/{me.running.pk}/withdraw/" in page

    response = _delete(client)
    assert response.status_code == 400
    assert "is still in a running competition" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.email == me.candidate.email
    assert CandidateProfile.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="account.deleted").exists()


def test_after_withdrawing_the_account_is_deleted_and_only_the_record_stays(
    client, django_capture_on_commit_callbacks
):
    _staff, me, other = two_candidates_with_history()
    user = me.candidate.user
    recruitment_services.application_withdraw(user=user, application=me.running)
    document = Document.objects.get(profile__user=user)
    stored = document.file.storage
    assert stored.exists(document.file.name)
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _delete(client)
    assert response.status_code == 302 and response["Location"] == "/en/"

    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert me.candidate.email not in user.email
    assert user.groups.count() == 0
    # Deleted now: the profile with its entries and files, the link to the applications.
    assert not CandidateProfile.objects.filter(user=user).exists()
    assert not Education.objects.filter(profile__user=user).exists()
    assert not stored.exists(document.file.name)
    assert not IdentityEscrow.objects.filter(
        application_id__in=[me.running.pk, me.finished.pk]
    ).exists()
    # Kept: the anonymous applications, their results, the consent, the ledger.
    assert Application.objects.filter(pk=me.finished.pk, code=me.finished.code).exists()
    assert StageResult.objects.filter(application=me.finished).exists()
    assert Consent.objects.filter(user=user, version="2026-1").exists()
    event = AuditEvent.objects.get(action="account.deleted")
    assert event.details["kept"]["recruitment"] == ["applications"]
    assert me.candidate.email not in str(event.details)
    # The other candidate is untouched.
    assert CandidateProfile.objects.filter(user=other.candidate.user).exists()
    assert IdentityEscrow.objects.filter(application_id=other.finished.pk).exists()

    # Signed out here and everywhere; nobody can sign in with the old address.
    assert client.get("/en/accounts/account/").status_code == 302
    assert elsewhere.get("/en/accounts/account/").status_code == 302
    assert not Client().login(username=me.candidate.email, password=PASSWORD)
    # The address is free for a new registration.
    assert not User.objects.filter(email__iexact=me.candidate.email).exists()


def test_a_winner_keeps_the_identity_the_appointment_needs_and_nothing_more(client):
    staff = make_staff()
    competition = open_competition(staff)
    candidate = make_candidate()
    add_document(candidate)
    won = apply(candidate, competition)
    Application.objects.filter(pk=won.pk).update(status=Application.Status.APPOINTED, rank=1)
    finish(competition)
    client.force_login(candidate.user)
    assert _delete(client).status_code == 302

    profile = CandidateProfile.objects.get(user=candidate.user)
    assert profile.full_name == candidate.full_name and profile.iin == candidate.iin
    assert profile.phone == ""
    assert not profile.education.exists() and not profile.experience.exists()
    assert not profile.documents.exists()
    assert IdentityEscrow.objects.filter(application_id=won.pk).exists()
    event = AuditEvent.objects.get(action="account.deleted")
    assert event.details["kept"]["recruitment"] == ["applications", "identity"]


@pytest.mark.parametrize(
    ("password", "confirmation", "message"),
    [
        ("not-my-password", "DELETE", "The password is not correct."),
        (PASSWORD, "delete me", "Type DELETE to confirm"),
    ],
)
def test_a_wrong_password_or_confirmation_changes_nothing(client, password, confirmation, message):
    user = UserFactory()
    client.force_login(user)
    response = _delete(client, password=password, confirmation=confirmation)
    assert response.status_code == 400
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.has_usable_password()


def test_a_staff_account_is_closed_by_an_administrator_not_here():
    staff = make_staff()
    [blocker] = deletion_blockers(user=staff.observer)
    assert "Staff accounts are closed by an administrator" in str(blocker.message)


def test_a_candidate_with_a_staff_role_too_is_refused():
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    staff_assign(user=user, role=Role.OBSERVER, state_body=make_staff().body)
    with pytest.raises(ApplicationError):
        account_delete(user=user, password=PASSWORD, confirmation="DELETE")
    user.refresh_from_db()
    assert user.is_active
