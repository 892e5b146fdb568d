"""Language DIF in a sitting's item analysis: stored beside facility and discrimination,
flagged in the admin for the body's HR officers, and the demo's planted item caught."""

from __future__ import annotations

import pytest

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from testing_center import demo
from testing_center.analysis import sitting_analyse
from testing_center.demo_analysis import PLANTED_DIF_ITEM, analysed_sitting_seed
from testing_center.models import Attempt, ItemStatistic, Question, Sitting
from tests.factories import UserFactory, make_state_body
from tests.testing_center.factories import make_blueprint, make_contest, small_bank

pytestmark = pytest.mark.django_db

ITEMS = "/admin/testing_center/itemstatistic/"


@pytest.fixture
def demo_sitting(roles):
    """The demo's analysed legislation sitting (400 papers) on a stage of its own."""
    demo.load_bank()
    demo.seed_blueprints()
    topics = small_bank(sections=1, per_topic=1)
    contest = make_contest(blueprint=make_blueprint([(topics[0], 1, 1)]))
    contest.sitting.delete()  # the demo attaches its own
    assert analysed_sitting_seed(stage_id=contest.stage.pk)
    return contest, Sitting.objects.get(stage=contest.stage)


def test_the_demo_analysis_flags_exactly_the_planted_item_and_the_admin_shows_it(
    client, demo_sitting, django_assert_max_num_queries
):
    contest, sitting = demo_sitting
    papers = Attempt.objects.filter(sitting=sitting)
    assert papers.filter(language="kk").count() == papers.filter(language="ru").count() == 200
    stats = ItemStatistic.objects.filter(sitting=sitting).select_related("question")
    assert stats.count() > 50
    biased = [s for s in stats if s.dif_category in ("B", "C")]
    assert [(s.question.external_id, s.dif_category, s.dif_favours) for s in biased] == [
        (PLANTED_DIF_ITEM, "C", "ru")
    ]
    planted = biased[0]
    assert planted.dif_d <= -1.5 and planted.dif_alpha > 1
    assert (abs(planted.dif_d) - 1) / planted.dif_d_se > 1.645
    assert planted.flagged and "language_dif_c" in planted.flag_reasons
    assert planted.dif_reference_n + planted.dif_focal_n == planted.attempts
    assert all(s.dif_category == "A" for s in stats if s.pk != planted.pk)
    assert analysed_sitting_seed(stage_id=sitting.stage_id) is False  # idempotent

    # The body's HR officer sees the flag in the admin; another body's does not.
    client.force_login(contest.hr)
    with django_assert_max_num_queries(12):
        html = client.get(ITEMS, {"dif_category": "C"}, HTTP_ACCEPT_LANGUAGE="en").content
    html = html.decode()
    assert PLANTED_DIF_ITEM in html
    assert "Large language bias (C): favours Russian-language candidates" in html
    assert "MH D-DIF" in html
    # The flag names the bias in the bank's question list too.
    question = Question.objects.get(external_id=PLANTED_DIF_ITEM)
    listing = client.get(
        "/admin/testing_center/question/", {"q": PLANTED_DIF_ITEM}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert question.external_id in listing
    assert "large language bias (DIF class C)" in listing
    stat = ItemStatistic.objects.get(sitting=sitting, question=question)
    page = client.get(f"{ITEMS}{stat.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Large language bias" in page.content.decode()

    other = UserFactory()
    staff_assign(user=other, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(other)
    assert PLANTED_DIF_ITEM not in client.get(ITEMS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert client.get(f"{ITEMS}{stat.pk}/change/").status_code == 302


def test_a_small_sitting_says_the_dif_was_not_computed(client, contest, roles):
    from testing_center.delivery import attempt_start, attempt_submit
    from testing_center.scoring.papers import attempt_score
    from tests.testing_center.factories import make_application, make_candidate
    from tests.testing_center.helpers import answer_sections

    for n, language in enumerate(["kk", "ru", "ru"]):
        user = make_candidate()
        make_application(contest, user=user)
        attempt = attempt_start(user=user, sitting=contest.sitting, language=language)
        answer_sections(attempt, {1: n, 2: 1})
        attempt_submit(attempt=attempt, by="candidate")
        attempt_score(attempt_id=attempt.pk)
    sitting_analyse(sitting_id=contest.sitting.pk)
    stats = list(ItemStatistic.objects.filter(sitting=contest.sitting))
    assert stats and all(s.dif_category == "" and s.dif_d is None for s in stats)
    assert all(s.dif_focal_n + s.dif_reference_n == s.attempts for s in stats)
    assert max(s.dif_reference_n for s in stats) == 2
    client.force_login(contest.hr)
    html = client.get(ITEMS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not computed: too few papers in one of the languages" in html
