"""Every page per role: anonymous, candidate, HR officer, other body's commissioner, right one."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from eqyzmet.models import AuditEvent
from ethics.models import EthicsCase, Status
from tests.ethics.factories import pdf, report, system_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(ministry):
    return report(ministry, subject="Envelope at the desk", attachments=[pdf()]).case


def _dashboard_urls(case):
    attachment = case.attachments.get()
    return {
        "dashboard": reverse("ethics:dashboard"),
        "charts": reverse("ethics:charts"),
        "export": reverse("ethics:export_csv"),
        "case": reverse("ethics:case_detail", args=[case.pk]),
        "file": reverse("ethics:case_attachment", args=[case.pk, attachment.pk]),
    }


POSTS = {
    "case_transition": {"to_status": "acknowledged"},
    "case_assign": {"assignee": ""},
    "case_reply": {"body": "Reply"},
    "case_note": {"body": "Note"},
}


def test_anonymous_visitors_are_sent_to_sign_in_from_every_dashboard_page(client, case):
    for url in _dashboard_urls(case).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for name, data in POSTS.items():
        response = client.post(reverse(f"ethics:{name}", args=[case.pk]), data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert EthicsCase.objects.get(pk=case.pk).status == Status.NEW


@pytest.mark.parametrize("person", ["candidate", "hr_officer"])
def test_candidates_and_hr_officers_are_forbidden_everywhere_on_the_dashboard(
    client, case, person, request
):
    client.force_login(request.getfixturevalue(person))
    for url in _dashboard_urls(case).values():
        assert client.get(url).status_code == 403, url
    for name, data in POSTS.items():
        assert client.post(reverse(f"ethics:{name}", args=[case.pk]), data).status_code == 403
    assert not case.messages.exists() and not case.notes.exists()


def test_a_commissioner_of_another_body_gets_404_on_the_case_by_url_guessing(
    client, case, other_commissioner
):
    client.force_login(other_commissioner)
    urls = _dashboard_urls(case)
    for key in ("case", "file"):
        assert client.get(urls[key]).status_code == 404
    for name, data in POSTS.items():
        assert client.post(reverse(f"ethics:{name}", args=[case.pk]), data).status_code == 404
    for missing in (case.pk + 1, case.pk + 1000):
        assert client.get(reverse("ethics:case_detail", args=[missing])).status_code == 404
    assert not case.messages.exists() and not case.notes.exists()
    assert EthicsCase.objects.get(pk=case.pk).status == Status.NEW


def test_a_commissioner_of_another_body_sees_it_in_no_list_count_chart_or_export(
    client, case, other_commissioner
):
    client.force_login(other_commissioner)
    dashboard = client.get(reverse("ethics:dashboard")).content.decode()
    assert case.reference not in dashboard and "Envelope at the desk" not in dashboard
    assert client.get(reverse("ethics:dashboard")).context["counts"]["total"] == 0
    export = b"".join(client.get(reverse("ethics:export_csv")).streaming_content).decode()
    assert case.reference not in export
    assert "<rect x" not in client.get(reverse("ethics:charts")).content.decode()


def test_the_right_commissioner_sees_and_works_the_case(client, case, commissioner):
    client.force_login(commissioner)
    urls = _dashboard_urls(case)
    dashboard = client.get(urls["dashboard"])
    assert dashboard.status_code == 200 and case.reference in dashboard.content.decode()
    page = client.get(urls["case"])
    assert page.status_code == 200 and "Envelope at the desk" in page.content.decode()
    assert client.get(urls["charts"]).status_code == 200
    assert client.get(urls["file"]).status_code == 200

    for name, data in POSTS.items():
        response = client.post(reverse(f"ethics:{name}", args=[case.pk]), data)
        assert response.status_code == 302, name
    case.refresh_from_db()
    assert case.status == Status.ACKNOWLEDGED
    assert case.messages.get().body == "Reply"
    assert case.notes.get().body == "Note"


def test_a_commissioner_of_a_ministry_sees_its_departments_cases(client, department, commissioner):
    case = report(department).case
    client.force_login(commissioner)
    assert client.get(reverse("ethics:case_detail", args=[case.pk])).status_code == 200


def test_a_superuser_sees_every_case(client, case, other_ministry):
    from tests.factories import UserFactory

    other = report(other_ministry).case
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("ethics:dashboard")).content.decode()
    assert case.reference in html and other.reference in html


def test_a_bad_step_shows_a_translated_message_and_changes_nothing(client, case, commissioner):
    client.force_login(commissioner)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("ethics:case_transition", args=[case.pk]).replace("/kk/", "/en/"),
        {"to_status": "dismissed", "reasoning": ""},
    )
    assert response.status_code == 400
    assert "Give the reasoning for this step." in response.content.decode()
    response = client.post(
        reverse("ethics:case_transition", args=[case.pk]),
        {"to_status": "decided", "reasoning": "x"},
    )
    assert response.status_code == 400
    assert EthicsCase.objects.get(pk=case.pk).status == Status.NEW
    assert AuditEvent.objects.count() == before


def test_the_csv_export_is_scoped_filtered_and_formula_safe(
    client, ministry, commissioner, other_ministry
):
    report(ministry, subject='=HYPERLINK("http://evil")')
    report(ministry, subject="Plain", category="harassment")
    report(other_ministry, subject="Elsewhere")
    client.force_login(commissioner)
    response = client.get(reverse("ethics:export_csv"))
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    subjects = {row[6] for row in rows[1:]}
    assert subjects == {'\'=HYPERLINK("http://evil")', "Plain"}
    filtered = client.get(reverse("ethics:export_csv") + "?category=harassment")
    rows = list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode())))
    assert [row[6] for row in rows[1:]] == ["Plain"]


def test_the_export_needs_the_export_permission(client, case, commissioner):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name="ethics_commissioner")
    group.permissions.remove(Permission.objects.get(codename="export_ethicscase"))
    client.force_login(commissioner)
    assert client.get(reverse("ethics:export_csv")).status_code == 403
    assert client.get(reverse("ethics:dashboard")).status_code == 200


def test_filters_and_search(client, ministry, commissioner):
    report(ministry, subject="Tender for servers", category="corruption_risk")
    report(ministry, subject="Shouting at visitors", category="ethics_breach")
    system_case(ministry)
    client.force_login(commissioner)

    def subjects(query):
        page = client.get(reverse("ethics:dashboard") + query).context["page"]
        return sorted(case.subject for case in page)

    assert subjects("?q=tender") == ["Tender for servers"]
    assert subjects("?category=ethics_breach") == ["Shouting at visitors"]
    assert len(subjects("?status=new")) == 3
    assert subjects("?queue=overdue") == []
    first = EthicsCase.objects.order_by("pk").first()
    assert subjects(f"?q={first.reference}") == [first.subject]


def test_system_case_evidence_is_shown_on_the_case_page(client, ministry, commissioner):
    case_id = system_case(ministry, evidence={"application_code": "K7-ZZZZ-0001", "score": 0.91})
    client.force_login(commissioner)
    html = client.get(reverse("ethics:case_detail", args=[case_id])).content.decode()
    assert "K7-ZZZZ-0001" in html and "0.91" in html


def test_charts_are_server_rendered_svg_by_category_and_status(client, ministry, commissioner):
    report(ministry, category="harassment")
    report(ministry, category="corruption_risk")
    client.force_login(commissioner)
    html = client.get("/en/ethics/dashboard/charts/").content.decode()
    assert html.count('<svg class="chart"') == 2
    assert "Harassment" in html and "Corruption risk" in html and "New" in html
    assert "<script" not in html.split("</header>")[1]


def test_public_pages_are_open_to_everyone(client, candidate, hr_officer, commissioner, ministry):
    attachment = report(ministry, attachments=[pdf()]).case.attachments.get()
    for user in (None, candidate, hr_officer, commissioner):
        if user:
            client.force_login(user)
        for name in ("report_new", "follow"):
            assert client.get(reverse(f"ethics:{name}")).status_code == 200
        assert client.get(reverse("ethics:index")).status_code == 302
        # Being signed in (even as a commissioner) opens no reporter's page: only a code does.
        assert client.get(reverse("ethics:follow_case")).status_code == 302
        follow_file = reverse("ethics:follow_attachment", args=[attachment.pk])
        assert client.get(follow_file).status_code == 302


def test_the_report_form_is_translated_in_three_languages(client):
    for lang in ("kk", "ru", "en"):
        response = client.get(f"/{lang}/ethics/report/")
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.content.decode()


def test_a_signed_in_report_is_anonymous_unless_the_person_opts_in(client, candidate, ministry):
    client.force_login(candidate)
    data = {"category": "harassment", "state_body": ministry.pk, "subject": "s", "description": "d"}
    client.post(reverse("ethics:report_new"), data)
    client.post(
        reverse("ethics:report_new"),
        {**data, "give_identity": "on", "share_account_email": "on"},
    )
    anonymous, named = EthicsCase.objects.order_by("pk")
    assert not anonymous.identity_given and anonymous.reporter_contact == ""
    assert named.identity_given and named.reporter_contact == candidate.email


def test_an_invalid_report_shows_errors_and_creates_nothing(client, ministry):
    response = client.post("/en/ethics/report/", {"category": "gossip", "state_body": ministry.pk})
    assert response.status_code == 400
    assert "form-errors" in response.content.decode() or "errorlist" in response.content.decode()
    assert not EthicsCase.objects.exists()
