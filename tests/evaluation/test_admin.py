"""The HR officer's admin: scoped to their bodies, actions through the services."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from eqyzmet.models import AuditEvent
from evaluation.models import Assessment, Cycle, EvaluationRules
from tests.evaluation.factories import assessment_of, employee, open_cycle, score

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycles(ministry, department, other_ministry, manager, competencies):
    employee(department, supervisor=manager, unit_head=manager)
    employee(other_ministry)
    return open_cycle(department), open_cycle(other_ministry)


CHANGELISTS = ["cycle", "assessment", "employee"]


def test_hr_sees_only_their_bodies_in_the_admin(client, hr_officer, cycles):
    mine, theirs = cycles
    client.force_login(hr_officer)
    page = client.get(reverse("admin:evaluation_cycle_changelist")).content.decode()
    assert reverse("admin:evaluation_cycle_change", args=[mine.pk]) in page
    assert reverse("admin:evaluation_cycle_change", args=[theirs.pk]) not in page
    for model in CHANGELISTS:
        assert client.get(reverse(f"admin:evaluation_{model}_changelist")).status_code == 200
    response = client.get(reverse("admin:evaluation_cycle_change", args=[theirs.pk]))
    assert response.status_code == 302  # "does not exist" for another body's cycle
    other_assessment = theirs.assessments.get()
    response = client.get(reverse("admin:evaluation_assessment_change", args=[other_assessment.pk]))
    assert response.status_code == 302


def test_the_superuser_sees_every_body(client, admin_user, cycles):
    client.force_login(admin_user)
    page = client.get(reverse("admin:evaluation_cycle_changelist")).content.decode()
    for cycle in cycles:
        assert reverse("admin:evaluation_cycle_change", args=[cycle.pk]) in page


def test_other_roles_have_no_evaluation_admin(client, manager, cycles):
    client.force_login(manager)
    assert client.get(reverse("admin:evaluation_cycle_changelist")).status_code == 302


def test_hr_creates_and_opens_a_cycle_only_for_their_bodies(
    client, hr_officer, department, other_ministry, cycles
):
    client.force_login(hr_officer)
    add = reverse("admin:evaluation_cycle_add")
    response = client.post(
        add, {"state_body": other_ministry.pk, "kind": "quarter", "year": 2025, "quarter": 2}
    )
    assert response.status_code == 200  # the other body is not a valid choice
    assert not Cycle.objects.filter(state_body=other_ministry, quarter=2).exists()
    response = client.post(
        add, {"state_body": department.pk, "kind": "quarter", "year": 2025, "quarter": 2}
    )
    assert response.status_code == 302
    created = Cycle.objects.get(state_body=department, quarter=2)
    assert created.status == Cycle.Status.DRAFT
    response = client.post(
        reverse("admin:evaluation_cycle_changelist"),
        {"action": "open_cycles", "_selected_action": [created.pk, cycles[1].pk]},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.status == Cycle.Status.OPEN
    assert (
        AuditEvent.objects.filter(action="evaluation.cycle.opened", actor_id=hr_officer.pk).count()
        == 1
    )


def test_hr_changes_rules_through_the_service(client, hr_officer, department, other_ministry):
    client.force_login(hr_officer)
    data = {
        "kpi_weight": 60,
        "competency_weight": 20,
        "feedback_weight": 10,
        "citizen_weight": 10,
        "kpi_cap_percent": 120,
        "feedback_min_respondents": 3,
        "exceeds_min": "90",
        "meets_min": "70",
        "partly_min": "50",
        "tier1_min": "95",
        "tier1_percent": 30,
        "tier2_min": "85",
        "tier2_percent": 20,
        "tier3_min": "70",
        "tier3_percent": 10,
        "quarter_due_day": 20,
        "annual_due_day": 30,
        "contest_days": 10,
        "reminder_days": 5,
        "retention_years": 3,
    }
    add = reverse("admin:evaluation_evaluationrules_add")
    response = client.post(add, {**data, "state_body": other_ministry.pk})
    assert response.status_code == 200 and not EvaluationRules.objects.exists()
    response = client.post(add, {**data, "state_body": department.pk, "kpi_weight": 70})
    assert response.status_code == 200  # weights add up to 110
    assert not EvaluationRules.objects.exists()
    response = client.post(add, {**data, "state_body": department.pk})
    assert response.status_code == 302
    assert EvaluationRules.objects.get().kpi_weight == 60
    assert AuditEvent.objects.filter(action="evaluation.rules.saved").exists()


def test_hr_decides_a_contest_in_the_admin(client, hr_officer, other_hr_officer, cycles, manager):
    mine = cycles[0]
    result = score(mine.assessments.get(), manager)
    from evaluation import services

    services.assessment_contest(
        assessment=result, actor=result.employee.user, reason="The KPI data was wrong."
    )
    review = reverse("admin:evaluation_assessment_review", args=[result.pk])
    client.force_login(other_hr_officer)
    assert client.get(review).status_code == 404
    client.force_login(hr_officer)
    assert (
        client.get(reverse("admin:evaluation_assessment_change", args=[result.pk])).status_code
        == 200
    )
    response = client.post(
        review, {"outcome": "revised", "note": "Data corrected", "revised_composite": "91"}
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.status == Assessment.Status.REVIEWED
    assert (result.composite, result.band) == (D("91.00"), "exceeds")


def test_employee_admin_offers_only_staff_of_the_body(client, hr_officer, department, cycles):
    client.force_login(hr_officer)
    response = client.get(reverse("admin:evaluation_employee_add"))
    users = response.context["adminform"].form.fields["user"].queryset
    other_employee = cycles[1].assessments.get().employee.user
    assert other_employee not in users
    assert assessment_of(cycles[0].assessments.get().employee, cycles[0]).employee.user in users
