"""Security round 2, item 13: hostile input answers 400 and changes nothing, never 500.

One regression test per finding; tests/test_fuzz.py covers the class (every form and API
operation, every role, a list of hostile values).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ethics.models import EthicsCase
from recruitment import services
from recruitment.models import Application, CommissionMark, Competition, Stage
from recruitment.public import stage_result_record
from testing_center.scoring.essays import essays_prepare
from testing_center.scoring.training import (
    training_run_execute,
    training_run_start,
    training_upload_create,
)
from tests.factories import UserFactory, make_state_body
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "fields"}


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _assert_api_400(response):
    assert response.status_code == 400, response.content[:300]
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["message"]


# --- Commission marks ----------------------------------------------------------------------


@pytest.fixture
def interview(roles):
    """A competition at its interview stage, every member declared."""
    staff = make_staff()
    competition = make_competition(
        staff=staff,
        plan=[
            (Stage.Kind.PERSONAL_QUALITIES, "100", None, None, "0"),
            (Stage.Kind.INTERVIEW, "5", "3", 3, "1"),
        ],
    )
    services.competition_publish(competition=competition, actor=staff.hr)
    application = services.application_submit(
        user=make_candidate().user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    stage = competition.stages.get(kind=Stage.Kind.PERSONAL_QUALITIES)
    stage_result_record(
        application_id=application.pk, stage_id=stage.pk, score=Decimal(50), passed=True
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    application.refresh_from_db()
    assert application.current_stage.kind == Stage.Kind.INTERVIEW
    seat = competition.commission.order_by("pk").first()
    services.commission_declare(member=seat, has_conflict=False)
    return seat, application


def _mark_url(seat, application):
    return "/en" + reverse("staff:commission_mark", args=[seat.pk, application.pk])[3:]


@pytest.mark.parametrize("score", ["NaN", "nan", "sNaN", "-NaN", "Infinity", "-inf", "1e999999"])
def test_a_commission_score_that_is_not_a_number_is_refused_not_a_500(client, interview, score):
    seat, application = interview
    client.force_login(seat.user)
    response = client.post(_mark_url(seat, application), {"score": score, "comment": "ok"})
    assert response.status_code == 302  # back to the queue with the message
    page = client.get(response["Location"]).content.decode()
    assert "between 0 and 5" in page or "as a number" in page
    assert not CommissionMark.objects.exists()


@pytest.mark.parametrize("score", ["NaN", "sNaN", "Infinity"])
def test_the_service_refuses_a_score_that_is_not_a_finite_number(interview, score):
    from eqyzmet.errors import ApplicationError

    seat, application = interview
    with pytest.raises(ApplicationError, match="between 0 and 5"):
        services.commission_mark(member=seat, application=application, score=Decimal(score))
    assert not CommissionMark.objects.exists()


def test_a_nul_character_in_a_commission_comment_is_refused_and_saves_nothing(client, interview):
    seat, application = interview
    client.force_login(seat.user)
    response = client.post(_mark_url(seat, application), {"score": "4", "comment": "ok\x00"})
    assert response.status_code == 400
    assert "invalid characters" in response.content.decode()
    assert not CommissionMark.objects.exists()


@pytest.fixture
def essay(roles):
    from testing_center.models import ScoringPolicy
    from tests.testing_center.ai_factories import (
        make_essay_contest,
        scored_answers_csv,
        write_essay,
    )
    from tests.testing_center.scoring.test_ai_scoring import GOOD

    contest = make_essay_contest()
    admin = UserFactory(is_superuser=True, is_staff=True)
    training_upload_create(actor=admin, data=scored_answers_csv(contest.question), filename="m.csv")
    run = training_run_start(actor=admin, question=contest.question)
    training_run_execute(run_id=run.pk)
    ScoringPolicy.objects.create(question=contest.question, confidence_threshold=Decimal("0"))
    application, _ = write_essay(contest, GOOD)
    essays_prepare(sitting_id=contest.sitting.pk)
    return contest.members[0], application


def test_an_essay_cannot_be_marked_with_one_score_without_the_rubric(client, essay):
    seat, application = essay
    client.force_login(seat.user)
    response = client.post(_mark_url(seat, application), {"score": "5", "comment": "ok"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "criterion by criterion" in page
    assert not CommissionMark.objects.exists()


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-0.0001"])
def test_an_essay_rubric_score_that_is_not_a_number_is_refused(client, essay, value):
    seat, application = essay
    client.force_login(seat.user)
    url = "/en" + reverse("staff:commission_essay", args=[seat.pk, application.pk])[3:]
    response = client.post(url, {"rubric-ideas": value, "rubric-language": "1"})
    assert response.status_code == 400
    assert not CommissionMark.objects.exists()


def test_a_member_marks_the_prepared_essay_by_rubric(client, essay):
    """The fixture's essay is ready for marking: the refusals below are not about that."""
    seat, application = essay
    client.force_login(seat.user)
    url = "/en" + reverse("staff:commission_essay", args=[seat.pk, application.pk])[3:]
    response = client.post(url, {"rubric-ideas": "3", "rubric-language": "1", "comment": "ok"})
    assert response.status_code == 302
    assert CommissionMark.objects.get().score == Decimal(4)


def test_a_nul_character_in_an_essay_comment_is_refused(client, essay):
    seat, application = essay
    client.force_login(seat.user)
    url = "/en" + reverse("staff:commission_essay", args=[seat.pk, application.pk])[3:]
    response = client.post(url, {"rubric-ideas": "3", "rubric-language": "1", "comment": "\x00"})
    assert response.status_code == 400
    assert not CommissionMark.objects.exists()


