"""Internships: eligibility on the server, duplicates, redaction, the selection by code and
the audited reveal; the public, candidate and admin pages with their permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from careers.internships import services
from careers.models_internships import (
    Internship,
    InternshipApplication,
    InternshipIdentity,
    InternshipReveal,
    Standing,
)
from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.models import Education
from tests.careers.internship_factories import (
    MOTIVATION,
    apply,
    close_window,
    make_internship,
    status_pdf,
    student,
)
from tests.factories import UserFactory, make_state_body
from tests.recruitment.factories import make_candidate, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(roles):
    return make_staff()


def _graduate(candidate, years_ago: int) -> services.Declared:
    entry = Education.objects.get(profile=candidate.profile)
    entry.graduation_year = timezone.localdate().year - years_ago
    entry.save()
    return services.declared_facts(
        user=candidate.user, standing=Standing.GRADUATE, education_id=entry.pk
    )


def _refused(code: str, **kwargs) -> str:
    with pytest.raises(ApplicationError) as caught:
        apply(**kwargs)
    assert caught.value.code == code
    assert not InternshipApplication.objects.exists()
    assert not InternshipIdentity.objects.exists()
    return str(caught.value.message)


# --- Eligibility, checked on the server ----------------------------------------------------


def test_a_student_in_the_required_year_applies_and_gets_a_code(staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body)
    application = apply(candidate.user, internship, declared=student(year=3))
    assert application.status == InternshipApplication.Status.SUBMITTED
    assert len(application.code) == 12
    assert (application.standing, application.level, application.field) == ("student", 3, "it")
    assert application.year_of_study == 3 and application.years_since_graduation is None
    assert AuditEvent.objects.filter(action="internship.applied").count() == 1


def test_a_student_below_the_year_of_study_is_refused_with_the_rule(staff):
    internship = make_internship(body=staff.body, min_year_of_study=3)
    message = _refused(
        "ineligible",
        user=make_candidate().user,
        internship=internship,
        declared=student(year=2),
    )
    assert message == "Students may apply from year 3 of study; you are in year 2."


def test_a_graduate_within_the_window_applies_from_the_profile_education(staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body, graduated_within_years=2, fields=["law"])
    application = apply(candidate.user, internship, declared=_graduate(candidate, 2))
    assert application.standing == "graduate"
    assert application.years_since_graduation == 2
    assert application.field == "law" and application.year_of_study is None


def test_a_graduate_outside_the_window_is_refused(staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body, graduated_within_years=2, fields=["law"])
    message = _refused(
        "ineligible",
        user=candidate.user,
        internship=internship,
        declared=_graduate(candidate, 3),
    )
    year = timezone.localdate().year - 3
    assert message == (
        f"Graduates may apply up to 2 full years after graduating; you graduated in {year}."
    )


def test_a_graduate_must_pick_their_own_education_entry(staff):
    mine, other = make_candidate(), make_candidate()
    theirs = Education.objects.get(profile=other.profile)
    with pytest.raises(ApplicationError) as caught:
        services.declared_facts(user=mine.user, standing=Standing.GRADUATE, education_id=theirs.pk)
    assert caught.value.code == "education_required"


def test_students_only_and_graduates_only_internships(staff):
    candidate = make_candidate()
    graduates_only = make_internship(body=staff.body, open_to_students=False)
    message = _refused(
        "ineligible", user=candidate.user, internship=graduates_only, declared=student(year=4)
    )
    assert message == "This internship is for graduates only."
    students_only = make_internship(body=staff.body, open_to_graduates=False, fields=[])
    message = _refused(
        "ineligible",
        user=candidate.user,
        internship=students_only,
        declared=_graduate(candidate, 0),
    )
    assert message == "This internship is for students only."


def test_a_field_the_internship_does_not_accept_is_refused(staff):
    internship = make_internship(body=staff.body, fields=["economics"])
    message = _refused(
        "ineligible",
        user=make_candidate().user,
        internship=internship,
        declared=student(field="it"),
    )
    assert message == "Your field of study is not among the fields this internship accepts."


def test_an_empty_field_list_accepts_every_field(staff):
    internship = make_internship(body=staff.body, fields=[])
    assert apply(make_candidate().user, internship, declared=student(field="agriculture"))


def test_a_second_application_for_the_same_internship_is_refused(staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body)
    apply(candidate.user, internship)
    with pytest.raises(ApplicationError) as caught:
        apply(candidate.user, internship)
    assert caught.value.code == "duplicate"
    assert InternshipApplication.objects.count() == 1
    # Another internship is a separate application.
    assert apply(candidate.user, make_internship(body=staff.body))


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"applications_open_at": timezone.now() + dt.timedelta(days=1)}, "window_closed"),
        ({"is_published": False}, "window_closed"),
    ],
)
def test_no_application_outside_the_window_or_before_publication(staff, overrides, code):
    internship = make_internship(
        body=staff.body,
        **{"applications_close_at": timezone.now() + dt.timedelta(days=5), **overrides},
    )
    _refused(code, user=make_candidate().user, internship=internship)


def test_no_application_after_the_window_closed(staff):
    internship = make_internship(body=staff.body)
    close_window(internship)
    _refused("window_closed", user=make_candidate().user, internship=internship)


def test_an_account_without_a_candidate_profile_is_refused(staff):
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    message = _refused("profile_required", user=user, internship=make_internship(body=staff.body))
    assert message == "Fill in your candidate profile before you apply."


@pytest.mark.parametrize(
    ("motivation", "code"),
    [
        ("Too short.", "motivation_short"),
        ("x" * 1501, "motivation_long"),
        (
            "I want this internship very much\x07 because I like public service work.",
            "control_characters",
        ),
    ],
)
def test_bad_motivation_is_refused_and_nothing_is_stored(staff, motivation, code):
    _refused(
        code,
        user=make_candidate().user,
        internship=make_internship(body=staff.body),
        motivation=motivation,
    )


def test_a_motivation_of_exactly_1500_characters_is_accepted(staff):
    text = (MOTIVATION + " ") * 20
    assert apply(make_candidate().user, make_internship(body=staff.body), motivation=text[:1500])


def test_the_status_document_is_checked_by_its_content(staff):
    disguised = SimpleUploadedFile("card.pdf", b"MZ\x90\x00 not a pdf at all")
    message = _refused(
        "file_type",
        user=make_candidate().user,
        internship=make_internship(body=staff.body),
        document=disguised,
    )
    assert "PDF, JPEG and PNG" in message


# --- Redaction and the separate identity ------------------------------------------------------


def test_staff_side_holds_only_the_redacted_motivation_and_no_link_to_the_person(staff):
    candidate = make_candidate()
    written = (
        f"I am {candidate.full_name}, IIN {candidate.iin}, write to {candidate.email} or call "
        f"{candidate.phone}. I want to help citizens."
    )
    application = apply(candidate.user, make_internship(body=staff.body), motivation=written)
    for marker in candidate.markers:
        assert marker not in application.motivation_redacted
    assert "[EMAIL]" in application.motivation_redacted
    assert application.redaction_count >= 3
    identity = InternshipIdentity.objects.get(application_id=application.pk)
    assert identity.motivation == written
    assert identity.owner == str(candidate.user.pk)
    stored = identity.status_document.name
    assert "my card" not in stored and stored.endswith(".pdf")
    relations = {f.name for f in InternshipApplication._meta.get_fields() if f.is_relation}
    assert relations == {"internship", "reveals"}


# --- Selection by code and the reveal ------------------------------------------------------


def test_selection_waits_for_the_window_to_close(staff):
    internship = make_internship(body=staff.body)
    application = apply(make_candidate().user, internship)
    with pytest.raises(ApplicationError) as caught:
        services.internship_decide(
            application=application, actor=staff.hr, status="shortlisted", note="Strong"
        )
    assert caught.value.code == "window_open"
    close_window(internship)
    decided = services.internship_decide(
        application=application, actor=staff.hr, status="shortlisted", note="Strong motivation"
    )
    assert decided.status == "shortlisted" and decided.note == "Strong motivation"
    event = AuditEvent.objects.get(action="internship.decided")
    assert event.details == {"code": application.code, "status": "shortlisted"}


def test_a_not_shortlisted_code_cannot_be_revealed(staff):
    internship = make_internship(body=staff.body)
    application = apply(make_candidate().user, internship)
    close_window(internship)
    with pytest.raises(ApplicationError) as caught:
        services.internship_reveal(
            application=application, actor=staff.hr, reason="We want to call this person"
        )
    assert caught.value.code == "reveal_refused"
    services.internship_decide(
        application=application, actor=staff.hr, status="not_selected", note="Other fields"
    )
    with pytest.raises(ApplicationError):
        services.internship_reveal(
            application=application, actor=staff.hr, reason="We want to call this person"
        )
    assert not InternshipReveal.objects.exists()


def test_the_reveal_of_a_shortlisted_code_records_who_when_and_why(staff):
    from ethics.models import EthicsCase

    internship = make_internship(body=staff.body)
    application = apply(make_candidate().user, internship)
    close_window(internship)
    services.internship_decide(
        application=application, actor=staff.hr, status="shortlisted", note="Strong"
    )
    with pytest.raises(ApplicationError) as caught:
        services.internship_reveal(application=application, actor=staff.hr, reason="short")
    assert caught.value.code == "reason_required"
    reveal = services.internship_reveal(
        application=application, actor=staff.hr, reason="Shortlisted: invite to an interview"
    )
    assert reveal.revealed_by == staff.hr
    assert reveal.reason == "Shortlisted: invite to an interview"
    assert reveal.revealed_at <= timezone.now()
    event = AuditEvent.objects.get(action="internship.identity_revealed")
    assert event.actor_id == staff.hr.pk and event.details["code"] == application.code
    case = EthicsCase.objects.get(dedupe_key=f"internship-reveal:{reveal.pk}")
    assert case.evidence["code"] == application.code
    # Once revealed, a code is not revealed twice and its decision is settled.
    with pytest.raises(ApplicationError):
        services.internship_reveal(
            application=application, actor=staff.hr, reason="Shortlisted: invite again"
        )
    with pytest.raises(ApplicationError) as caught:
        services.internship_decide(
            application=application, actor=staff.hr, status="not_selected", note="Changed"
        )
    assert caught.value.code == "revealed"


def test_an_illegal_transition_is_refused(staff):
    internship = make_internship(body=staff.body)
    application = apply(make_candidate().user, internship)
    close_window(internship)
    with pytest.raises(ApplicationError) as caught:
        services.internship_decide(
            application=application, actor=staff.hr, status="submitted", note="Back"
        )
    assert caught.value.code == "transition"


# --- Pages -----------------------------------------------------------------------------------


def test_the_public_list_filters_by_region_and_field(client, staff):
    astana_it = make_internship(body=staff.body, region="Astana", fields=["it"])
    almaty_any = make_internship(body=staff.body, region="Almaty", fields=[])
    almaty_law = make_internship(body=staff.body, region="Almaty", fields=["law"])
    hidden = make_internship(body=staff.body, is_published=False)
    page = client.get("/en/careers/internships/").content.decode()
    for shown in (astana_it, almaty_any, almaty_law):
        assert shown.title_en in page
    assert hidden.title_en not in page
    page = client.get("/en/careers/internships/?region=Almaty&field=it").content.decode()
    assert almaty_any.title_en in page
    assert astana_it.title_en not in page and almaty_law.title_en not in page


def test_the_public_list_runs_a_bounded_number_of_queries(
    client, staff, django_assert_max_num_queries
):
    for _ in range(8):
        make_internship(body=staff.body)
    with django_assert_max_num_queries(8):
        assert client.get("/en/careers/internships/").status_code == 200


def test_an_unpublished_internship_page_is_not_found(client, staff):
    internship = make_internship(body=staff.body, is_published=False)
    assert client.get(f"/en/careers/internships/{internship.pk}/").status_code == 404
    assert client.get(f"/en/careers/internships/{internship.pk + 999}/").status_code == 404


def test_the_internship_page_states_who_may_apply(client, staff):
    internship = make_internship(body=staff.body, min_year_of_study=2, fields=["it"])
    page = client.get(f"/en/careers/internships/{internship.pk}/").content.decode()
    assert "Students from year 2 of study" in page
    assert "Graduates within 2 years of graduating" in page
    assert "Information technology" in page


def test_a_candidate_applies_on_the_page_and_sees_the_code_and_status(client, staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body)
    client.force_login(candidate.user)
    response = client.post(
        f"/en/careers/internships/{internship.pk}/apply/",
        {
            "standing": "student",
            "level": "3",
            "field": "it",
            "year_of_study": "4",
            "motivation": MOTIVATION,
            "document": status_pdf(),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/careers/internships/my/")
    application = InternshipApplication.objects.get()
    page = client.get("/en/careers/internships/my/").content.decode()
    assert application.code in page and "Submitted" in page
    # The page no longer offers to apply again, and the apply page sends them to "my".
    detail = client.get(f"/en/careers/internships/{internship.pk}/").content.decode()
    assert "You have applied for this internship." in detail
    again = client.get(f"/en/careers/internships/{internship.pk}/apply/")
    assert again.status_code == 302


def test_an_ineligible_application_on_the_page_shows_the_reason(client, staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body, min_year_of_study=3)
    client.force_login(candidate.user)
    response = client.post(
        f"/en/careers/internships/{internship.pk}/apply/",
        {
            "standing": "student",
            "level": "3",
            "field": "it",
            "year_of_study": "1",
            "motivation": MOTIVATION,
            "document": status_pdf(),
        },
    )
    assert response.status_code == 200
    assert (
        "Students may apply from year 3 of study; you are in year 1." in response.content.decode()
    )
    assert not InternshipApplication.objects.exists()


def test_a_graduate_without_education_in_the_profile_is_told_to_add_it(client, staff):
    candidate = make_candidate()
    Education.objects.filter(profile=candidate.profile).delete()
    internship = make_internship(body=staff.body)
    client.force_login(candidate.user)
    response = client.post(
        f"/en/careers/internships/{internship.pk}/apply/",
        {"standing": "graduate", "motivation": MOTIVATION, "document": status_pdf()},
    )
    assert "Choose the education you graduated from" in response.content.decode()
    assert not InternshipApplication.objects.exists()


def test_apply_and_my_pages_are_for_candidates_only(client, staff):
    internship = make_internship(body=staff.body)
    for url in (f"/en/careers/internships/{internship.pk}/apply/", "/en/careers/internships/my/"):
        client.logout()
        assert "/accounts/login/" in client.get(url)["Location"]
        client.force_login(staff.hr)
        assert client.get(url).status_code == 403


def test_a_candidate_without_a_profile_is_sent_to_fill_it_in(client, staff):
    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    client.force_login(user)
    internship = make_internship(body=staff.body)
    response = client.get(f"/en/careers/internships/{internship.pk}/apply/")
    assert response.status_code == 302 and "/my/profile/" in response["Location"]


def test_my_page_shows_only_my_own_applications(client, staff):
    mine, other = make_candidate(), make_candidate()
    internship = make_internship(body=staff.body)
    own = apply(mine.user, internship)
    theirs = apply(other.user, internship)
    client.force_login(mine.user)
    page = client.get("/en/careers/internships/my/").content.decode()
    assert own.code in page and theirs.code not in page


# --- Admin -----------------------------------------------------------------------------------


def _en(client, user):
    client.force_login(user)
    client.cookies["eqyzmet_language"] = "en"


def test_the_hr_admin_shows_code_facts_and_redacted_text_only(client, staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body)
    application = apply(
        candidate.user,
        internship,
        motivation=f"My name is {candidate.full_name}, e-mail {candidate.email}. I want to help.",
    )
    _en(client, staff.hr)
    listing = client.get("/admin/careers/internshipapplication/").content.decode()
    assert application.code in listing
    page = client.get(
        f"/admin/careers/internshipapplication/{application.pk}/change/"
    ).content.decode()
    assert application.code in page and "[EMAIL]" in page
    assert "year of study: 3" in page and "Anonymous until revealed." in page
    assert "a possible self-identification" in page
    for marker in candidate.markers:
        assert marker not in page


def test_an_officer_of_another_body_sees_nothing(client, staff):
    other = make_staff()
    internship = make_internship(body=staff.body)
    application = apply(make_candidate().user, internship)
    _en(client, other.hr)
    listing = client.get("/admin/careers/internshipapplication/").content.decode()
    assert application.code not in listing
    change = client.get(f"/admin/careers/internshipapplication/{application.pk}/change/")
    assert change.status_code in (302, 404)
    for page in ("decide", "reveal", "document"):
        assert (
            client.get(f"/admin/careers/internshipapplication/{application.pk}/{page}/").status_code
            == 404
        )
    assert client.get(f"/admin/careers/internship/{internship.pk}/change/").status_code in (
        302,
        404,
    )


def test_the_hr_officer_publishes_an_internship_for_their_body_only(client, staff):
    other_body = make_state_body()
    _en(client, staff.hr)
    form = client.get("/admin/careers/internship/add/").content.decode()
    assert staff.body.name_en in form or staff.body.name_ru in form
    now = timezone.now()
    data = {
        "state_body": other_body.pk,
        "region": "Astana",
        "places": "2",
        "is_published": "on",
        "title_kk": "Т",
        "title_ru": "Т",
        "title_en": "Other body's internship",
        "description_kk": "С",
        "description_ru": "О",
        "description_en": "D",
        "starts_on": "2030-01-10",
        "ends_on": "2030-02-10",
        "open_to_students": "on",
        "min_year_of_study": "3",
        "graduated_within_years": "1",
        "fields": ["it"],
        "applications_open_at_0": now.strftime("%Y-%m-%d"),
        "applications_open_at_1": "10:00:00",
        "applications_close_at_0": (now + dt.timedelta(days=9)).strftime("%Y-%m-%d"),
        "applications_close_at_1": "10:00:00",
    }
    refused = client.post("/admin/careers/internship/add/", data)
    assert refused.status_code == 200 and not Internship.objects.exists()
    done = client.post("/admin/careers/internship/add/", {**data, "state_body": staff.body.pk})
    assert done.status_code == 302, done.content.decode()[:2000]
    internship = Internship.objects.get()
    assert internship.fields == ["it"] and internship.state_body == staff.body


def test_the_document_opens_only_after_the_reveal_and_each_opening_is_audited(client, staff):
    candidate = make_candidate()
    internship = make_internship(body=staff.body)
    application = apply(candidate.user, internship, document=status_pdf("certificate 42"))
    close_window(internship)
    _en(client, staff.hr)
    base = f"/admin/careers/internshipapplication/{application.pk}"
    assert client.get(f"{base}/document/").status_code == 404
    decided = client.post(f"{base}/decide/", {"status": "shortlisted", "note": "Strong case"})
    assert decided.status_code == 302
    refused = client.post(f"{base}/reveal/", {"reason": "short"})
    assert refused.status_code == 200 and not InternshipReveal.objects.exists()
    done = client.post(f"{base}/reveal/", {"reason": "Shortlisted: call for an interview"})
    assert done.status_code == 302
    page = client.get(f"{base}/change/").content.decode()
    assert candidate.full_name in page and candidate.email in page
    document = client.get(f"{base}/document/")
    assert document.status_code == 200
    assert b"certificate 42" in b"".join(document.streaming_content)
    assert AuditEvent.objects.filter(action="internship.document_read").count() == 1


def test_the_decide_page_shows_the_service_refusal(client, staff):
    internship = make_internship(body=staff.body)
    application = apply(make_candidate().user, internship)
    _en(client, staff.hr)
    response = client.post(
        f"/admin/careers/internshipapplication/{application.pk}/decide/",
        {"status": "shortlisted", "note": "Strong"},
    )
    assert "Selection starts when the application window has closed." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
