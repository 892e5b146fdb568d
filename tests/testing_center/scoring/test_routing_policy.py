"""Per-question routing in the product: the threshold stored with the model, recomputed
when the policy changes, used when essays are routed, and the human workload shown to the
bank owner before a sitting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from testing_center.models import EssayReview, ScoringModel, ScoringPolicy
from testing_center.scoring.essays import essays_prepare
from testing_center.scoring.routing import routing_threshold
from testing_center.scoring.training import (
    training_run_execute,
    training_run_start,
    training_upload_create,
)
from testing_center.scoring.workload import scoring_policy_save, sitting_workload
from tests.factories import UserFactory
from tests.testing_center.ai_factories import (
    KEY_IDEAS,
    make_essay_contest,
    scored_answers_csv,
    write_essay,
)
from tests.testing_center.factories import make_application, make_candidate

pytestmark = pytest.mark.django_db

GOOD = ". ".join(KEY_IDEAS) + ". Мне кажется это важная тема."
POLICIES = "/admin/testing_center/scoringpolicy/"


@pytest.fixture
def admin_user(roles):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def trained(roles, admin_user):
    contest = make_essay_contest()
    training_upload_create(
        actor=admin_user, data=scored_answers_csv(contest.question), filename="marks.csv"
    )
    run = training_run_start(actor=admin_user, question=contest.question)
    training_run_execute(run_id=run.pk)
    return contest, ScoringModel.objects.get(question=contest.question, is_active=True)


def test_training_stores_held_out_confidences_and_the_threshold_of_the_policy(trained):
    _contest, model = trained
    assert len(model.calibration) == model.training_size == 72
    # No policy yet: the default fixed threshold, and what it does on held-out answers.
    assert model.review_threshold == pytest.approx(0.60)
    below = sum(1 for c, _e in model.calibration if c < 0.60) / 72
    assert model.expected_review_share == pytest.approx(below, abs=1e-6)


def test_a_review_share_policy_gives_the_question_its_own_threshold(trained, admin_user):
    contest, model = trained
    policy = ScoringPolicy(question=contest.question, routing=ScoringPolicy.Routing.REVIEW_SHARE)
    scoring_policy_save(actor=admin_user, policy=policy)
    model.refresh_from_db()
    expected = routing_threshold(model.calibration, mode="share", target=0.2)
    assert model.review_threshold == pytest.approx(expected.threshold, abs=1e-6)
    assert model.expected_review_share == pytest.approx(0.2, abs=0.05)
    assert AuditEvent.objects.filter(action="scoring.policy_saved").exists()


def test_a_target_outside_zero_to_one_is_refused_and_nothing_changes(trained, admin_user):
    contest, model = trained
    policy = ScoringPolicy(
        question=contest.question,
        routing=ScoringPolicy.Routing.REVIEW_SHARE,
        routing_target=Decimal("1.5"),
    )
    with pytest.raises(ApplicationError, match="between 0 and 1"):
        scoring_policy_save(actor=admin_user, policy=policy)
    assert not ScoringPolicy.objects.exists()
    model.refresh_from_db()
    assert model.review_threshold == pytest.approx(0.60)


@pytest.mark.parametrize(("target", "route"), [("0", "single"), ("1", "double")])
def test_essays_are_routed_with_the_questions_own_threshold(trained, admin_user, target, route):
    contest, _model = trained
    scoring_policy_save(
        actor=admin_user,
        policy=ScoringPolicy(
            question=contest.question,
            routing=ScoringPolicy.Routing.REVIEW_SHARE,
            routing_target=Decimal(target),
            # The fixed threshold would route the other way round: it is not used.
            confidence_threshold=Decimal("1") if target == "0" else Decimal("0"),
        ),
    )
    _application, attempt = write_essay(contest, GOOD)
    essays_prepare(sitting_id=contest.sitting.pk)
    review = EssayReview.objects.get(attempt=attempt)
    assert review.route == route
    assert ("low_confidence" in review.reasons) == (route == "double")


def test_the_bank_owner_sees_each_questions_workload_before_the_sitting(
    client, trained, admin_user, django_assert_max_num_queries
):
    contest, model = trained
    scoring_policy_save(
        actor=admin_user,
        policy=ScoringPolicy(question=contest.question, routing=ScoringPolicy.Routing.REVIEW_SHARE),
    )
    model.refresh_from_db()
    for _ in range(10):
        make_application(contest, user=make_candidate())
    [row] = sitting_workload(sitting=contest.sitting)
    assert row.answers == 10
    assert row.to_review == round(model.expected_review_share * 10)

    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        html = client.get(POLICIES, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    share = f"{100 * model.expected_review_share:.1f} % of answers to people"
    assert share in html
    assert f"{model.review_threshold:.3f}" in html
    page = client.get(
        f"/admin/testing_center/sitting/{contest.sitting.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Answers the AI sends to people" in page
    assert f"{row.to_review} / 10" in page
    assert contest.question.external_id in page


def test_a_new_policy_in_the_admin_routes_by_review_share_and_a_bad_target_is_refused(
    client, trained, admin_user
):
    contest, _model = trained
    client.force_login(admin_user)
    form = client.get(f"{POLICIES}add/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="share" selected' in form
    data = {
        "question": contest.question.pk,
        "routing": "share",
        "routing_target": "1.5",
        "confidence_threshold": "0.60",
        "review_margin": "1",
    }
    response = client.post(f"{POLICIES}add/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and not ScoringPolicy.objects.exists()
    assert "less than or equal to 1" in response.content.decode()
    data["routing_target"] = "0.30"
    assert client.post(f"{POLICIES}add/", data).status_code == 302
    model = ScoringModel.objects.get(question=contest.question, is_active=True)
    assert model.expected_review_share == pytest.approx(0.3, abs=0.05)


def test_another_bodys_officer_sees_no_policy_of_this_bank(client, trained, admin_user):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from tests.factories import make_state_body

    contest, _model = trained
    policy = scoring_policy_save(actor=admin_user, policy=ScoringPolicy(question=contest.question))
    other = UserFactory()
    staff_assign(user=other, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(other)
    response = client.get(f"{POLICIES}{policy.pk}/change/")
    assert response.status_code in (302, 403)
