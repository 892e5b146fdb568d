"""The commission member's essay page: redacted text and rubric, blind to the AI's score
until the member has marked; and the marking queue, double-marking first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from recruitment.models import CommissionMark
from testing_center.integrity import sitting_integrity_scan
from testing_center.models import EssayReview, ScoringPolicy
from testing_center.scoring.essays import essays_prepare
from testing_center.scoring.training import (
    training_run_execute,
    training_run_start,
    training_upload_create,
)
from tests.factories import UserFactory
from tests.testing_center.ai_factories import make_essay_contest, scored_answers_csv, write_essay
from tests.testing_center.factories import make_candidate
from tests.testing_center.scoring.test_ai_scoring import GOOD, POOR

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

NAME = "Айгерим Сапарова"


@pytest.fixture
def essays(roles):
    contest = make_essay_contest()
    admin = UserFactory(is_superuser=True, is_staff=True)
    training_upload_create(actor=admin, data=scored_answers_csv(contest.question), filename="m.csv")
    run = training_run_start(actor=admin, question=contest.question)
    training_run_execute(run_id=run.pk)
    ScoringPolicy.objects.create(question=contest.question, confidence_threshold=Decimal("0"))
    return contest


def _url(seat, application):
    return reverse("staff:commission_essay", args=[seat.pk, application.pk])


def test_a_member_reads_the_redacted_essay_and_rubric_but_not_the_ai_score(client, essays):
    application, _ = write_essay(essays, f"{GOOD} Меня зовут {NAME}.")
    essays_prepare(sitting_id=essays.sitting.pk)
    seat = essays.members[0]
    client.force_login(seat.user)
    page = client.get("/en" + _url(seat, application)[3:]).content.decode()
    assert "открытость данных" in page
    assert "Сапарова" not in page and "Айгерим" not in page
    assert "[NAME]" in page
    assert 'name="rubric-ideas"' in page and 'name="rubric-language"' in page
    assert 'data-testid="ai-opinion"' not in page
    assert "AI score" not in page


def test_marking_by_rubric_saves_the_total_and_then_shows_the_ai_opinion(client, essays):
    application, _ = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    seat = essays.members[0]
    client.force_login(seat.user)
    url = "/en" + _url(seat, application)[3:]
    response = client.post(url, {"rubric-ideas": "3", "rubric-language": "1", "comment": "ok"})
    assert response.status_code == 302
    mark = CommissionMark.objects.get(member=seat)
    assert mark.score == Decimal(4)
    assert mark.rubric == {"ideas": "3", "language": "1"}
    page = client.get(url).content.decode()
    review = EssayReview.objects.get()
    assert 'data-testid="ai-opinion"' in page
    assert f"AI score: {review.ai_score}" in page
    assert "scorer-" in page  # the model version that produced it


@pytest.mark.parametrize(
    "post",
    [
        {"rubric-ideas": "9", "rubric-language": "1"},
        {"rubric-ideas": "two", "rubric-language": "1"},
        {"rubric-ideas": "2"},
    ],
)
def test_a_bad_rubric_score_is_explained_and_saves_nothing(client, essays, post):
    application, _ = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    seat = essays.members[0]
    client.force_login(seat.user)
    response = client.post("/en" + _url(seat, application)[3:], post)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not CommissionMark.objects.exists()


def test_an_essay_still_being_prepared_cannot_be_marked(client, essays):
    application, _ = write_essay(essays, GOOD)
    seat = essays.members[0]
    client.force_login(seat.user)
    response = client.post(
        "/en" + _url(seat, application)[3:], {"rubric-ideas": "3", "rubric-language": "1"}
    )
    assert response.status_code == 400
    assert "being prepared" in response.content.decode()
    assert not CommissionMark.objects.exists()


def test_only_the_seat_holder_may_open_an_essay(client, essays):
    application, _ = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    url = _url(essays.members[0], application)
    assert client.get(url).status_code == 302  # anonymous: sign in first
    client.force_login(essays.members[1].user)
    assert client.get(url).status_code == 404  # another member's seat
    client.force_login(make_candidate())
    assert client.get(url).status_code == 403
    client.force_login(essays.hr)
    assert client.get(url).status_code == 403


def test_the_queue_lists_double_marking_first_with_its_reason(client, essays):
    confident, _ = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    ScoringPolicy.objects.filter(question=essays.question).update(confidence_threshold=Decimal("1"))
    doubtful, _ = write_essay(essays, POOR)
    essays_prepare(sitting_id=essays.sitting.pk)
    seat = essays.members[0]
    client.force_login(seat.user)
    page = client.get(f"/en/staff/commission/{seat.pk}/").content.decode()
    assert page.index(doubtful.code) < page.index(confident.code)
    assert "Blind double marking" in page
    assert "the AI is not confident" in page


def test_the_queue_reads_a_bounded_number_of_queries(client, essays, django_assert_max_num_queries):
    for _ in range(6):
        write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    seat = essays.members[0]
    client.force_login(seat.user)
    with django_assert_max_num_queries(14):
        assert client.get(f"/en/staff/commission/{seat.pk}/").status_code == 200


def test_no_staff_page_shows_what_an_essay_says_about_its_author(client, essays):
    """The essay leak test: the author writes their name, IIN, phone and e-mail into the
    essay; commission, HR (admin), observer and ethics pages show none of them."""
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from tests.recruitment.crawler import crawl

    identifiers = ["Сапарова", "900101300123", "701 555 44 33", "a.saparova@mail.kz"]
    application, _ = write_essay(
        essays,
        f"{GOOD} Меня зовут Айгерим Сапарова, ИИН 900101300123, телефон +7 701 555 44 33, "
        "почта a.saparova@mail.kz.",
    )
    essays_prepare(sitting_id=essays.sitting.pk)
    sitting_integrity_scan(sitting_id=essays.sitting.pk)
    ethics = UserFactory()
    staff_assign(user=ethics, role=Role.ETHICS_COMMISSIONER, state_body=essays.body)
    observer = UserFactory()
    staff_assign(user=observer, role=Role.OBSERVER, state_body=essays.body)
    leaks = []

    def check(url, body):
        text = body.decode("utf-8", "replace")
        leaks.extend(f"{url}: {i}" for i in identifiers if i in text)

    visited = {}
    for name, user in {
        "commission": essays.members[0].user,
        "hr": essays.hr,
        "observer": observer,
        "ethics": ethics,
    }.items():
        client.force_login(user)
        visited[name] = crawl(
            client,
            ["/admin/", "/kk/staff/commission/", "/kk/staff/observe/", "/kk/ethics/dashboard/"],
            check=check,
        )
    assert not leaks, leaks[:10]
    assert any(f"/essay/{application.pk}/" in u for u in visited["commission"])
    assert any(u.startswith("/admin/testing_center/essayreview/") for u in visited["hr"])
    assert any("/ethics/" in u and "case" in u for u in visited["ethics"])


def test_an_essay_appeal_shows_hr_the_redacted_essay_the_marks_and_the_ai_opinion(client, essays):
    from recruitment import services as recruitment_services
    from recruitment.models import Appeal

    application, _ = write_essay(essays, f"{GOOD} Меня зовут {NAME}.")
    essays_prepare(sitting_id=essays.sitting.pk)
    for seat, score in zip(essays.members[:2], (Decimal(3), Decimal(4)), strict=True):
        recruitment_services.commission_mark(member=seat, application=application, score=score)
    appeal = Appeal.objects.create(
        application=application, stage=essays.stage, text="x", text_redacted="My essay is better."
    )
    client.force_login(essays.hr)
    client.cookies["eqyzmet_language"] = "en"
    page = client.get(f"/admin/recruitment/appeal/{appeal.pk}/decide/").content.decode()
    review = EssayReview.objects.get()
    assert "открытость данных" in page and "Сапарова" not in page
    assert "3.00" in page and "4.00" in page  # both commission marks
    assert f"AI score: {review.ai_score}" in page
    assert "scorer-" in page


def test_the_essay_page_reads_a_bounded_number_of_queries(
    client, essays, django_assert_max_num_queries
):
    application, _ = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    seat = essays.members[0]
    client.force_login(seat.user)
    with django_assert_max_num_queries(12):
        assert client.get(_url(seat, application)).status_code == 200


def test_the_essay_review_list_does_not_grow_with_essays(
    client, essays, django_assert_max_num_queries
):
    for _ in range(8):
        write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    client.force_login(essays.hr)
    with django_assert_max_num_queries(12):
        page = client.get("/admin/testing_center/essayreview/")
    assert page.status_code == 200
    assert page.content.decode().count("/change/") >= 8
