"""Every demo vacancy shows its number of posts, whom to ask and the documents to present."""

from __future__ import annotations

import pytest

from recruitment.models import Vacancy
from tests.browser_pages import seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_every_demo_vacancy_has_posts_a_contact_and_documents(client):
    seed_demo()
    vacancies = list(Vacancy.objects.all())
    assert len(vacancies) >= 12
    for vacancy in vacancies:
        assert vacancy.posts >= 1
        assert vacancy.contact_name and vacancy.contact_phone
        assert vacancy.contact_email.startswith("hr.unit@")
        assert len(vacancy.required_document_labels) >= 6
    open_one = Vacancy.objects.get(competitions__number="KZ-2026-MDAI-0001")
    page = client.get(f"/en/vacancies/{open_one.pk}/").content.decode()
    assert open_one.contact_email in page
    assert "Personnel record sheet with a photo" in page