# --- The anonymous ethics API ----------------------------------------------------------------


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def _report(body) -> str:
    return json.dumps(
        {"category": "corruption_risk", "state_body": body.pk, "subject": "x", "description": "y"}
    )


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_on_the_ethics_api_is_a_400_in_the_error_shape(client, roles, depth):
    body = make_state_body()
    payload = _report(body)[:-1] + f', "extra": {_deep(depth)}}}'
    response = client.post("/api/v1/ethics/reports/", payload, content_type="application/json")
    _assert_api_400(response)
    assert not EthicsCase.objects.exists()


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_in_a_json_body_is_a_400(client, roles, constant):
    body = make_state_body()
    payload = _report(body).replace('"description"', f'"extra": {constant}, "description"')
    response = client.post("/api/v1/ethics/reports/", payload, content_type="application/json")
    _assert_api_400(response)
    assert not EthicsCase.objects.exists()


@pytest.mark.parametrize("text", ["\\u0000", "\\ud800", "a\\udfffb"])
def test_nul_and_lone_surrogates_in_json_strings_are_a_400(client, roles, text):
    body = make_state_body()
    payload = _report(body).replace('"subject": "x"', f'"subject": "x{text}"')
    response = client.post("/api/v1/ethics/reports/", payload, content_type="application/json")
    _assert_api_400(response)
    assert not EthicsCase.objects.exists()


def test_an_escaped_backslash_before_u0000_is_plain_text_and_accepted(client, roles):
    body = make_state_body()
    payload = _report(body).replace('"subject": "x"', r'"subject": "C:\\u0000 and \ud83d\ude00"')
    response = client.post("/api/v1/ethics/reports/", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert EthicsCase.objects.get().subject == "C:\\u0000 and \U0001f600"


# --- Query strings: the public API and the admin -------------------------------------------------


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "region=%00", "state_body=%00", "%00=1"])
def test_a_nul_in_the_vacancy_api_query_is_a_400(client, roles, query):
    _assert_api_400(client.get(f"/api/v1/vacancies/?{query}"))


def test_a_unicode_digit_state_body_filter_is_not_a_500(client, roles):
    # "²".isdigit() is True but int("²") fails.
    assert client.get("/api/v1/vacancies/?state_body=%C2%B2").status_code == 200


@pytest.mark.parametrize(
    "query", ["competition__id__exact=%00", "q=%00", "status__exact=%00", "o=%00"]
)
def test_a_nul_in_an_admin_changelist_filter_is_a_400_page(client, roles, query):
    hr = UserFactory()
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign

    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(hr)
    client.cookies["eqyzmet_language"] = "en"  # the admin has no language prefix
    response = client.get(f"/admin/recruitment/application/?{query}")
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert "invalid characters" in response.content.decode()


def test_the_400_page_speaks_the_visitors_language(client, roles):
    response = client.get("/ru/vacancies/?q=%00")
    assert response.status_code == 400
    assert "<html" in response.content.decode()
    assert 'lang="ru"' in response.content.decode()


def test_a_nul_in_a_form_field_of_a_public_page_is_a_400(client, roles):
    before = Application.objects.count()
    response = client.post("/en/accounts/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400
    assert Application.objects.count() == before


# --- Found by tests/test_fuzz.py ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/vacancies/?state_body=9223372036854775808",
        "/api/v1/competitions/9223372036854775808/",
        "/api/v1/hr/competitions/-9223372036854775809/test-results/",
    ],
)
def test_an_id_beyond_64_bits_in_an_api_address_is_a_400(client, roles, url):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign

    hr = UserFactory()
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(hr)
    _assert_api_400(client.get(url))


def test_an_id_beyond_64_bits_in_a_json_body_is_a_400(client, roles):
    payload = _report(make_state_body()).replace('"state_body": ', '"state_body": 1' + "0" * 19)
    _assert_api_400(
        client.post("/api/v1/ethics/reports/", payload, content_type="application/json")
    )
    assert not EthicsCase.objects.exists()


def test_an_id_beyond_64_bits_in_an_admin_form_is_a_400_page(client, roles):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign

    hr = UserFactory()
    staff_assign(user=hr, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(hr)
    client.cookies["eqyzmet_language"] = "en"  # the admin has no language prefix
    before = Competition.objects.count()
    response = client.post(
        "/admin/recruitment/competition/add/", {"vacancies": "9223372036854775808"}
    )
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert Competition.objects.count() == before


@pytest.mark.parametrize("q", ["%C2%B2", "E-99999999999999999999999"])
def test_an_odd_reference_in_the_ethics_dashboard_search_is_not_a_500(client, roles, q):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign

    commissioner = UserFactory()
    staff_assign(user=commissioner, role=Role.ETHICS_COMMISSIONER, state_body=make_state_body())
    client.force_login(commissioner)
    assert client.get(f"/en/ethics/dashboard/?q={q}").status_code == 200


def test_a_unicode_digit_cycle_on_the_manager_page_is_not_a_500(client, roles):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign

    user = UserFactory()
    staff_assign(user=user, role=Role.MANAGER, state_body=make_state_body())
    client.force_login(user)
    assert client.get("/en/evaluation/unit/?cycle=%C2%B2").status_code in (200, 404)


def test_an_integer_of_thousands_of_digits_is_refused_not_a_crash():
    """Python refuses int() of more than 4,300 digits: the guard must not call it."""
    from eqyzmet.parsers import HostileInput, check_json_bytes, is_out_of_range_integer

    assert is_out_of_range_integer("9" * 6000)
    with pytest.raises(HostileInput):
        check_json_bytes(('{"a": ' + "9" * 6000 + "}").encode())
