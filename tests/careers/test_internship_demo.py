"""The internships demo (called from ``seed_demo``): two internships of different bodies,
one closed with two anonymous applications; a second seed changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from careers.models_internships import Internship, InternshipApplication, InternshipIdentity

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_seeds_two_internships_and_two_anonymous_applications(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Internships: 2 (2 applications to 'Digital government summer internship')." in (
        out.getvalue()
    )
    internships = list(Internship.objects.select_related("state_body"))
    assert {i.state_body.code for i in internships} == {"mdai", "minfin"}
    digital = next(i for i in internships if i.state_body.code == "mdai")
    finance = next(i for i in internships if i.state_body.code == "minfin")
    assert not digital.accepts_applications() and finance.accepts_applications()
    applications = list(InternshipApplication.objects.filter(internship=digital))
    assert len(applications) == 2
    assert all(a.status == "submitted" for a in applications)
    # Dana named herself in her motivation: staff read it redacted and flagged.
    named = [a for a in applications if a.redaction_count]
    assert len(named) == 1 and "Нурланова" not in named[0].motivation_redacted
    assert InternshipIdentity.objects.count() == 2

    call_command("seed_demo", stdout=io.StringIO())
    assert Internship.objects.count() == 2
    assert InternshipApplication.objects.count() == 2
