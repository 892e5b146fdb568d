"""Reasonable adjustments: the candidate's request, the officer's decision, the rules, and
who may read the reason (adjustments officers and ethics commissioners only)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services
from recruitment.models import Competition, Stage
from recruitment.models_adjustments import Adjustment
from recruitment.public import extra_time
from tests.factories import UserFactory
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db

REASON = "Dyslexia-marker-7731: I read printed text slowly."
PDF = b"%PDF-1.4\n% adjustments evidence\n"


@pytest.fixture
def staff(roles):
    return make_staff()


@pytest.fixture
def officer(staff):
    user = UserFactory()
    staff_assign(user=user, role=Role.ADJUSTMENTS_OFFICER, state_body=staff.body)
    return user


@pytest.fixture
def competition(staff):
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    return competition


@pytest.fixture
def candidate(roles):
    return make_candidate()


@pytest.fixture
def application(candidate, competition):
    return services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )


def _request(candidate, application, **overrides):
    values = {"extra_time": "50", "formats": ["large_print"], "reason": REASON}
    values.update(overrides)
    return services.adjustment_request(user=candidate.user, application=application, **values)


# --- The candidate's request -------------------------------------------------------------


def test_a_request_is_stored_with_the_reason_encrypted_and_audited_without_it(
    candidate, application
):
    from django.db import connection

    adjustment = _request(candidate, application)
    assert adjustment.status == Adjustment.Status.REQUESTED
    assert (adjustment.extra_percent, adjustment.extra_minutes) == (50, 0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM recruitment_adjustment")
        stored = cursor.fetchone()[0]
    assert "Dyslexia" not in stored
    assert Adjustment.objects.get().reason == REASON
    event = AuditEvent.objects.get(action="adjustment.requested")
    assert event.details["code"] == application.code
    assert "Dyslexia" not in str(event.details)


def test_minutes_and_a_supporting_document_are_accepted(candidate, application):
    adjustment = _request(
        candidate,
        application,
        extra_time="minutes",
        extra_minutes=30,
        formats=[],
        document=SimpleUploadedFile("Aigerim-medical.pdf", PDF),
    )
    assert (adjustment.extra_percent, adjustment.extra_minutes) == (0, 30)
    assert adjustment.document_content_type == "application/pdf"
    assert "Aigerim" not in adjustment.document.name


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"extra_time": "none", "formats": []}, "nothing_asked"),
        ({"reason": "short"}, "reason_short"),
        ({"extra_time": "minutes", "extra_minutes": None}, "extra_minutes"),
        ({"extra_time": "minutes", "extra_minutes": 999}, "extra_minutes"),
        ({"extra_time": "75"}, "extra_time"),
        ({"formats": ["braille-ish"]}, "format"),
        ({"formats": ["other"], "other_format": " "}, "other_format_missing"),
        ({"document": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, "file_type"),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(candidate, application, overrides, code):
    with pytest.raises(ApplicationError) as caught:
        _request(candidate, application, **overrides)
    assert caught.value.code == code
    assert not Adjustment.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="adjustment.").exists()


def test_someone_else_cannot_request_for_my_application(application, roles):
    other = make_candidate()
    with pytest.raises(ApplicationError) as caught:
        _request(other, application)
    assert caught.value.code == "not_owner"


def test_no_request_once_a_test_window_has_opened(candidate, application, competition):
    Stage.objects.filter(competition=competition, position=1).update(
        opens_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(ApplicationError) as caught:
        _request(candidate, application)
    assert caught.value.code == "window_started"


def test_the_candidate_may_change_the_request_until_it_is_decided(candidate, application, officer):
    _request(candidate, application)
    _request(candidate, application, extra_time="100")
    assert Adjustment.objects.get().extra_percent == 100
    assert AuditEvent.objects.filter(action="adjustment.changed").count() == 1
    services.adjustment_decide(
        adjustment=Adjustment.objects.get(), actor=officer, status="approved"
    )
    with pytest.raises(ApplicationError) as caught:
        _request(candidate, application, extra_time="25")
    assert caught.value.code == "already_decided"


# --- The officer's decision --------------------------------------------------------------


def test_approving_grants_what_was_asked_and_the_engine_is_told(candidate, application, officer):
    adjustment = _request(candidate, application)
    services.adjustment_decide(adjustment=adjustment, actor=officer, status="approved")
    adjustment.refresh_from_db()
    assert adjustment.status == Adjustment.Status.APPROVED
    assert adjustment.approved_formats == ["large_print"]
    assert extra_time(application.pk).seconds_for(3600) == 1800
    event = AuditEvent.objects.get(action="adjustment.decided")
    assert event.actor_id == officer.pk and event.details["to"] == "approved"


def test_partial_approval_grants_less_and_needs_a_note(candidate, application, officer):
    adjustment = _request(candidate, application, extra_time="100")
    with pytest.raises(ApplicationError) as caught:
        services.adjustment_decide(
            adjustment=adjustment, actor=officer, status="partly_approved", approved_percent=50
        )
    assert caught.value.code == "note_required"
    with pytest.raises(ApplicationError) as caught:
        services.adjustment_decide(
            adjustment=adjustment,
            actor=officer,
            status="partly_approved",
            approved_percent=100,
            approved_formats=["large_print", "reader_scribe"],
            note="More than asked",
        )
    assert caught.value.code == "more_than_asked"
    services.adjustment_decide(
        adjustment=adjustment,
        actor=officer,
        status="partly_approved",
        approved_percent=50,
        approved_formats=["large_print"],
        note="Half of the time is what the evidence supports.",
    )
    assert extra_time(application.pk).seconds_for(3600) == 1800


def test_a_refusal_needs_a_note_and_gives_no_extra_time(candidate, application, officer):
    adjustment = _request(candidate, application)
    with pytest.raises(ApplicationError):
        services.adjustment_decide(adjustment=adjustment, actor=officer, status="refused")
    services.adjustment_decide(
        adjustment=adjustment, actor=officer, status="refused", note="No evidence was given."
    )
    assert extra_time(application.pk).seconds_for(3600) == 0


def test_a_decision_changes_only_with_a_reason(candidate, application, officer):
    adjustment = _request(candidate, application)
    services.adjustment_decide(
        adjustment=adjustment, actor=officer, status="refused", note="No evidence was given."
    )
    with pytest.raises(ApplicationError) as caught:
        services.adjustment_decide(adjustment=adjustment, actor=officer, status="approved")
    assert caught.value.code == "revision_reason"
    assert Adjustment.objects.get().status == Adjustment.Status.REFUSED
    services.adjustment_decide(
        adjustment=adjustment,
        actor=officer,
        status="approved",
        revision_reason="The evidence arrived by post.",
    )
    assert Adjustment.objects.get().status == Adjustment.Status.APPROVED
    assert AuditEvent.objects.filter(action="adjustment.decided").last().details["revised"]


def test_no_decision_once_the_test_stage_has_begun(candidate, application, officer, competition):
    adjustment = _request(candidate, application)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.TESTING)
    with pytest.raises(ApplicationError) as caught:
        services.adjustment_decide(adjustment=adjustment, actor=officer, status="approved")
    assert caught.value.code == "window_started"


@pytest.mark.parametrize("who", ["hr", "member", "ethics", "other_body_officer"])
def test_only_an_adjustments_officer_of_the_body_decides(candidate, application, staff, who):
    adjustment = _request(candidate, application)
    if who == "other_body_officer":
        actor = UserFactory()
        staff_assign(user=actor, role=Role.ADJUSTMENTS_OFFICER, state_body=make_staff().body)
    else:
        actor = {"hr": staff.hr, "member": staff.members[0], "ethics": staff.ethics}[who]
    with pytest.raises(ApplicationError) as caught:
        services.adjustment_decide(adjustment=adjustment, actor=actor, status="approved")
    assert caught.value.code == "not_officer"
    assert Adjustment.objects.get().status == Adjustment.Status.REQUESTED


# --- Pages -------------------------------------------------------------------------------


def test_the_candidate_asks_on_the_site_and_sees_the_status(
    client, candidate, application, officer
):
    client.force_login(candidate.user)
    page = client.get(f"/en/my/applications/{application.pk}/")
    assert "Ask for adjustments" in page.content.decode()
    response = client.post(
        f"/en/my/applications/{application.pk}/adjustments/",
        {
            "extra_time": "minutes",
            "extra_minutes": "20",
            "formats": ["screen_reader"],
            "reason": REASON,
            "document": SimpleUploadedFile("evidence.pdf", PDF),
        },
    )
    assert response.status_code == 302
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "Requested" in page and "+20 min" in page
    services.adjustment_decide(
        adjustment=Adjustment.objects.get(),
        actor=officer,
        status="refused",
        note="Please send a specialist's letter.",
    )
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "Refused" in page and "specialist&#x27;s letter" in page
    assert "every paper still ends when the test window closes" not in page
    assert "Change my request" not in page


def test_a_bad_request_on_the_site_shows_the_reason_and_stores_nothing(
    client, candidate, application
):
    client.force_login(candidate.user)
    response = client.post(
        f"/en/my/applications/{application.pk}/adjustments/",
        {"extra_time": "none", "reason": REASON},
    )
    assert response.status_code == 200
    assert "Ask for extra time, another format, or both." in response.content.decode()
    assert not Adjustment.objects.exists()


def test_another_candidate_gets_404_for_my_adjustment_page(client, application, roles):
    other = make_candidate()
    client.force_login(other.user)
    assert client.get(f"/en/my/applications/{application.pk}/adjustments/").status_code == 404


def test_the_admin_shows_the_reason_only_to_officers_and_commissioners(
    client, candidate, application, officer, staff
):
    adjustment = _request(candidate, application, document=SimpleUploadedFile("e.pdf", PDF))
    change = f"/admin/recruitment/adjustment/{adjustment.pk}/change/"
    document = f"/admin/recruitment/adjustment/{adjustment.pk}/document/"

    client.force_login(staff.hr)
    listing = client.get("/admin/recruitment/adjustment/").content.decode()
    assert application.code in listing and "+50%" in listing
    page = client.get(change).content.decode()
    assert application.code in page and "Dyslexia" not in page
    assert client.get(document).status_code == 403
    assert client.get(f"/admin/recruitment/adjustment/{adjustment.pk}/decide/").status_code == 403

    client.force_login(officer)
    page = client.get(change).content.decode()
    assert "Dyslexia-marker-7731" in page
    response = client.get(document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="adjustment.document_read").count() == 1
    done = client.post(
        f"/admin/recruitment/adjustment/{adjustment.pk}/decide/",
        {"status": "approved", "approved_percent": "0"},
    )
    assert done.status_code == 302
    assert Adjustment.objects.get().status == Adjustment.Status.APPROVED
    client.cookies["eqyzmet_language"] = "en"  # the admin speaks the chosen language
    refused = client.post(
        f"/admin/recruitment/adjustment/{adjustment.pk}/decide/",
        {"status": "refused", "note": "Changed my mind"},
    )
    assert refused.status_code == 200
    assert "give the reason for changing the decision" in refused.content.decode()

    staff.ethics.is_staff = True
    staff.ethics.save()
    client.force_login(staff.ethics)
    assert "Dyslexia-marker-7731" in client.get(change).content.decode()


def test_commission_members_and_other_bodies_cannot_reach_adjustments(
    client, candidate, application, staff
):
    adjustment = _request(candidate, application)
    other = make_staff()
    for user in (staff.members[0], staff.observer, other.hr):
        client.force_login(user)
        for url in (
            "/admin/recruitment/adjustment/",
            f"/admin/recruitment/adjustment/{adjustment.pk}/change/",
            f"/admin/recruitment/adjustment/{adjustment.pk}/document/",
        ):
            response = client.get(url)
            body = response.content.decode() if not response.streaming else ""
            assert response.status_code in (302, 403, 404) or application.code not in body, (
                user,
                url,
            )
            assert "Dyslexia" not in body


def test_the_pages_read_a_bounded_number_of_rows(
    client, candidate, application, competition, officer, django_assert_max_num_queries, roles
):
    _request(candidate, application)
    for _ in range(6):
        other = make_candidate()
        services.adjustment_request(
            user=other.user,
            application=services.application_submit(
                user=other.user,
                competition=competition,
                vacancy=competition.vacancies.get(),
                consent=True,
            ),
            extra_time="25",
            reason=REASON,
        )
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        listing = client.get("/admin/recruitment/adjustment/")
    assert listing.content.decode().count("+25%") >= 6
    client.force_login(candidate.user)
    with django_assert_max_num_queries(14):
        assert client.get(f"/en/my/applications/{application.pk}/adjustments/").status_code == 200


def test_the_readers_page_shows_reasons_to_ethics_and_officers_only(
    client, candidate, application, officer, staff
):
    adjustment = _request(candidate, application, document=SimpleUploadedFile("e.pdf", PDF))
    document = f"/en/staff/adjustments/{adjustment.pk}/document/"
    for reader in (staff.ethics, officer):
        client.force_login(reader)
        page = client.get("/en/staff/adjustments/").content.decode()
        assert "Dyslexia-marker-7731" in page and application.code in page
    response = client.get(document)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.get(action="adjustment.document_read").actor_id == officer.pk

    for outsider in (staff.hr, staff.members[0], staff.observer, candidate.user):
        client.force_login(outsider)
        assert client.get("/en/staff/adjustments/").status_code == 403
        assert client.get(document).status_code == 403

    elsewhere = make_staff()
    client.force_login(elsewhere.ethics)
    page = client.get("/en/staff/adjustments/").content.decode()
    assert "Dyslexia" not in page and application.code not in page
    assert client.get(document).status_code == 404


def test_the_candidate_sees_the_time_granted(client, candidate, application, officer):
    adjustment = _request(candidate, application)
    services.adjustment_decide(adjustment=adjustment, actor=officer, status="approved")
    client.force_login(candidate.user)
    page = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "Approved" in page
    assert 'data-testid="adjustment-granted-time">+50%<' in page
    assert "every paper still ends when the test window closes" in page
