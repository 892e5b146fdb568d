"""Every evaluation page per role: anonymous, wrong role, other body, right role."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Assessment, CitizenRatingLink, FeedbackInvitation, FeedbackResponse
from tests.evaluation.factories import (
    Role,
    assessment_of,
    desk_officer,
    employee,
    open_cycle,
    pdf,
    person,
    score,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


@pytest.fixture
def emp(department, manager, competencies):
    return employee(department, supervisor=manager, unit_head=manager)


@pytest.fixture
def other_emp(other_ministry, other_manager, competencies):
    return employee(other_ministry, supervisor=other_manager, unit_head=other_manager)


@pytest.fixture
def cycle(department, emp):
    return open_cycle(department)


@pytest.fixture
def other_cycle(other_ministry, other_emp):
    return open_cycle(other_ministry)


@pytest.fixture
def result(emp, cycle, manager):
    return score(assessment_of(emp, cycle), manager)


@pytest.fixture
def evidence_kpi(emp, cycle, manager):
    assessment = assessment_of(emp, cycle)
    kpi = services.kpi_add(assessment=assessment, actor=manager, name="Reports", target=1, weight=1)
    services.kpi_report(kpi=kpi, actor=emp.user, actual=1, evidence=pdf())
    return kpi


# --- The employee's pages ----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, evidence_kpi, result):
    for target in (
        url("home"),
        url("my_results"),
        url("my_assessment", result.pk),
        url("unit"),
        url("score", result.pk),
        url("evidence", evidence_kpi.pk),
        url("export_csv", result.cycle_id),
    ):
        response = client.get(target)
        assert response.status_code == 302, target
        assert "/accounts/login/" in response["Location"]


def test_people_without_an_evaluation_role_are_refused(client, candidate, result):
    client.force_login(candidate)
    assert client.get(url("home")).status_code == 403
    assert client.get(url("my_results")).status_code == 403
    assert client.get(url("unit")).status_code == 403
    assert client.get(url("score", result.pk)).status_code == 403
    assert client.get(url("my_assessment", result.pk)).status_code == 403


def test_the_employee_sees_their_results_and_history(client, emp, result):
    client.force_login(emp.user)
    response = client.get(url("home"))
    assert response.status_code == 302 and response["Location"].endswith(url("my_results"))
    page = client.get(url("my_results")).content.decode()
    assert "<svg" in page and result.cycle.label in page
    page = client.get(url("my_assessment", result.pk)).content.decode()
    assert 'data-testid="composite"' in page


def test_another_employees_result_is_404_by_url_guessing(client, emp, result, department, manager):
    colleague = employee(department, supervisor=manager)
    client.force_login(colleague.user)
    assert client.get(url("my_assessment", result.pk)).status_code == 404
    assert client.post(url("acknowledge", result.pk)).status_code == 404
    assert client.post(url("contest", result.pk), {"reason": "x" * 20}).status_code == 404
    result.refresh_from_db()
    assert result.status == Assessment.Status.FINALIZED


def test_the_employee_acknowledges_on_the_page(client, emp, result):
    client.force_login(emp.user)
    response = client.post(url("acknowledge", result.pk), follow=True)
    assert response.status_code == 200
    result.refresh_from_db()
    assert result.status == Assessment.Status.ACKNOWLEDGED
    # A second click is refused with a message and changes nothing.
    response = client.post(url("acknowledge", result.pk), follow=True)
    assert next(iter(response.context["messages"])).level_tag == "error"


def test_a_short_contest_is_refused_with_a_message(client, emp, result):
    client.force_login(emp.user)
    response = client.post(url("contest", result.pk), {"reason": "bad"})
    assert response.status_code == 400
    result.refresh_from_db()
    assert result.status == Assessment.Status.FINALIZED


def test_the_employee_reports_a_kpi_with_evidence(client, emp, cycle, manager):
    assessment = assessment_of(emp, cycle)
    kpi = services.kpi_add(assessment=assessment, actor=manager, name="Cases", target=10, weight=1)
    client.force_login(emp.user)
    response = client.post(
        url("my_kpi_report", assessment.pk, kpi.pk), {"actual": "12", "evidence": pdf()}
    )
    assert response.status_code == 302
    kpi.refresh_from_db()
    assert kpi.actual == D("12.00") and kpi.evidence


def test_the_service_desk_issues_a_citizen_link_shown_once(client, emp, department):
    desk = desk_officer(department)
    client.force_login(desk)
    page = client.get(url("citizen_link_issue"))
    assert page.status_code == 200 and emp.user.email in page.content.decode()
    response = client.post(
        url("citizen_link_issue"), {"employee": emp.pk, "service": "Address certificate"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = response.context["code"]
    assert CitizenRatingLink.objects.get().token_hash == services.token_hash(code)


def test_the_employee_has_no_way_to_issue_their_own_links(client, emp, department):
    client.force_login(emp.user)
    assert url("citizen_link_issue") not in client.get(url("my_results")).content.decode()
    assert client.get(url("citizen_link_issue")).status_code == 403
    response = client.post(url("citizen_link_issue"), {"employee": emp.pk, "service": "Help"})
    assert response.status_code == 403
    # A desk officer who is evaluated too cannot pick themselves.
    desk = desk_officer(department)
    client.force_login(desk)
    colleague = employee(department)
    from evaluation.models import Employee

    Employee.objects.filter(pk=colleague.pk).update(user=desk)
    response = client.post(url("citizen_link_issue"), {"employee": colleague.pk, "service": "Help"})
    assert response.status_code == 400
    assert CitizenRatingLink.objects.count() == 0


# --- Evidence downloads --------------------------------------------------------------------


def test_evidence_downloads_only_for_permitted_people(
    client, emp, evidence_kpi, manager, hr_officer, other_manager, other_hr_officer, department
):
    allowed = [emp.user, manager, hr_officer]
    refused = [other_manager, other_hr_officer, employee(department).user, person(Role.CANDIDATE)]
    for user in allowed:
        client.force_login(user)
        response = client.get(url("evidence", evidence_kpi.pk))
        assert response.status_code == 200, user
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    for user in refused:
        client.force_login(user)
        assert client.get(url("evidence", evidence_kpi.pk)).status_code == 404, user


# --- 360 -----------------------------------------------------------------------------------


def _two_answers(assessment, manager):
    peers = [person(), person()]
    services.feedback_invite(
        assessment=assessment, actor=manager, respondents=peers, relation="peer"
    )
    for peer in peers:
        services.feedback_submit(
            invitation=FeedbackInvitation.objects.get(respondent=peer),
            actor=peer,
            collaboration=1,
            reliability=1,
            respect=1,
        )


def test_two_360_answers_are_shown_nowhere(client, emp, cycle, manager, hr_officer, admin_user):
    assessment = assessment_of(emp, cycle)
    _two_answers(assessment, manager)
    assessment = score(assessment, manager)
    pages = [
        (emp.user, url("my_assessment", assessment.pk)),
        (manager, url("score", assessment.pk)),
        (hr_officer, reverse("admin:evaluation_assessment_change", args=[assessment.pk])),
        (admin_user, reverse("admin:evaluation_assessment_change", args=[assessment.pk])),
        (hr_officer, url("export_csv", cycle.pk)),
    ]
    for user, target in pages:
        client.force_login(user)
        response = client.get(target)
        assert response.status_code == 200, target
        body = (
            b"".join(response.streaming_content)
            if hasattr(response, "streaming_content")
            else response.content
        ).decode()
        assert 'data-testid="feedback-aggregate"' not in body
        assert "20.00" not in body  # what two answers of 1/5 would score
    # The answers are not in the admin at all.
    client.force_login(admin_user)
    assert client.get("/admin/evaluation/feedbackresponse/").status_code == 404
    assert client.get("/admin/evaluation/feedbackinvitation/").status_code == 404
    assert FeedbackResponse.objects.count() == 2


def test_the_360_form_is_only_for_the_invited_person(client, emp, cycle, manager):
    assessment = assessment_of(emp, cycle)
    peer = person()
    services.feedback_invite(
        assessment=assessment, actor=manager, respondents=[peer], relation="peer"
    )
    invitation = FeedbackInvitation.objects.get()
    client.force_login(person())
    assert client.get(url("feedback", invitation.pk)).status_code == 404
    client.force_login(peer)
    assert client.get(url("feedback", invitation.pk)).status_code == 200
    marks = {"collaboration": "4", "reliability": "5", "respect": "3"}
    assert client.post(url("feedback", invitation.pk), marks).status_code == 302
    assert client.post(url("feedback", invitation.pk), marks).status_code == 400
    assert FeedbackResponse.objects.count() == 1


# --- The manager's pages -------------------------------------------------------------------


def test_the_manager_sees_their_unit_only(client, manager, result, other_cycle, other_emp):
    client.force_login(manager)
    page = client.get(url("unit")).content.decode()
    assert result.employee.user.email in page
    assert other_emp.user.email not in page
    assert client.get(url("unit") + f"?cycle={other_cycle.pk}").status_code == 404
    other = assessment_of(other_emp, other_cycle)
    assert client.get(url("score", other.pk)).status_code == 404
    assert client.post(url("kpi_add", other.pk), {}).status_code == 404
    assert client.post(url("feedback_invite", other.pk), {}).status_code == 404


def test_a_manager_of_a_parent_body_sees_the_sub_body(client, ministry, result):
    head_of_ministry = person(Role.MANAGER, ministry)
    client.force_login(head_of_ministry)
    assert result.employee.user.email in client.get(url("unit")).content.decode()
    # Seeing is not scoring: only the named evaluators score.
    assert client.get(url("score", result.pk)).status_code == 200


def test_employees_cannot_open_manager_pages(client, emp, result):
    client.force_login(emp.user)
    assert client.get(url("unit")).status_code == 403
    assert client.get(url("score", result.pk)).status_code == 403


def test_the_manager_scores_on_the_page(client, manager, emp, cycle, competencies):
    assessment = assessment_of(emp, cycle)
    client.force_login(manager)
    response = client.post(
        url("kpi_add", assessment.pk),
        {
            "name": "Cases closed",
            "unit": "pcs",
            "direction": "higher",
            "target": "40",
            "weight": "2",
        },
    )
    assert response.status_code == 302
    kpi = assessment.kpis.get()
    client.post(url("manager_kpi_report", assessment.pk, kpi.pk), {"actual": "44"})
    data = {f"c{c.pk}": "5" for c in competencies}
    # One rating missing: refused, nothing saved.
    response = client.post(url("score", assessment.pk), {**data, f"c{competencies[0].pk}": ""})
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    response = client.post(url("score", assessment.pk), {**data, "comment": "Strong quarter"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINALIZED
    assert assessment.composite == D("100.00")


def test_a_bad_kpi_is_refused_on_the_page(client, manager, emp, cycle):
    assessment = assessment_of(emp, cycle)
    client.force_login(manager)
    response = client.post(
        url("kpi_add", assessment.pk),
        {"name": "X", "direction": "higher", "target": "0", "weight": "1"},
    )
    assert response.status_code == 400
    assert not assessment.kpis.exists()


# --- Payroll export --------------------------------------------------------------------------


def test_the_export_is_for_hr_of_the_body_only(
    client, result, hr_officer, other_hr_officer, manager, emp, admin_user
):
    target = url("export_csv", result.cycle_id)
    for user in (other_hr_officer, manager, emp.user):
        client.force_login(user)
        assert client.get(target).status_code == 404, user
    for user in (hr_officer, admin_user):
        client.force_login(user)
        response = client.get(target)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        assert emp.user.email in body and str(result.composite) in body


def test_export_cells_cannot_start_a_formula(client, department, manager, hr_officer, competencies):
    emp = employee(department, supervisor=manager, position="=HYPERLINK(1)")
    cycle = open_cycle(department)
    client.force_login(hr_officer)
    body = b"".join(client.get(url("export_csv", cycle.pk)).streaming_content).decode()
    assert "'=HYPERLINK(1)" in body and emp.pk


# --- Citizens ----------------------------------------------------------------------------------


def test_a_citizen_rates_through_the_code_once(client, emp, department):
    issued = services.citizen_link_issue(
        employee=emp, actor=desk_officer(department), service="Certificate"
    )
    response = client.post(url("rate_start"), {"code": issued.code})
    assert response.status_code == 200 and "Certificate" in response.content.decode()
    response = client.post(url("rate_start"), {"code": issued.code, "score": "4", "comment": "OK"})
    assert response.status_code == 200
    assert CitizenRatingLink.objects.get().score == 4
    response = client.post(url("rate_start"), {"code": issued.code, "score": "1"})
    assert response.status_code == 410
    assert str(services.USED_LINK) in response.content.decode()
    assert CitizenRatingLink.objects.get().score == 4


def test_a_citizen_enters_the_code(client, emp, department):
    issued = services.citizen_link_issue(
        employee=emp, actor=desk_officer(department), service="Certificate"
    )
    response = client.post(url("rate_start"), {"code": issued.code.lower()})
    assert response.status_code == 200
    assert response.context["link"] == issued.link
    response = client.post(url("rate_start"), {"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 400
    assert str(services.INVALID_LINK) in response.content.decode()
    # A bad score shows the form again, with the code still in the POST body only.
    response = client.post(url("rate_start"), {"code": issued.code, "score": "9"})
    assert response.status_code == 400
    assert CitizenRatingLink.objects.get().rated_at is None


def test_guessing_codes_is_throttled(client, emp, department):
    issued = services.citizen_link_issue(
        employee=emp, actor=desk_officer(department), service="Certificate"
    )
    for _ in range(20):
        client.post(url("rate_start"), {"code": "AAAA-BBBB-CCCC"})
    assert client.post(url("rate_start"), {"code": issued.code}).status_code == 429
    assert client.post(url("rate_start"), {"code": issued.code, "score": "5"}).status_code == 429
    assert CitizenRatingLink.objects.get().rated_at is None


def test_the_unit_page_counts_everyone_but_lists_one_page_at_a_time(
    client, department, manager, competencies
):
    """A unit of 53: the counts cover all 53, the table shows 50 and then 3, and 'only the
    overdue' lists just the two the manager is late with."""
    import datetime as dt

    from evaluation.selectors import UNIT_PAGE_SIZE

    staff = [
        employee(department, supervisor=manager, unit_head=manager)
        for _ in range(UNIT_PAGE_SIZE + 3)
    ]
    cycle = open_cycle(department)
    for emp in staff[2:]:
        score(assessment_of(emp, cycle), manager)
    cycle.due_date = dt.date(2000, 1, 1)  # the two unscored are now overdue
    cycle.save(update_fields=["due_date"])
    client.force_login(manager)

    first = client.get("/en/evaluation/unit/", {"cycle": cycle.pk})
    assert len(first.context["overview"].rows) == UNIT_PAGE_SIZE
    assert first.context["overview"].total == UNIT_PAGE_SIZE + 3
    assert b'data-testid="overdue-count">2<' in first.content
    assert b"Page 1 of 2 (53 people)" in first.content

    second = client.get("/en/evaluation/unit/", {"cycle": cycle.pk, "page": 2})
    assert len(second.context["overview"].rows) == 3
    # A page past the end shows the last page, and nonsense shows the first.
    assert (
        client.get("/en/evaluation/unit/", {"cycle": cycle.pk, "page": 99}).context["overview"].page
        == 2
    )
    assert (
        client.get("/en/evaluation/unit/", {"cycle": cycle.pk, "page": "x"})
        .context["overview"]
        .page
        == 1
    )

    late = client.get("/en/evaluation/unit/", {"cycle": cycle.pk, "overdue": 1})
    rows = late.context["overview"].rows
    assert {a.employee_id for a in rows} == {staff[0].pk, staff[1].pk}
    assert all(a.is_overdue for a in rows)
    assert late.content.count(b'class="overdue"') == 2
