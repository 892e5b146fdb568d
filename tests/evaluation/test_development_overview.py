"""The development overview for the authorised body (issue 16): every body's training hours
and development gaps, as totals of at least five employees; a smaller figure reads "fewer
than 5 employees" and is not drawn, nor is any figure that would give it away by
subtraction; no person and no 360 answer ever appears. HR officers keep their own bodies."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from eqyzmet.models import StateBody
from eqyzmet.roles import Role
from eqyzmet.services import state_body_create
from evaluation import selectors_development as sd
from evaluation import services
from evaluation.models import Assessment, FeedbackResponse
from evaluation.models_development import CourseCompletion, DevelopmentPlan
from tests.evaluation.development_factories import course, family, join
from tests.evaluation.factories import assessment_of, employee, open_cycle, person, score

pytestmark = pytest.mark.django_db

YEAR = 2024
URL = f"/en/evaluation/development/overview/?year={YEAR}"
WITHHELD = "fewer than 5 employees"
PLANTED = "Planted remark: Zhanar shouts at the team"


def staffed(name: str, people: int, fam, training) -> list:
    """A body of ``people`` employees, each rated below the family's levels (so each gets
    open goals in both competencies) and with one confirmed 16-hour course."""
    code = re.sub(r"\W+", "-", name.lower())
    body = state_body_create(
        code=code, name_kk=name, name_ru=name, name_en=name, kind=StateBody.Kind.MINISTRY
    )
    boss = person(Role.MANAGER, body)
    staff = [employee(body, supervisor=boss, unit_head=boss) for _ in range(people)]
    for emp in staff:
        join(emp, fam)
    cycle = open_cycle(body, year=YEAR, quarter=1)
    for emp in staff:
        score(assessment_of(emp, cycle), boss, mark=2)
        CourseCompletion.objects.create(
            employee=emp,
            course=training,
            completed_on=dt.date(YEAR, 6, 1),
            status=CourseCompletion.Status.CONFIRMED,
        )
    return staff


@pytest.fixture
def bodies(competencies):
    fam = family(levels={"professionalism": 4, "initiative": 4})
    training = course("Writing regulations", competency="professionalism", hours=16)
    large = staffed("Agency of Large Numbers", 6, fam, training)
    larger = staffed("Committee of Many", 7, fam, training)
    small = staffed("Office of Three", 3, fam, training)
    services.annual_results_compute(year=YEAR)
    plan_years = set(DevelopmentPlan.objects.values_list("year", flat=True))
    assert plan_years == {YEAR} and DevelopmentPlan.objects.count() == 16
    # 360 answers and evaluators' remarks about a person of the small body: never shown.
    for assessment in Assessment.objects.filter(employee__in=small):
        assessment.supervisor_comment = PLANTED
        assessment.save(update_fields=["supervisor_comment"])
        FeedbackResponse.objects.bulk_create(
            FeedbackResponse(assessment=assessment, collaboration=1, reliability=1, respect=1)
            for _ in range(3)
        )
    return large, larger, small


@pytest.fixture
def authorised(roles):
    return person(Role.AUTHORISED_BODY)


def _figures_of(page: str, name: str) -> list[str]:
    """Whatever follows the body's name in legends, bar titles and table rows."""
    found = re.findall(rf"{re.escape(name)}: ([^<]*)<", page)
    found += re.findall(rf"<td>{re.escape(name)}</td><td>[^<]*</td><td>(.*?)</td>", page)
    return found


def test_the_authorised_body_sees_every_body_and_nothing_about_a_body_of_three(
    client, bodies, authorised
):
    client.force_login(authorised)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Agency of Large Numbers" in page and "Committee of Many" in page
    # The body of three is named, and every figure about it is withheld, never drawn.
    small = _figures_of(page, "Office of Three")
    assert small and all(WITHHELD in figure for figure in small), small
    assert "<title>Office of Three" not in page
    # The larger bodies' figures show: 7 people × 16 hours, 7 × 2 open goals.
    many = _figures_of(page, "Committee of Many")
    assert "112" in many and "14" in many
    assert "<title>Committee of Many: 112</title>" in page
    # No person, no 360 answer, no evaluator's remark.
    for emp in [*bodies[2], *bodies[0]]:
        assert emp.user.email not in page
    assert PLANTED not in page and "Zhanar" not in page
    for theme in ("Works well with others", "Delivers what was promised", "with respect"):
        assert theme not in page


