"""Fairness you can audit (issue 18): voluntary equality answers, the adverse-impact case
raised at the ranking lock, the ethics commissioner's report and the public statistics."""

from __future__ import annotations

import pytest
from django.db import connection

from eqyzmet.errors import ApplicationError
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from ethics.models import EthicsCase
from recruitment import services
from recruitment.demo_fairness import synthetic_cohort_add
from recruitment.models import Competition, Stage
from recruitment.models_equality import EqualityRecord
from recruitment.services.equality import (
    equality_answers_of,
    equality_record_save,
    equality_record_withdraw,
)
from recruitment.services.fairness import fairness_cases_raise
from tests.factories import UserFactory
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db

TEST_ONLY = [(Stage.Kind.LEGISLATION_TEST, "55", None, None, "0")]


@pytest.fixture
def staff(roles):
    return make_staff()


@pytest.fixture
def competition(staff):
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    return competition


@pytest.fixture
def candidate(roles):
    return make_candidate()


@pytest.fixture
def application(candidate, competition):
    return services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )


def _locked_with_cohort(staff, cohort=(("female", 60, 27), ("male", 60, 48))):
    """A one-stage competition at its legislation test with a synthetic cohort; women
    pass 27 of 60 (45%), men 48 of 60 (80%): ratio 0.5625, Fisher p ≈ 0.00013."""
    competition = make_competition(staff=staff, plan=TEST_ONLY)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.TESTING)
    synthetic_cohort_add(competition=competition, cohort=cohort)
    competition.applications.update(current_stage=competition.stages.get())
    return Competition.objects.get(pk=competition.pk)


# --- The candidate's answers ---------------------------------------------------------------


def test_answers_are_stored_encrypted_apart_from_the_application(candidate, application):
    equality_record_save(
        user=candidate.user,
        application=application,
        answers={"gender": "female", "region": "ulytau", "disability": "undisclosed"},
    )
    assert equality_answers_of(application_id=application.pk) == {
        "gender": "female",
        "region": "ulytau",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM recruitment_equalityrecord")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "ulytau" not in raw and "female" not in raw
    assert str(application.pk) not in raw  # the link is inside the ciphertext


def test_the_candidate_changes_and_withdraws_their_answers(candidate, application):
    equality_record_save(user=candidate.user, application=application, answers={"gender": "male"})
    equality_record_save(
        user=candidate.user, application=application, answers={"sector": "private"}
    )
    assert equality_answers_of(application_id=application.pk) == {"sector": "private"}
    equality_record_withdraw(user=candidate.user, application=application)
    assert equality_answers_of(application_id=application.pk) == {}
    assert not EqualityRecord.objects.exists()


def test_another_person_or_a_made_up_answer_is_refused(candidate, application):
    stranger = make_candidate()
    with pytest.raises(ApplicationError):
        equality_record_save(
            user=stranger.user, application=application, answers={"gender": "male"}
        )
    with pytest.raises(ApplicationError):
        equality_record_save(
            user=candidate.user, application=application, answers={"gender": "robot"}
        )
    assert not EqualityRecord.objects.exists()


def test_answers_freeze_when_the_ranking_is_locked(candidate, application, competition):
    equality_record_save(user=candidate.user, application=application, answers={"gender": "male"})
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.RANKING_LOCKED)
    with pytest.raises(ApplicationError) as refused:
        equality_record_save(
            user=candidate.user, application=application, answers={"gender": "female"}
        )
    assert refused.value.code == "too_late"
    with pytest.raises(ApplicationError):
        equality_record_withdraw(user=candidate.user, application=application)
    assert equality_answers_of(application_id=application.pk) == {"gender": "male"}


def test_the_form_page_states_the_use_and_saves(client, candidate, application):
    client.force_login(candidate.user)
    url = f"/en/my/applications/{application.pk}/equality/"
    page = client.get(url).content.decode()
    assert "never used in any decision or matching" in page
    assert "Prefer not to say" in page
    response = client.post(url, {"gender": "female", "age_band": "undisclosed"})
    assert response.status_code == 302
    assert equality_answers_of(application_id=application.pk) == {"gender": "female"}
    detail = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "You have answered the equality questions" in detail
    client.post(url, {"action": "withdraw"})
    assert equality_answers_of(application_id=application.pk) == {}


def test_the_form_page_is_the_owners_alone(client, application):
    stranger = make_candidate()
    client.force_login(stranger.user)
    assert client.get(f"/en/my/applications/{application.pk}/equality/").status_code == 404


# --- The adverse-impact case ---------------------------------------------------------------


