"""Pages keep a fixed query budget as employees and results grow."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from evaluation import services
from tests.evaluation.factories import assessment_of, desk_officer, employee, open_cycle, score

pytestmark = pytest.mark.django_db


def _unit(department, manager, count):
    people = [employee(department, supervisor=manager, unit_head=manager) for _ in range(count)]
    for quarter in (1, 2, 3):
        cycle = open_cycle(department, year=2025, quarter=quarter)
        for n, emp in enumerate(people):
            if quarter < 3 or n % 2:
                score(
                    assessment_of(emp, cycle),
                    manager,
                    mark=3 + n % 3,
                    kpis=[(D(10), D(8 + n % 5), 1), (D(5), D(4), 2, "lower")],
                )
    desk = desk_officer(department)
    for emp in people[:3]:
        issued = services.citizen_link_issue(employee=emp, actor=desk, service="Help")
        services.citizen_rating_submit(token=issued.token, score=4, comment="Good")
    return people, cycle


@pytest.mark.parametrize("count", [2, 15])
def test_manager_and_hr_pages_run_a_fixed_number_of_queries(
    client, department, manager, hr_officer, competencies, count, django_assert_max_num_queries
):
    people, cycle = _unit(department, manager, count)
    assessment = assessment_of(people[0], cycle)
    for user, target in (
        (manager, reverse("evaluation:unit")),
        (manager, reverse("evaluation:unit") + f"?cycle={cycle.pk}"),
        (manager, reverse("evaluation:score", args=[assessment.pk])),
        (hr_officer, reverse("evaluation:export_csv", args=[cycle.pk])),
        (hr_officer, reverse("admin:evaluation_assessment_changelist")),
        (hr_officer, reverse("admin:evaluation_cycle_changelist")),
    ):
        client.force_login(user)
        with django_assert_max_num_queries(15):
            response = client.get(target)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, target


@pytest.mark.parametrize("count", [2, 15])
def test_employee_pages_run_a_fixed_number_of_queries(
    client, department, manager, competencies, count, django_assert_max_num_queries
):
    people, cycle = _unit(department, manager, count)
    emp = people[1]
    for target in (
        reverse("evaluation:my_results"),
        reverse("evaluation:my_assessment", args=[assessment_of(emp, cycle).pk]),
    ):
        client.force_login(emp.user)
        with django_assert_max_num_queries(11):
            response = client.get(target)
        assert response.status_code == 200