def test_a_withheld_figure_cannot_be_worked_out_by_subtraction(bodies):
    large, larger, small = (emp.state_body for emp in (b[0] for b in bodies))
    data = sd.development_overview(
        bodies=StateBody.objects.filter(pk__in=[large.pk, larger.pk, small.pk]), year=YEAR
    )
    by_body = dict(data.gaps_by_body)
    by_competency = dict(data.gaps_by_competency)
    assert by_body["Office of Three"] is None
    # Each competency total shows (16 people), so the body totals' sum is known: a second
    # body total must be withheld, or the small one would be that sum minus the rest.
    assert all(n is not None for n in by_competency.values())
    assert sum(n is None for n in by_body.values()) >= 2
    # In each competency column a second cell is withheld beside the small body's.
    for competency in by_competency:
        column = [n for _b, c, n in data.gaps_table if c == competency]
        assert sum(n is None for n in column) >= 2
    # The figures still shown are exact.
    assert by_competency == {"Initiative": 16, "Professionalism": 16}
    assert dict(data.hours_by_body) == {
        "Agency of Large Numbers": 96,
        "Committee of Many": 112,
        "Office of Three": None,
    }


def test_withholding_never_leaves_a_single_hidden_figure_in_a_shown_total():
    cells = {(1, 1): 10, (1, 2): 8, (2, 1): None, (2, 2): 9, (3, 1): 4, (3, 2): 5}
    rows = {1: 18, 2: None, 3: 9}
    columns = {1: 16, 2: 22}
    sd._withhold_complements(cells, rows, columns)
    for key, total in rows.items():
        if total is not None:
            assert sum(cells[c] is None for c in cells if c[0] == key) != 1
    for key, total in columns.items():
        if total is not None:
            assert sum(cells[c] is None for c in cells if c[1] == key) != 1
    if all(v is not None for v in columns.values()):
        assert sum(v is None for v in rows.values()) != 1


def test_hr_keeps_their_own_bodies_only(client, bodies, hr_officer):
    # The HR officer's ministry holds none of these bodies: figures of none of them.
    client.force_login(hr_officer)
    page = client.get(URL).content.decode()
    assert "Committee of Many" not in page and "Office of Three" not in page
    committee = bodies[1][0].state_body
    own = person(Role.HR_OFFICER, committee)
    client.force_login(own)
    page = client.get(URL).content.decode()
    assert "Committee of Many" in page and "Agency of Large Numbers" not in page
    # Alone in its scope, the committee's totals rest on 7 people and show.
    assert "<title>Committee of Many: 112</title>" in page


def test_employees_managers_and_candidates_are_refused(client, bodies):
    boss = bodies[0][0].supervisor
    candidate = person(Role.CANDIDATE)
    for user in (bodies[0][0].user, boss, candidate):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_the_overview_costs_the_same_queries_however_many_bodies(
    client, competencies, authorised, django_assert_max_num_queries
):
    fam = family(levels={"professionalism": 4, "initiative": 4})
    training = course("Writing regulations", competency="professionalism", hours=16)
    staffed("First body", 5, fam, training)
    services.annual_results_compute(year=YEAR)
    client.force_login(authorised)
    with django_assert_max_num_queries(12) as few:
        assert client.get(URL).status_code == 200
    for n in range(3):
        staffed(f"Regional office {n}", 5, fam, training)
    services.annual_results_compute(year=YEAR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(URL).content.decode()
    assert "<title>Regional office 2: 80</title>" in page


def test_hours_count_in_the_year_the_course_was_completed_only(bodies):
    """A course finished the next year is that year's hours, not also this year's."""
    larger = bodies[1]
    training = CourseCompletion.objects.filter(employee=larger[0]).first().course
    for emp in larger:
        CourseCompletion.objects.create(
            employee=emp,
            course=training,
            completed_on=dt.date(YEAR + 1, 3, 1),
            status=CourseCompletion.Status.CONFIRMED,
        )
    everyone = StateBody.objects.filter(pk__in=[b[0].state_body_id for b in bodies])
    this_year = dict(sd.development_overview(bodies=everyone, year=YEAR).hours_by_body)
    next_year = dict(sd.development_overview(bodies=everyone, year=YEAR + 1).hours_by_body)
    assert this_year["Committee of Many"] == 112
    assert next_year["Committee of Many"] == 112
    assert next_year.get("Agency of Large Numbers") is None
