"""Competence development: plans from annual gaps, agreement, goals that count in the next
evaluation, training records with evidence and mandatory training reminders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from evaluation import services
from evaluation.models import Assessment, EvaluationRules
from evaluation.models_development import CourseCompletion, DevelopmentGoal, DevelopmentPlan
from tests.evaluation.development_factories import course, family, join, mandatory, scored_year
from tests.evaluation.factories import Role, assessment_of, employee, open_cycle, pdf, person, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(department, manager, competencies):
    fam = family(levels={"professionalism": 4, "initiative": 3})
    emp = employee(department, supervisor=manager, unit_head=manager)
    join(emp, fam)
    return emp, fam


def _plan(emp) -> DevelopmentPlan:
    return DevelopmentPlan.objects.get(employee=emp)


def test_plan_drafted_from_annual_gaps(staff, manager):
    emp, _fam = staff
    tagged = course("Writing regulations", competency="professionalism")
    course("Leading change", competency="initiative")
    scored_year(emp, manager, mark=3)
    plan = _plan(emp)
    assert plan.status == DevelopmentPlan.Status.DRAFT
    assert plan.assessment.cycle.kind == "annual"
    goals = list(plan.goals.all())
    # Professionalism 3 < expected 4 is a gap; initiative 3 meets the expected 3.
    assert [(g.competency.code, g.current_level, g.expected_level) for g in goals] == [
        ("professionalism", 3, 4)
    ]
    kinds = [(a.kind, a.course_id) for a in goals[0].activities.all()]
    assert kinds == [("course", tagged.pk), ("mentoring", None), ("project", None)]
    assert goals[0].due_date > plan.created_at.date()
    assert AuditEvent.objects.filter(action="evaluation.plan.drafted").count() == 1
    services.annual_results_compute(year=2025)  # idempotent
    assert DevelopmentPlan.objects.filter(employee=emp).count() == 1


def test_no_plan_for_quarters_or_without_family(department, manager, competencies):
    family(levels={"professionalism": 5})
    emp = employee(department, supervisor=manager, unit_head=manager)
    scored_year(emp, manager, mark=2)
    assert not DevelopmentPlan.objects.exists()


def test_plan_themes_count_closed_rounds_only(staff, manager, department):
    emp, _fam = staff
    cycle = open_cycle(department, year=2025, quarter=1)
    colleagues = [employee(department, supervisor=manager, unit_head=manager) for _ in range(3)]
    assessment = assessment_of(emp, cycle)
    services.feedback_invite(
        assessment=assessment,
        actor=manager,
        respondents=[c.user for c in colleagues],
        relation="peer",
    )
    for invitation in assessment.feedback_invitations.all():
        services.feedback_submit(
            invitation=invitation,
            actor=invitation.respondent,
            collaboration=2,
            reliability=5,
            respect=4,
        )
    score(assessment, manager, mark=3)
    services.annual_results_compute(year=2025)
    assert _plan(emp).feedback_themes == {"collaboration": 1}


def test_agreement_needs_both_and_is_audited(staff, manager, department):
    emp, _fam = staff
    scored_year(emp, manager, mark=3)
    plan = _plan(emp)
    outsider = person(Role.MANAGER, department.parent)  # manages the ministry above: allowed
    stranger = person()
    with pytest.raises(ApplicationError):
        services.plan_agree(plan=plan, actor=stranger)
    plan = services.plan_agree(plan=plan, actor=emp.user)
    assert plan.status == DevelopmentPlan.Status.DRAFT
    with pytest.raises(ApplicationError):
        services.plan_agree(plan=plan, actor=emp.user)
    goal = plan.goals.get()
    with pytest.raises(ApplicationError, match="agreed"):
        services.goal_confirm(goal=goal, actor=manager)
    plan = services.plan_agree(plan=plan, actor=outsider)
    assert plan.status == DevelopmentPlan.Status.AGREED
    assert AuditEvent.objects.filter(action="evaluation.plan.agreed").count() == 2
    with pytest.raises(ApplicationError):
        services.goal_confirm(goal=goal, actor=emp.user)
    services.goal_confirm(goal=goal, actor=manager)
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.COMPLETED


def _agreed_and_achieved(emp, manager):
    plan = _plan(emp)
    services.plan_agree(plan=plan, actor=emp.user)
    services.plan_agree(plan=plan, actor=manager)
    for goal in plan.goals.all():
        services.goal_confirm(goal=goal, actor=manager)


def test_achieved_goal_raises_the_next_evaluation_as_the_rules_say(staff, manager, department):
    emp, fam = staff
    twin = employee(department, supervisor=manager, unit_head=manager)
    join(twin, fam)
    scored_year(emp, manager, mark=3)
    _agreed_and_achieved(emp, manager)
    nxt = open_cycle(department, year=2026, quarter=1)
    mine = score(assessment_of(emp, nxt), manager, mark=3)
    theirs = score(assessment_of(twin, nxt), manager, mark=3)
    # Default rules: 2 points per achieved goal, at most 6.
    assert mine.composite == theirs.composite + Decimal("2.00")
    goal = DevelopmentGoal.objects.get(plan__employee=emp)
    assert goal.counted_in_id == mine.pk and goal.points == Decimal("2.00")
    # Counted once: the following quarter gets nothing more.
    later = open_cycle(department, year=2026, quarter=2)
    again = score(assessment_of(emp, later), manager, mark=3)
    twin_again = score(assessment_of(twin, later), manager, mark=3)
    assert again.composite == twin_again.composite


def test_points_follow_the_bodys_rules_table_and_cap(staff, manager, department):
    emp, _fam = staff
    EvaluationRules.objects.create(
        state_body=department,
        development_goal_points=Decimal("5"),
        development_points_cap=Decimal("3"),
    )
    scored_year(emp, manager, mark=3)
    _agreed_and_achieved(emp, manager)
    base = score(
        assessment_of(
            employee(department, supervisor=manager, unit_head=manager),
            open_cycle(department, year=2026, quarter=1),
        ),
        manager,
        mark=3,
    )
    mine = Assessment.objects.get(employee=emp, cycle=base.cycle)
    mine = score(mine, manager, mark=3)
    assert base.cycle.rules["development_goal_points"] == "5.00"
    assert mine.composite - base.composite == Decimal("3.00")  # 5 per goal, capped at 3


def test_result_page_shows_the_development_part(client, staff, manager, department):
    emp, _fam = staff
    scored_year(emp, manager, mark=3)
    _agreed_and_achieved(emp, manager)
    mine = score(assessment_of(emp, open_cycle(department, year=2026, quarter=1)), manager, mark=3)
    client.force_login(emp.user)
    page = client.get(f"/en/evaluation/my/{mine.pk}/")
    text = page.content.decode()
    assert "Of which from development: +2.00 points for 1 achieved development goal" in text
    assert f"Without them: {mine.composite - 2:.2f}" in text


# --- Training -------------------------------------------------------------------------------


def test_mandatory_overdue_on_unit_page_and_reminded_once(client, staff, manager, department):
    emp, fam = staff
    requirement = mandatory(fam, title="Anti-corruption basics", days=-3)
    open_cycle(department, year=2025, quarter=1)
    client.force_login(manager)
    page = client.get("/en/evaluation/unit/").content.decode()
    assert "Anti-corruption basics" in page and emp.user.email in page
    assert services.training_reminders_send() == 1
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {emp.user.email, manager.email}
    assert "Anti-corruption basics" in mail.outbox[0].body
    assert services.training_reminders_send() == 0  # once per due date
    services.completion_record(
        employee=emp,
        actor=emp.user,
        course=requirement.course,
        completed_on=requirement.due_date,
        evidence=pdf(),
    )
    page = client.get("/en/evaluation/unit/").content.decode()
    assert "Anti-corruption basics" not in page
    assert "No mandatory training is overdue." in page


def test_far_off_training_is_not_reminded(staff):
    _emp, fam = staff
    mandatory(fam, days=60)
    assert services.training_reminders_send() == 0


def test_completion_needs_evidence_and_a_past_date(staff):
    emp, _fam = staff
    row = course()
    with pytest.raises(ApplicationError):
        services.completion_record(
            employee=emp, actor=emp.user, course=row, completed_on=None, evidence=pdf()
        )
    import datetime as dt

    with pytest.raises(ApplicationError):
        services.completion_record(
            employee=emp,
            actor=emp.user,
            course=row,
            completed_on=dt.date.today() + dt.timedelta(days=1),
            evidence=pdf(),
        )
    with pytest.raises(ApplicationError):
        services.completion_record(
            employee=emp, actor=emp.user, course=row, completed_on=dt.date.today(), evidence=None
        )
    assert not CourseCompletion.objects.exists()


def test_the_beat_runs_the_training_reminders(settings, staff):
    from evaluation import tasks

    _emp, fam = staff
    mandatory(fam, days=5)  # within the 14 days before the due date
    entry = settings.CELERY_BEAT_SCHEDULE["evaluation-training-reminders"]
    assert entry["task"] == tasks.send_training_reminders.name
    assert tasks.send_training_reminders() == 1
    assert tasks.send_training_reminders() == 0
    # In the employee's language (Kazakh unless they chose another).
    assert "Міндетті оқыту мерзімі" in mail.outbox[0].subject


def test_admin_pages_for_the_catalogue_and_families(client, staff, hr_officer, other_hr_officer):
    from django.urls import reverse

    from tests.factories import UserFactory

    emp, _fam = staff
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    for model in ["positionfamily", "course", "leveldescriptor", "familymembership"]:
        url = reverse(f"admin:evaluation_{model}_changelist")
        assert client.get(url).status_code == 200, model
    assert client.get(reverse("admin:evaluation_positionfamily_add")).status_code == 200
    memberships = reverse("admin:evaluation_familymembership_changelist")
    client.force_login(hr_officer)
    assert emp.user.email in client.get(memberships).content.decode()
    client.force_login(other_hr_officer)
    page = client.get(memberships)
    assert emp.user.email not in page.content.decode()
