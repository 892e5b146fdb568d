"""Citizens' ratings cannot be stuffed: links come from the service desk for one delivery,
never from the person rated, at most a day's cap per employee; outliers go to the ethics
commissioner; wrong codes from strangers never lock a citizen out; tokens stay out of URLs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from eqyzmet.errors import ApplicationError
from ethics.models import EthicsCase
from evaluation import models, selectors, services
from evaluation.models import CitizenRatingLink
from tests.evaluation.factories import (
    assessment_of,
    desk_officer,
    employee,
    open_cycle,
    person,
    score,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def emp(department, manager, competencies):
    return employee(department, supervisor=manager, unit_head=manager)


@pytest.fixture
def desk(department):
    return desk_officer(department)


def _current_cycle(body):
    today = timezone.localdate()
    return open_cycle(body, year=today.year, quarter=(today.month - 1) // 3 + 1)


# --- Who issues a link ---------------------------------------------------------------------


def test_an_employee_cannot_issue_links_for_themselves(emp, department, manager):
    """The attack: twelve links issued by the employee, each rated 5 by themselves."""
    cycle = _current_cycle(department)
    refused = 0
    for _ in range(12):
        try:
            issued = services.citizen_link_issue(employee=emp, actor=emp.user, service="Help")
        except ApplicationError:
            refused += 1
        else:
            services.citizen_rating_submit(token=issued.token, score=5)
    assert refused == 12
    assert CitizenRatingLink.objects.count() == 0
    result = score(assessment_of(emp, cycle), manager, mark=3, kpis=[])
    assert result.citizen_score is None


def test_even_a_desk_officer_cannot_issue_for_themselves(department, manager, competencies):
    from eqyzmet.models import User
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign

    officer_as_employee = employee(department, supervisor=manager)
    staff_assign(user=officer_as_employee.user, role=Role.SERVICE_DESK, state_body=department)

    user = User.objects.get(pk=officer_as_employee.user_id)
    with pytest.raises(ApplicationError) as refused:
        services.citizen_link_issue(employee=officer_as_employee, actor=user, service="Help")
    assert refused.value.code == "own_link"


def test_self_issued_links_never_count_even_if_present(emp, department, manager, desk):
    """Defensively: links issued before this rule (no delivery, or by the employee) are
    left out of the score and of the pages."""
    cycle = _current_cycle(department)
    now = timezone.now()
    legacy = CitizenRatingLink.objects.create(
        employee=emp,
        state_body=department,
        service="Help",
        token_hash="legacy",
        expires_at=now + dt.timedelta(days=1),
        rated_at=now,
        score=5,
    )
    own = models.ServiceDelivery.objects.create(
        employee=emp, state_body=department, service="Help", issued_by=emp.user
    )
    CitizenRatingLink.objects.create(
        employee=emp,
        state_body=department,
        delivery=own,
        service="Help",
        token_hash="own",
        expires_at=now + dt.timedelta(days=1),
        rated_at=now,
        score=5,
    )
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Help")
    services.citizen_rating_submit(token=issued.token, score=2)
    result = score(assessment_of(emp, cycle), manager, mark=3, kpis=[])
    assert result.citizen_score == D("40.00")
    summary = selectors.citizen_summary(
        employee=emp, start=cycle.period_start, end=cycle.period_end
    )
    assert summary.count == 1 and legacy.pk


def test_a_desk_officer_issues_for_one_delivery_and_it_rates_once(emp, desk):
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Certificate")
    delivery = models.ServiceDelivery.objects.get()
    assert (delivery.employee, delivery.issued_by, delivery.service) == (
        emp,
        desk,
        "Certificate",
    )
    assert delivery.delivered_on == timezone.localdate()
    assert issued.link.delivery == delivery
    with pytest.raises(ApplicationError) as refused:
        services.citizen_link_for_delivery(delivery=delivery, actor=desk)
    assert refused.value.code == "delivery_has_link"
    services.citizen_rating_submit(token=issued.token, score=4)
    with pytest.raises(ApplicationError):
        services.citizen_rating_submit(token=issued.token, score=5)
    assert CitizenRatingLink.objects.get().score == 4


def test_only_a_desk_officer_of_the_body_issues_links(emp, other_ministry, manager):
    for actor in (person(), manager, desk_officer(other_ministry)):
        with pytest.raises(ApplicationError):
            services.citizen_link_issue(employee=emp, actor=actor, service="Help")
    assert models.ServiceDelivery.objects.count() == 0


def test_a_thirteenth_link_in_a_day_over_a_cap_of_twelve_is_refused(emp, desk, settings):
    settings.EVALUATION_RATING_LINKS_PER_DAY = 12
    for _ in range(12):
        services.citizen_link_issue(employee=emp, actor=desk, service="Help")
    with pytest.raises(ApplicationError) as refused:
        services.citizen_link_issue(employee=emp, actor=desk, service="Help")
    assert refused.value.code == "daily_cap"
    assert "12" in str(refused.value.message)
    assert CitizenRatingLink.objects.count() == 12
    # Tomorrow the cap starts again.
    models.ServiceDelivery.objects.update(created_at=timezone.now() - dt.timedelta(days=1))
    services.citizen_link_issue(employee=emp, actor=desk, service="Help")


# --- Outliers go to the ethics commissioner ------------------------------------------------


def test_ratings_far_above_the_unit_from_one_desk_officer_raise_one_ethics_case(
    emp, department, manager, desk
):
    others = [employee(department, supervisor=manager) for _ in range(3)]
    honest_desk = desk_officer(department)
    for n, other in enumerate(others):
        for k in range(5):
            issued = services.citizen_link_issue(employee=other, actor=honest_desk, service="H")
            services.citizen_rating_submit(token=issued.token, score=3 + (n + k) % 2)
    assert EthicsCase.objects.count() == 0
    for _ in range(12):
        issued = services.citizen_link_issue(employee=emp, actor=desk, service="Help")
        services.citizen_rating_submit(token=issued.token, score=5)
    # Raised once, when the tenth rating made the rule apply; the later ones add no case.
    case = EthicsCase.objects.get()
    assert case.category == "integrity_flag"
    assert case.evidence["signal"] == "citizen_rating_outlier"
    assert case.evidence["employee_id"] == emp.pk
    assert case.evidence["ratings"] == services.OUTLIER_MIN_RATINGS
    assert case.evidence["top_desk_officer_id"] == desk.pk
    assert case.evidence["top_desk_officer_links"] == services.OUTLIER_MIN_RATINGS
    assert D(case.evidence["average"]) == D("5.00")
    # No citizen data: no comments, no tokens, no times of ratings.
    assert "comment" not in str(case.evidence)


def test_an_ordinary_employee_raises_no_case(emp, department, manager, desk):
    others = [employee(department, supervisor=manager) for _ in range(3)]
    for other in [*others, emp]:
        for k in range(10):
            issued = services.citizen_link_issue(employee=other, actor=desk, service="H")
            services.citizen_rating_submit(token=issued.token, score=4 + k % 2)
    assert EthicsCase.objects.count() == 0


# --- The citizen's pages -------------------------------------------------------------------


def test_the_issued_link_carries_no_token_in_its_path_or_query(client, emp, desk):
    client.force_login(desk)
    response = client.post(
        reverse("evaluation:citizen_link_issue"),
        {"employee": emp.pk, "service": "Address certificate"},
    )
    assert response.status_code == 200
    token = services.token_normalise(response.context["code"])
    parts = urlsplit(response.context["url"])
    assert token not in parts.path and token not in parts.query
    assert parts.fragment == token
    assert "no-store" in response["Cache-Control"]


def test_the_rating_page_takes_the_token_only_in_a_post_body(client, emp, desk):
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Certificate")
    page = client.get(reverse("evaluation:rate_start")).content.decode()
    assert "evaluation/rate.js" in page and "<script>" not in page
    response = client.post(reverse("evaluation:rate_start"), {"code": issued.code})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Certificate" in body
    assert f"/{issued.token}/" not in body  # the form posts back to the tokenless page
    response = client.post(
        reverse("evaluation:rate_start"), {"code": issued.token, "score": "4", "comment": "OK"}
    )
    assert response.status_code == 200
    assert CitizenRatingLink.objects.get().score == 4
    response = client.post(reverse("evaluation:rate_start"), {"code": issued.code, "score": "1"})
    assert response.status_code == 410
    assert CitizenRatingLink.objects.get().score == 4


def test_an_old_path_link_redirects_to_the_tokenless_page(client, emp, desk):
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Certificate")
    response = client.get(f"/en/evaluation/rate/{issued.token}/")
    assert response.status_code in (301, 302)
    assert issued.token not in response["Location"]
    assert CitizenRatingLink.objects.get().rated_at is None


def test_a_flood_of_wrong_codes_from_many_clients_never_locks_out_a_correct_one(client, emp, desk):
    issued = services.citizen_link_issue(employee=emp, actor=desk, service="Certificate")
    start = reverse("evaluation:rate_start")
    for n in range(101):
        address = f"203.0.113.{n}" if n < 100 else "198.51.100.1"
        for _ in range(20):
            client.post(start, {"code": "AAAA-BBBB-CCCC"}, REMOTE_ADDR=address)
    # Each flooding client is stopped...
    assert client.post(start, {"code": issued.code}, REMOTE_ADDR="203.0.113.7").status_code == 429
    # ...but a citizen elsewhere gets through with the right code.
    citizen = "192.0.2.44"
    response = client.post(start, {"code": issued.code}, REMOTE_ADDR=citizen)
    assert response.status_code == 200
    response = client.post(start, {"code": issued.code, "score": "5"}, REMOTE_ADDR=citizen)
    assert response.status_code == 200
    assert CitizenRatingLink.objects.get().score == 5