def test_locking_the_ranking_raises_one_case_per_adverse_group(client, staff):
    competition = _locked_with_cohort(staff)
    services.competition_lock_ranking(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED
    cases = list(EthicsCase.objects.filter(category="adverse_impact"))
    assert len(cases) == 1
    evidence = cases[0].evidence
    assert (evidence["characteristic"], evidence["group"]) == ("gender", "female")
    assert (evidence["group_size"], evidence["group_passed"]) == (60, 27)
    assert evidence["impact_ratio"] == pytest.approx(0.562, abs=1e-3)
    assert evidence["p_value"] < 0.05
    assert cases[0].state_body_id == staff.body.pk
    # The commissioner reads the figures on the case page, labelled.
    client.force_login(staff.ethics)
    case_page = client.get(f"/en/ethics/dashboard/cases/{cases[0].pk}/").content.decode()
    assert "Adverse impact in a selection stage" in case_page
    assert "Ratio to the highest rate (four-fifths rule)" in case_page
    # However often the check runs, the case is the same one.
    fairness_cases_raise(competition=competition)
    fairness_cases_raise(competition=competition)
    assert EthicsCase.objects.filter(category="adverse_impact").count() == 1


def test_no_case_when_the_gap_could_be_chance(staff):
    # 6 of 12 against 9 of 12: ratio 0.67 but p = 0.40.
    competition = _locked_with_cohort(staff, cohort=(("female", 12, 6), ("male", 12, 9)))
    fairness_cases_raise(competition=competition)
    assert not EthicsCase.objects.filter(category="adverse_impact").exists()


# --- The commissioner's report -------------------------------------------------------------


def test_the_report_shows_the_flag_to_the_ethics_commissioner(
    client, staff, django_assert_max_num_queries
):
    competition = _locked_with_cohort(staff)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.RANKING_LOCKED)
    client.force_login(staff.ethics)
    # Session, user, second factor, roles, scope, the competition, stages, results, answers.
    with django_assert_max_num_queries(9):
        page = client.get(f"/en/staff/fairness/{competition.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="adverse"' in text
    assert "0.56" in text and "below four fifths, significant" in text
    assert "fewer than 10" in text  # disability: 4 "yes" among 120
    with django_assert_max_num_queries(5):
        listing = client.get("/en/staff/fairness/").content.decode()
    assert competition.number in listing


def test_before_the_lock_the_report_says_so(client, staff):
    competition = _locked_with_cohort(staff)  # still at the test
    client.force_login(staff.ethics)
    text = client.get(f"/en/staff/fairness/{competition.pk}/").content.decode()
    assert "available once the competition's ranking is locked" in text
    assert 'data-testid="adverse"' not in text and "45.0%" not in text


def test_staff_and_candidates_cannot_read_the_report(client, staff, candidate):
    competition = _locked_with_cohort(staff)
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.RANKING_LOCKED)
    url = f"/en/staff/fairness/{competition.pk}/"
    for user in (staff.hr, staff.members[0], staff.observer, candidate.user):
        client.force_login(user)
        assert client.get(url).status_code == 403, user
        assert client.get("/en/staff/fairness/").status_code == 403
    other_body = UserFactory()
    staff_assign(user=other_body, role=Role.ETHICS_COMMISSIONER, state_body=make_staff().body)
    client.force_login(other_body)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


# --- Public statistics ---------------------------------------------------------------------


def test_the_public_page_shows_rates_of_locked_competitions_only(
    client, staff, django_assert_max_num_queries
):
    locked = _locked_with_cohort(staff)
    Competition.objects.filter(pk=locked.pk).update(status=Competition.Status.CLOSED)
    _locked_with_cohort(staff, cohort=(("female", 30, 30),))  # still at the test: not counted
    # Bodies, years, competitions, outcomes, answers, and the session's one read.
    with django_assert_max_num_queries(6):
        page = client.get("/en/statistics/fairness/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Competitions: 1. People who sat a stage: 120." in text
    # Reached the final ranking: 27 of 60 women (45.0%), 48 of 60 men (80.0%).
    assert "45.0%" in text and "80.0%" in text
    assert 'class="bar-fill" style="width: 45.0%"' in text
    assert "fewer than 10" in text
    assert "Fisher" not in text  # the public sees rates, not the case machinery
    empty = client.get(f"/en/statistics/fairness/?year=1999&body={staff.body.pk}")
    assert empty.status_code == 200


# --- The person's own data -----------------------------------------------------------------


def test_the_export_holds_the_answers_and_erasure_drops_those_still_changeable(
    candidate, application, staff
):
    from django.utils import translation

    from recruitment.personal_data import candidate_personal_data, candidate_personal_data_erase

    equality_record_save(user=candidate.user, application=application, answers={"region": "ulytau"})
    with translation.override("en"):
        exported = candidate_personal_data(candidate.user.pk)["applications"][0]
    assert exported["equality_answers"] == {"Region where you live": "Ulytau region"}
    # A second application, in a competition whose ranking is locked: its answers are
    # frozen statistics, linked to nobody once the person is gone.
    locked = make_competition(staff=staff)
    services.competition_publish(competition=locked, actor=staff.hr)
    frozen = services.application_submit(
        user=candidate.user, competition=locked, vacancy=locked.vacancies.get(), consent=True
    )
    equality_record_save(user=candidate.user, application=frozen, answers={"gender": "male"})
    Competition.objects.filter(pk=locked.pk).update(status=Competition.Status.CLOSED)
    candidate_personal_data_erase(candidate.user.pk)
    assert equality_answers_of(application_id=application.pk) == {}
    assert equality_answers_of(application_id=frozen.pk) == {"gender": "male"}


def test_after_the_lock_the_form_says_so_and_a_post_changes_nothing(
    client, candidate, application, competition
):
    equality_record_save(user=candidate.user, application=application, answers={"gender": "male"})
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.RANKING_LOCKED)
    client.force_login(candidate.user)
    url = f"/en/my/applications/{application.pk}/equality/"
    assert "can no longer change" in client.get(url).content.decode()
    refused = client.post(url, {"gender": "female"}).content.decode()
    assert "can no longer change" in refused
    client.post(url, {"action": "withdraw"})
    assert equality_answers_of(application_id=application.pk) == {"gender": "male"}
    detail = client.get(f"/en/my/applications/{application.pk}/").content.decode()
    assert "Change or delete my answers" not in detail
