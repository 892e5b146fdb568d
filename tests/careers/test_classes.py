"""Class codes: creating one, students joining without accounts, and the adviser's report,
which shows aggregates only, nothing below five students, to its creator alone."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from careers import classes
from careers.models import ClassGroup, ExplorerResult
from eqyzmet.errors import ApplicationError
from testing_center import delivery
from testing_center.models import Attempt, option_labels
from testing_center.public import practice_aggregates
from tests.careers.helpers import EXAMPLE, uniform
from tests.factories import UserFactory
from tests.testing_center.factories import make_blueprint, small_bank

pytestmark = pytest.mark.django_db

NOTHING_YET = "Results appear when at least 5 students have taken part."


@pytest.fixture
def adviser(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def group(adviser):
    return classes.class_create(adviser=adviser, name="11 A")


@pytest.fixture
def practice():
    topics = small_bank(sections=1, per_topic=4, practice=True)
    return make_blueprint([(topics[0], 4, None)], practice=True, pass_min_correct=2)


def _student(group) -> Client:
    student = Client()
    assert (
        student.post("/en/careers/class/", {"code": classes.code_display(group.code)}).status_code
        == 302
    )
    return student


def _take_explorer(student, answers):
    response = student.post("/en/careers/explorer/", {k: str(v) for k, v in answers.items()})
    assert response.status_code == 302


def _take_practice(student, blueprint, correct: int):
    """Start in the browser (the class tag comes from the session), answer and hand in."""
    student.post(reverse("testing_center:practice_start", args=[blueprint.code]))
    attempt = Attempt.objects.order_by("-pk").first()
    answers = {}
    for n, item in enumerate(attempt.items.select_related("question").order_by("position")):
        labels = option_labels(
            seed=attempt.seed, position=item.position, option_order=item.option_order
        )
        key = item.question.key[0]
        wrong = next(oid for oid in item.option_order if oid != key)
        answers[item.position] = labels[key] if n < correct else labels[wrong]
    delivery.attempt_save_many(attempt=attempt, answers=answers)
    delivery.attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED
    return attempt


def test_a_code_is_random_unambiguous_and_unique(adviser):
    codes = {classes.class_create(adviser=adviser, name=f"Class {n}").code for n in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 8
        assert not set(code) & set("0O1IL5S2Z8B")


def test_a_class_needs_a_name_and_nothing_is_created_without_one(adviser, client):
    with pytest.raises(ApplicationError):
        classes.class_create(adviser=adviser, name="   ")
    response = client.post(reverse("careers:class_create"), {"name": ""}, follow=True)
    assert "Give the class a name" in response.content.decode()
    assert not ClassGroup.objects.exists()


def test_a_student_joins_by_typed_code_or_by_link_without_an_account(group):
    typed = Client()
    lower = classes.code_display(group.code).lower().replace("-", " ")
    typed.post("/en/careers/class/", {"code": lower})
    assert group.name in typed.get("/en/careers/class/").content.decode()
    linked = Client()
    response = linked.get(reverse("careers:class_link", args=[group.code]))
    assert response.status_code == 302
    assert group.name in linked.get("/en/careers/class/").content.decode()


def test_a_wrong_code_is_refused_clearly(client):
    response = client.post("/en/careers/class/", {"code": "AAAA-AAAA"})
    assert response.status_code == 400
    assert "No class has this code" in response.content.decode()
    assert Client().get(reverse("careers:class_link", args=["NOPE"])).status_code == 404


def test_the_explorer_and_the_practice_test_taken_in_a_class_carry_it(group, practice):
    student = _student(group)
    _take_explorer(student, EXAMPLE)
    result = ExplorerResult.objects.get()
    assert result.class_group == group and result.user is None
    attempt = _take_practice(student, practice, correct=3)
    assert attempt.practice_tag == classes.practice_tag(group)
    # Leaving the class stops the tagging.
    student.post(reverse("careers:class_leave"))
    student.post(reverse("testing_center:practice_start", args=[practice.code]))
    assert Attempt.objects.order_by("-pk").first().practice_tag == ""


def test_practice_aggregates_count_mean_and_distribution_of_a_tag(group, practice):
    for correct in (4, 3, 2, 0):
        _take_practice(_student(group), practice, correct=correct)
    _take_practice(Client(), practice, correct=4)  # not in the class
    agg = practice_aggregates(tag=classes.practice_tag(group))
    assert agg.sittings == 4
    assert agg.passed == 3  # two correct needed
    assert agg.mean_percent == pytest.approx(56.2, abs=0.1)  # (100 + 75 + 50 + 0) / 4
    assert agg.distribution == ((0, 20, 1), (20, 40, 0), (40, 60, 1), (60, 80, 1), (80, 100, 1))
    assert practice_aggregates(tag="class-NOTHING").sittings == 0


def test_a_class_of_four_shows_nothing_countable(client, group, practice):
    for _ in range(4):
        student = _student(group)
        _take_explorer(student, EXAMPLE)
        _take_practice(student, practice, correct=4)
    page = client.get(reverse("careers:class_detail", args=[group.code])).content.decode()
    assert page.count(NOTHING_YET) == 2
    main = page[page.index("<main") :]
    assert not re.search(r"\b4\b", main)  # not even the number who took part
    assert "of 100" not in main and "%)" not in main
    agg = classes.class_aggregates(group=group)
    assert not agg.anything_shown
    assert agg.explorer_count == 0 and agg.practice_count == 0 and not agg.top_types


def test_a_class_of_five_shows_aggregates_and_no_single_result(client, group, practice):
    for n in range(5):
        student = _student(group)
        _take_explorer(student, EXAMPLE if n < 4 else uniform(5))
        _take_practice(student, practice, correct=n % 5)
    with_results = client.get(reverse("careers:class_detail", args=[group.code]))
    page = with_results.content.decode()
    assert NOTHING_YET not in page
    assert "5 students took part." in page
    assert "5 practice tests handed in." in page
    assert "Average share of points: 50.0%." in page  # (0 + 25 + 50 + 75 + 100) / 5
    # Top interest types: four investigative, one realistic (a tie goes to R).
    assert "4 (80%)" in page and "1 (20%)" in page
    # Nothing that belongs to one student: no result's id, link or time.
    for result in ExplorerResult.objects.all():
        assert reverse("careers:explorer_result", args=[result.pk]) not in page
    for attempt in Attempt.objects.all():
        assert f"/attempt/{attempt.pk}/" not in page


def test_the_report_changes_only_with_each_whole_batch_of_five_students(client, group):
    url = reverse("careers:class_detail", args=[group.code])
    for _ in range(5):
        _take_explorer(_student(group), EXAMPLE)
    before = client.get(url).content.decode()
    assert "5 students took part." in before
    # A sixth (different) student changes nothing an adviser could compare.
    _take_explorer(_student(group), uniform(5))
    after = client.get(url).content.decode()
    assert "5 students took part." in after
    assert before[before.index("<main") :] == after[after.index("<main") :]
    for _ in range(4):
        _take_explorer(_student(group), uniform(5))
    assert "10 students took part." in client.get(url).content.decode()


def test_practice_aggregates_in_batches_count_whole_batches_only(group, practice):
    for correct in (4, 4, 4, 4, 4, 0, 0):
        _take_practice(_student(group), practice, correct=correct)
    tag = classes.practice_tag(group)
    assert practice_aggregates(tag=tag).sittings == 7
    batched = practice_aggregates(tag=tag, batch=5)
    assert batched.sittings == 5
    assert batched.mean_percent == 100.0  # the first five, in the order they started


def test_wrong_codes_are_limited_per_network_and_a_right_one_is_not_counted(group, monkeypatch):
    from careers import explorer_throttling

    monkeypatch.setitem(explorer_throttling.LIMITS, "class_code_failure", (2, None))
    guesser = Client()
    for _ in range(2):
        assert guesser.post("/en/careers/class/", {"code": "AAAAAAAA"}).status_code == 400
    refused = guesser.post("/en/careers/class/", {"code": group.code})
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.content.decode()


def test_questionnaires_are_limited_per_network_and_a_refused_one_saves_nothing(monkeypatch):
    from careers import explorer_throttling

    monkeypatch.setitem(explorer_throttling.LIMITS, "explorer_submit", (1, None))
    student = Client()
    _take_explorer(student, EXAMPLE)
    refused = student.post("/en/careers/explorer/", {k: str(v) for k, v in EXAMPLE.items()})
    assert refused.status_code == 429
    assert "Too many questionnaires" in refused.content.decode()
    assert ExplorerResult.objects.count() == 1


def test_only_the_creator_sees_a_class_page(client, group):
    url = reverse("careers:class_detail", args=[group.code])
    assert client.get(url).status_code == 200
    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 404
    assert "/accounts/login/" in Client().get(url)["Location"]
    assert group.code not in other.get(reverse("careers:class_list")).content.decode()


def test_the_class_report_prints_on_one_page(client, group):
    page = client.get(reverse("careers:class_detail", args=[group.code])).content.decode()
    assert "careers/careers.css" in page
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("careers/careers.css")).read_text(encoding="utf-8")
    assert "@media print" in css and ".site-header" in css


def test_the_class_page_runs_a_fixed_number_of_queries(
    client, group, practice, django_assert_max_num_queries
):
    for n in range(6):
        student = _student(group)
        _take_explorer(student, uniform(1 + n % 5))
        _take_practice(student, practice, correct=n % 4)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("careers:class_detail", args=[group.code])).status_code == 200
