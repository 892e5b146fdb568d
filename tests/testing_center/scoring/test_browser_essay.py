"""Browser journey: a commission member marks an essay the AI doubted, blind to the AI's
score until the mark is saved."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from recruitment.models import CommissionMark
from testing_center.models import ScoringPolicy
from testing_center.scoring.essays import essays_prepare
from testing_center.scoring.training import (
    training_run_execute,
    training_run_start,
    training_upload_create,
)
from tests.factories import PASSWORD, UserFactory
from tests.testing_center.ai_factories import make_essay_contest, scored_answers_csv, write_essay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_member_reads_a_doubted_essay_marks_it_by_rubric_and_then_sees_the_ai(
    page, live_server, roles
):
    contest = make_essay_contest()
    admin = UserFactory(is_superuser=True, is_staff=True)
    training_upload_create(
        actor=admin, data=scored_answers_csv(contest.question), filename="marks.csv"
    )
    run = training_run_start(actor=admin, question=contest.question)
    training_run_execute(run_id=run.pk)
    ScoringPolicy.objects.create(question=contest.question, confidence_threshold=Decimal("1"))
    application, _ = write_essay(
        contest, "Открытость данных о работе органов. Меня зовут Айгерим Сапарова."
    )
    essays_prepare(sitting_id=contest.sitting.pk)
    seat = contest.members[0]

    page.goto(f"{live_server.url}/en/accounts/login/?next=/en/staff/commission/{seat.pk}/")
    page.fill("#id_username", seat.user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    row = page.locator(f"tr[data-code='{application.code}']")
    assert "Blind double marking" in row.inner_text()
    row.get_by_role("link", name="Read and mark").click()

    text = page.get_by_test_id("essay-text").inner_text()
    assert "[NAME]" in text and "Сапарова" not in text
    assert page.get_by_test_id("ai-opinion").count() == 0
    page.get_by_label("Ideas").fill("2")  # the rubric in the page's language
    page.fill("#rubric-language", "1")
    page.get_by_role("button", name="Save").click()

    assert "Mark saved" in page.content()
    assert "AI score:" in page.get_by_test_id("ai-opinion").inner_text()
    assert CommissionMark.objects.get(member=seat).score == Decimal(3)
