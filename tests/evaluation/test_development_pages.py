"""The development pages: who may see and do what, and bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation import services
from evaluation.models_development import CourseCompletion, DevelopmentPlan
from tests.evaluation.development_factories import course, family, join, mandatory, scored_year
from tests.evaluation.factories import Role, assessment_of, employee, open_cycle, pdf, person, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(department, manager, competencies):
    fam = family(levels={"professionalism": 4, "initiative": 4})
    course("Writing regulations", competency="professionalism")
    mandatory(fam, title="Ethics of the civil servant", days=-2)
    emp = employee(department, supervisor=manager, unit_head=manager)
    join(emp, fam)
    scored_year(emp, manager, mark=3)
    return emp


def test_anonymous_and_outsiders_are_refused(client, planned, other_manager):
    plan = DevelopmentPlan.objects.get()
    assert client.get("/en/evaluation/development/").status_code == 302
    assert client.get("/en/evaluation/unit/development/").status_code == 302
    client.force_login(person())  # neither employee nor manager
    assert client.get("/en/evaluation/development/").status_code == 403
    assert client.get("/en/evaluation/unit/development/").status_code == 403
    assert client.post(f"/en/evaluation/development/plan/{plan.pk}/agree/").status_code == 404
    client.force_login(other_manager)  # a manager of another body
    assert client.get("/en/evaluation/unit/development/").status_code == 200
    assert planned.user.email not in client.get("/en/evaluation/unit/development/").content.decode()
    assert client.post(f"/en/evaluation/development/plan/{plan.pk}/agree/").status_code == 404
    goal = plan.goals.first()
    assert (
        client.post(f"/en/evaluation/unit/development/goal/{goal.pk}/confirm/").status_code == 404
    )
    plan.refresh_from_db()
    assert plan.manager_agreed_at is None


def test_employee_agrees_and_records_then_manager_confirms(client, planned, manager):
    plan = DevelopmentPlan.objects.get()
    client.force_login(planned.user)
    page = client.get("/en/evaluation/development/").content.decode()
    assert "Writing regulations" in page and "Mentoring" in page
    assert "Works independently (professionalism)" in page  # the expected level, described
    assert "Ethics of the civil servant" in page and "overdue" in page
    client.post(f"/en/evaluation/development/plan/{plan.pk}/agree/")
    plan.refresh_from_db()
    assert plan.employee_agreed_at and plan.status == "draft"
    writing = plan.goals.first().activities.filter(kind="course").first().course
    bad = client.post(
        "/en/evaluation/development/",
        {"course": writing.pk, "completed_on": "2999-01-01", "evidence": pdf()},
    )
    assert bad.status_code == 400 and "cannot be in the future" in bad.content.decode()
    client.post(
        "/en/evaluation/development/",
        {"course": writing.pk, "completed_on": dt.date.today().isoformat(), "evidence": pdf()},
    )
    completion = CourseCompletion.objects.get()
    assert client.get(f"/en/evaluation/development/evidence/{completion.pk}/").status_code == 200

    client.force_login(manager)
    team = client.get("/en/evaluation/unit/development/").content.decode()
    assert planned.user.email in team and "Writing regulations" in team
    assert client.get(f"/en/evaluation/development/evidence/{completion.pk}/").status_code == 200
    client.post(f"/en/evaluation/development/plan/{plan.pk}/agree/")
    client.post(
        f"/en/evaluation/unit/development/training/{completion.pk}/", {"decision": "confirm"}
    )
    plan.refresh_from_db()
    completion.refresh_from_db()
    assert plan.status == "agreed" and completion.status == "confirmed"
    for goal in plan.goals.all():
        client.post(f"/en/evaluation/unit/development/goal/{goal.pk}/confirm/")
    plan.refresh_from_db()
    assert plan.status == "completed"


def test_evidence_is_private(client, planned, other_manager):
    completion = CourseCompletion.objects.create(
        employee=planned, course=course("Other"), completed_on=dt.date.today()
    )
    completion.evidence.save("evidence", pdf(), save=True)
    client.force_login(other_manager)
    assert client.get(f"/en/evaluation/development/evidence/{completion.pk}/").status_code == 404
    client.force_login(person())
    assert client.get(f"/en/evaluation/development/evidence/{completion.pk}/").status_code == 404


def test_pages_have_bounded_queries(
    client, planned, manager, department, django_assert_max_num_queries
):
    fam = planned.family_membership.family
    more = [employee(department, supervisor=manager, unit_head=manager) for _ in range(3)]
    for emp in more:
        join(emp, fam)
        course(f"Course for {emp.pk}", competency="initiative")
    cycle = open_cycle(department, year=2024, quarter=1)
    for emp in [planned, *more]:
        score(assessment_of(emp, cycle), manager, mark=2)
    services.annual_results_compute(year=2024)
    assert DevelopmentPlan.objects.count() == 5
    client.force_login(planned.user)
    with django_assert_max_num_queries(14):
        assert client.get("/en/evaluation/development/").status_code == 200
    client.force_login(manager)
    with django_assert_max_num_queries(13):
        assert client.get("/en/evaluation/unit/development/").status_code == 200


def test_manager_of_a_higher_body_sees_the_unit(client, planned, ministry):
    boss = person(Role.MANAGER, ministry)
    client.force_login(boss)
    assert planned.user.email in client.get("/en/evaluation/unit/development/").content.decode()


def test_overview_shows_totals_to_hr_and_the_authorised_body_only(
    client, planned, manager, hr_officer, other_hr_officer, django_assert_max_num_queries
):
    from django.contrib.auth.models import Permission

    url = f"/en/evaluation/development/overview/?year={DevelopmentPlan.objects.get().year}"
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(planned.user)
    assert client.get(url).status_code == 403
    client.force_login(hr_officer)
    # Two of these count the people behind each total (small counts are withheld).
    with django_assert_max_num_queries(14):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Professionalism" in text and planned.state_body.name in text
    assert planned.user.email not in text  # totals only
    assert "fewer than 5 employees" in text  # one person: every figure is withheld
    client.force_login(other_hr_officer)  # another ministry: none of these figures
    assert planned.state_body.name not in client.get(url).content.decode()
    agency = person()
    agency.user_permissions.add(Permission.objects.get(codename="view_development_overview"))
    client.force_login(agency)
    assert planned.state_body.name in client.get(url).content.decode()
