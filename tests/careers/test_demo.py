"""The careers demo: a teacher's class with ten students, seeded once however often run."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from careers.demo import DEMO_CLASS_CODE, TEACHER
from careers.models import ClassGroup, ExplorerResult
from eqyzmet.models import User
from testing_center.models import Attempt
from tests.browser_pages import seed_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_class_has_ten_students_and_seeding_twice_adds_nothing():
    seed_demo()  # the demo as seeded into an empty database
    call_command("seed_demo", stdout=io.StringIO())
    group = ClassGroup.objects.get(code=DEMO_CLASS_CODE)
    assert group.adviser.email == TEACHER
    assert ExplorerResult.objects.filter(class_group=group, user=None).count() == 10
    tagged = Attempt.objects.filter(practice_tag=f"class-{DEMO_CLASS_CODE}")
    assert tagged.count() == 10
    assert set(tagged.values_list("status", flat=True)) == {Attempt.Status.SCORED}
    client = Client()
    client.force_login(User.objects.get(email=TEACHER))
    with override("en"):
        page = client.get(reverse("careers:class_detail", args=[DEMO_CLASS_CODE]))
    text = page.content.decode()
    assert "10 students took part." in text
    assert "10 practice tests handed in." in text
