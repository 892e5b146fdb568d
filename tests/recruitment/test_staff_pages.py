"""Permissions and query budgets of the staff pages: admin, commission, observer."""

from __future__ import annotations

import re

import pytest

from eqyzmet.audit import audit_record
from recruitment import selectors, services, services_candidate
from tests.factories import UserFactory
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(roles):
    staff = make_staff()
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    return staff, competition


def _apply_many(competition, n):
    vacancy = competition.vacancies.get()
    return [
        services.application_submit(
            user=make_candidate().user, competition=competition, vacancy=vacancy, consent=True
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize(
    "url",
    ["/kk/staff/commission/", "/kk/staff/observe/"],
)
def test_staff_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_candidate_cannot_open_commission_or_observer_pages(client, setup):
    client.force_login(make_candidate().user)
    assert client.get("/kk/staff/commission/").status_code == 403
    assert client.get("/kk/staff/observe/").status_code == 403


def test_commission_member_declares_before_seeing_the_queue(client, setup):
    staff, competition = setup
    seat = competition.commission.get(user=staff.members[0])
    client.force_login(staff.members[0])
    response = client.get(f"/kk/staff/commission/{seat.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/staff/commission/{seat.pk}/declare/")
    response = client.post(
        f"/en/staff/commission/{seat.pk}/declare/", {"has_conflict": "yes", "statement": ""}
    )
    assert response.status_code == 200
    assert "Describe the conflict" in response.content.decode()
    seat.refresh_from_db()
    assert seat.declared_at is None
    client.post(f"/en/staff/commission/{seat.pk}/declare/", {"has_conflict": "no"})
    seat.refresh_from_db()
    assert seat.declared_at is not None and not seat.has_conflict
    assert client.get(f"/kk/staff/commission/{seat.pk}/").status_code == 200


def test_a_member_cannot_open_another_members_seat(client, setup):
    staff, competition = setup
    other_seat = competition.commission.get(user=staff.members[1])
    client.force_login(staff.members[0])
    assert client.get(f"/kk/staff/commission/{other_seat.pk}/").status_code == 404
    assert (
        client.post(
            f"/kk/staff/commission/{other_seat.pk}/declare/", {"has_conflict": "no"}
        ).status_code
        == 404
    )


def test_a_recused_member_sees_no_work(client, setup):
    staff, competition = setup
    seat = competition.commission.get(user=staff.members[0])
    services.commission_declare(
        member=seat, has_conflict=True, statement="My sister is a candidate"
    )
    client.force_login(staff.members[0])
    response = client.get(f"/en/staff/commission/{seat.pk}/")
    assert "recused" in response.content.decode()


def test_observer_of_the_body_reads_the_ledger_by_code(
    client, setup, django_assert_max_num_queries
):
    staff, competition = setup
    applications = _apply_many(competition, 3)
    drafter = make_candidate()
    services_candidate.application_draft_save(
        profile=drafter.profile,
        competition=competition,
        vacancy=competition.vacancies.get(),
        motivation=f"Draft by {drafter.full_name}",
    )
    client.force_login(staff.observer)
    response = client.get(f"/kk/staff/observe/{competition.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for application in applications:
        assert application.code in html
    assert not any(marker in html for marker in drafter.markers)
    assert "application_draft" not in html
    # Competition events are on the ledger, as sentences; a candidate's own submission is
    # not (it would stamp the code with the moment it was sent).
    assert 'data-testid="ledger-line"' in html
    assert "competition.status_changed" not in html
    assert "application.submitted" not in html


def test_observer_page_query_count_does_not_grow_with_applications(
    client, setup, django_assert_max_num_queries
):
    staff, competition = setup
    client.force_login(staff.observer)
    _apply_many(competition, 2)
    with django_assert_max_num_queries(14) as few:
        client.get(f"/kk/staff/observe/{competition.pk}/")
    _apply_many(competition, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/kk/staff/observe/{competition.pk}/")


def test_the_observer_reads_the_codes_a_page_at_a_time_beside_the_ledger(
    client, setup, monkeypatch
):
    """A competition of 10,000 listed every code on one page (4 s at scale): codes are paged,
    apart from the ledger's own pages."""
    from recruitment import views_staff

    monkeypatch.setattr(views_staff, "CODES_PER_PAGE", 2)
    staff, competition = setup
    codes = sorted(a.code for a in _apply_many(competition, 5))
    client.force_login(staff.observer)
    url = f"/en/staff/observe/{competition.pk}/"
    pages = [client.get(url, {"codes": n}).content.decode() for n in (1, 2, 3)]
    shown = [[code for code in codes if code in html] for html in pages]
    assert shown == [codes[0:2], codes[2:4], codes[4:5]]
    assert "?codes=2&amp;page=1" in pages[0] and "Codes 1–2 of 5" in pages[0]


def test_the_ledger_pages_without_counting_the_whole_ledger(client, setup, monkeypatch):
    """A page reads one event more than it shows to know that another follows; a page past
    the end or not a number shows the first."""
    from recruitment import views_staff

    monkeypatch.setattr(views_staff.LedgerPage, "SIZE", 2)
    staff, competition = setup
    for _ in range(4):
        audit_record(
            action="competition.edited",
            actor=staff.hr,
            target=competition,
            state_body=competition.state_body,
            details={"fields": ["reserve_size"]},
        )
    client.force_login(staff.observer)
    url = f"/en/staff/observe/{competition.pk}/"
    events = list(
        selectors.competition_ledger(competition=competition).values_list("seq", flat=True)
    )
    assert len(events) >= 3, events

    def seqs(html):
        return [int(n) for n in re.findall(r'data-testid="ledger-line"><td>(\d+)</td>', html)]

    first = client.get(url).content.decode()
    assert seqs(first) == events[:2] and "?page=2&amp;codes=1" in first
    last_number = (len(events) + 1) // 2
    last = client.get(url, {"page": last_number}).content.decode()
    assert seqs(last) == events[(last_number - 1) * 2 :]
    assert f"?page={last_number + 1}" not in last and f"Page {last_number}" in last
    for wanted in (last_number + 5, "x", "-1", "9" * 8):
        response = client.get(url, {"page": wanted})
        assert response.status_code == 200, (wanted, response.status_code)
        assert seqs(response.content.decode()) == events[:2], wanted


def test_admin_application_list_query_count_does_not_grow(
    client, setup, django_assert_max_num_queries
):
    staff, competition = setup
    client.force_login(staff.hr)
    _apply_many(competition, 2)
    url = f"/admin/recruitment/application/?competition__id__exact={competition.pk}"
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    _apply_many(competition, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_hr_officer_sees_only_their_bodys_competitions_in_the_admin(client, setup):
    staff, competition = setup
    other = make_staff()
    foreign = make_competition(staff=other)
    client.force_login(staff.hr)
    listing = client.get("/admin/recruitment/competition/").content.decode()
    assert competition.number in listing
    assert foreign.number not in listing
    assert client.get(f"/admin/recruitment/competition/{foreign.pk}/change/").status_code in (
        302,
        404,
    )


def test_a_published_competition_can_no_longer_be_edited_in_the_admin(client, setup):
    staff, competition = setup
    client.force_login(staff.hr)
    response = client.post(
        f"/admin/recruitment/competition/{competition.pk}/change/", {"number": "HACKED"}
    )
    assert response.status_code == 403
    competition.refresh_from_db()
    assert competition.number != "HACKED"


def test_admin_actions_run_the_stage_machine_and_explain_refusals(client, setup):
    staff, competition = setup
    client.force_login(staff.hr)
    client.cookies["eqyzmet_language"] = "en"
    response = client.post(
        "/admin/recruitment/competition/",
        {"action": "publish_results", "_selected_action": [competition.pk]},
        follow=True,
    )
    assert "only after the ranking is locked" in response.content.decode()
    competition.refresh_from_db()
    assert competition.status == "published"


def test_candidate_models_are_not_in_the_admin_even_for_hr(client, setup):
    staff, _competition = setup
    client.force_login(staff.hr)
    for model in (
        "candidateprofile",
        "identityescrow",
        "document",
        "education",
        "experience",
        "applicationdraft",
    ):
        assert client.get(f"/admin/recruitment/{model}/").status_code == 404


def test_a_plain_user_cannot_enter_the_admin(client, setup):
    client.force_login(UserFactory())
    response = client.get("/admin/recruitment/application/")
    assert response.status_code == 302


def test_a_draft_is_in_no_staff_list_or_count(client, setup):
    """Issue 15: drafts live on the candidate's side; the admin's application list, the
    competition's applications and the procedure's counts never meet them."""
    from recruitment.models import Application, ApplicationDraft

    staff, competition = setup
    applications = _apply_many(competition, 2)
    for _ in range(3):
        services_candidate.application_draft_save(
            profile=make_candidate().profile,
            competition=competition,
            vacancy=competition.vacancies.get(),
            motivation="Not sent yet",
        )
    assert ApplicationDraft.objects.count() == 3
    assert competition.applications.count() == 2
    assert Application.objects.filter(competition=competition).count() == 2
    assert not hasattr(competition, "applicationdraft_set")
    client.force_login(staff.hr)
    page = client.get(
        f"/admin/recruitment/application/?competition__id__exact={competition.pk}"
    ).content.decode()
    assert page.count('name="_selected_action"') == 2
    assert all(a.code in page for a in applications)
    assert "Not sent yet" not in page
