"""Dashboard and case pages keep a fixed query budget as cases grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ethics.services import (
    case_assign,
    case_note_add,
    case_reply,
    case_transition,
    reporter_message_add,
)
from tests.ethics.factories import pdf, report, system_case

pytestmark = pytest.mark.django_db


def _cases(body, commissioner, count):
    for n in range(count):
        case = report(body, attachments=[pdf()] if n % 3 == 0 else []).case
        if n % 2:
            case_assign(case=case, actor=commissioner, assignee=commissioner)
            case_transition(case=case, actor=commissioner, to_status="acknowledged")
        if n % 5 == 0:
            system_case(body)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    "url",
    [
        "/kk/ethics/dashboard/",
        "/kk/ethics/dashboard/?queue=overdue&q=report",
        "/kk/ethics/dashboard/charts/",
        "/kk/ethics/dashboard/export.csv",
    ],
)
def test_list_pages_run_a_fixed_number_of_queries(
    client, ministry, department, commissioner, count, url, django_assert_max_num_queries
):
    _cases(ministry, commissioner, count)
    _cases(department, commissioner, count)
    client.force_login(commissioner)
    with django_assert_max_num_queries(11):
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200


@pytest.mark.parametrize("messages", [1, 15])
def test_the_case_page_runs_a_fixed_number_of_queries(
    client, ministry, commissioner, messages, django_assert_max_num_queries
):
    submitted = report(ministry, attachments=[pdf()])
    for n in range(messages):
        reporter_message_add(case=submitted.case, body=f"Detail {n}", attachments=[pdf()])
        case_reply(case=submitted.case, actor=commissioner, body=f"Answer {n}")
        case_note_add(case=submitted.case, actor=commissioner, body=f"Note {n}")
    client.force_login(commissioner)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("ethics:case_detail", args=[submitted.case.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("messages", [1, 15])
def test_the_reporter_page_runs_a_fixed_number_of_queries(
    client, ministry, commissioner, messages, django_assert_max_num_queries
):
    submitted = report(ministry, attachments=[pdf()])
    for n in range(messages):
        reporter_message_add(case=submitted.case, body=f"Detail {n}", attachments=[pdf()])
        case_reply(case=submitted.case, actor=commissioner, body=f"Answer {n}")
    client.post(reverse("ethics:follow"), {"code": submitted.receipt_code})
    with django_assert_max_num_queries(5):
        response = client.get(reverse("ethics:follow_case"))
    assert response.status_code == 200
