"""Ethics in the admin (superusers only) and the demo seed."""

from __future__ import annotations

import io

import pytest

from ethics.models import EthicsCase, Source, Status
from ethics.selectors import case_for_receipt
from tests.ethics.factories import report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/ethics/ethicscase/",
    "/admin/ethics/casemessage/",
    "/admin/ethics/casenote/",
    "/admin/ethics/caseattachment/",
    "/admin/ethics/ethicsbodysettings/",
]


def test_hr_officers_cannot_see_ethics_cases_in_the_admin(client, hr_officer, ministry):
    case = report(ministry).case
    client.force_login(hr_officer)
    index = client.get("/admin/").content.decode()
    assert "ethicscase" not in index
    for url in [*ADMIN_PAGES, f"/admin/ethics/ethicscase/{case.pk}/change/"]:
        assert client.get(url).status_code == 403, url


def test_commissioners_use_the_dashboard_not_the_admin(client, commissioner):
    client.force_login(commissioner)
    assert client.get(ADMIN_PAGES[0]).status_code == 302  # not staff: sent to the admin login


def test_superusers_read_cases_in_the_admin_but_cannot_edit_them(client, ministry):
    case = report(ministry, reporter_name="Secret Name").case
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/ethics/ethicscase/{case.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case.receipt_hash not in html and "Secret Name" not in html
    assert (
        client.post(f"/admin/ethics/ethicscase/{case.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )


def test_the_demo_seed_is_idempotent_and_its_printed_code_opens_its_case(roles):
    from eqyzmet import demo as kernel_demo
    from ethics import demo

    kernel_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    count = EthicsCase.objects.count()
    demo.seed(out)
    assert EthicsCase.objects.count() == count
    assert "4821 7390 1645 2208" in out.getvalue()
    case = case_for_receipt(code="4821 7390 1645 2208")
    assert case is not None and case.state_body.code == "mdai"
    statuses = set(EthicsCase.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in Status}
    assert EthicsCase.objects.filter(source=Source.SYSTEM).count() >= 2
    assert len(set(EthicsCase.objects.values_list("category", flat=True))) >= 8
