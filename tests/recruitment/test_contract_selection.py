"""Contract post selection (issue 16): an open, anonymised competition of kind "contract"
that ends in the responsible official's recommendation, the reveal it allows and the
contract HR concludes from it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from eqyzmet.audit import AuditEvent
from eqyzmet.errors import ApplicationError
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import procedure, services
from recruitment.contracts import selection
from recruitment.contracts.services import pay_rules_setup, project_finish
from recruitment.models import Application, Competition, IdentityReveal, ReserveEntry, Vacancy
from recruitment.models_contracts import Contract, ContractRecommendation
from recruitment.reveal_rules import reveal_permitted
from tests.factories import UserFactory, make_state_body
from tests.recruitment.contract_factories import (
    INDICATORS,
    SELECTION_INDICATORS,
    make_contract_selection,
    make_project,
    run_selection_to_lock,
)
from tests.recruitment.factories import make_candidate, make_competition, make_staff, make_vacancy

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]

P = IdentityReveal.Purpose
REASON = "Best essay on licensing; five years of e-government integration work."


def _locked(applicants=3):
    staff, project, competition = make_contract_selection()
    candidates = [make_candidate() for _ in range(applicants)]
    applications = run_selection_to_lock(
        staff=staff, competition=competition, candidates=candidates
    )
    return staff, project, competition, candidates, applications


def _official_client(client, project):
    client.force_login(project.responsible_official)
    return client


def _recommend_url(competition):
    vacancy = competition.vacancies.get()
    return f"/en/contracts/selections/{competition.pk}/posts/{vacancy.pk}/recommend/"


def _post_data(competition, code, reason=REASON):
    prefix = f"s{competition.pk}-{competition.vacancies.get().pk}"
    return {f"{prefix}-code": code, f"{prefix}-reason": reason}


# --- The selection itself --------------------------------------------------------------


def _selection_errors(competition) -> str:
    with pytest.raises(ValidationError) as caught:
        competition.full_clean()
    return " ".join(caught.value.messages)


def test_a_contract_selection_needs_an_active_project_of_its_body_and_a_term_within_it():
    staff = make_staff()
    today = timezone.localdate()
    project = make_project(
        body=staff.body,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=200),
    )
    competition = make_competition(
        staff=staff,
        kind=Competition.Kind.CONTRACT,
        contract_project=project,
        contract_term_months=12,
        **SELECTION_INDICATORS,
    )
    assert "runs past the project's end" in _selection_errors(competition)

    competition.contract_term_months = 13
    assert "at most 12 months" in _selection_errors(competition)

    competition.contract_term_months = 3
    competition.full_clean()  # three months fit before the project's end

    competition.contract_indicators_en = ""
    assert "planned indicators" in _selection_errors(competition)
    competition.contract_indicators_en = SELECTION_INDICATORS["contract_indicators_en"]

    other = make_project(
        body=make_state_body(), starts_on=today, ends_on=today + dt.timedelta(days=900)
    )
    competition.contract_project = other
    assert "another state body" in _selection_errors(competition)

    competition.contract_project = project
    project_finish(project=project)
    competition.contract_project.refresh_from_db()
    assert "project is finished" in _selection_errors(competition)

    competition.contract_project = None
    assert "Choose the project" in _selection_errors(competition)


def test_only_a_contract_selection_carries_a_project():
    staff = make_staff()
    project = make_project(body=staff.body)
    competition = make_competition(staff=staff, contract_project=project, contract_term_months=6)
    assert "Only a contract post selection" in _selection_errors(competition)


def test_publishing_refuses_a_contract_selection_with_a_permanent_post():
    staff = make_staff()
    today = timezone.localdate()
    project = make_project(body=staff.body, starts_on=today, ends_on=today + dt.timedelta(days=900))
    competition = make_competition(
        staff=staff,
        vacancy=make_vacancy(body=staff.body, employment=Vacancy.Employment.PERMANENT),
        kind=Competition.Kind.CONTRACT,
        contract_project=project,
        contract_term_months=12,
        **SELECTION_INDICATORS,
    )
    with pytest.raises(ApplicationError, match="as a contract post"):
        services.competition_publish(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.DRAFT


def test_a_contract_selection_offers_no_reserve_and_no_appointment(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff, _project, competition, candidates, applications = _locked()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.competition_publish_results(competition=competition, actor=staff.hr)
    assert not ReserveEntry.objects.filter(application__competition=competition).exists()
    # Nobody is declared the winner: the ranked codes are the official's shortlist.
    statuses = set(
        Application.objects.filter(competition=competition).values_list("status", flat=True)
    )
    assert statuses == {Application.Status.ADMITTED}
    told = [m for m in mail.outbox if "shortlist of this contract post" in m.body]
    assert {m.to[0] for m in told} == {c.user.email for c in candidates}
    assert not any("winner" in m.body for m in mail.outbox)
    first = min(applications, key=lambda a: a.rank)
    first.refresh_from_db()
    blockers = procedure.appoint_blockers(first)
    assert [b.code for b in blockers] == ["contract_selection"]


# --- The official's anonymised shortlist -----------------------------------------------


def test_the_official_sees_the_shortlist_by_code_only_after_the_lock(client):
    staff, project, competition = make_contract_selection()
    candidates = [make_candidate() for _ in range(3)]
    _official_client(client, project)
    page = client.get("/en/contracts/official/").content.decode()
    assert competition.number in page
    assert "opens here when the ranking is locked" in page

    applications = run_selection_to_lock(
        staff=staff, competition=competition, candidates=candidates
    )
    page = client.get("/en/contracts/official/").content.decode()
    for application in applications:
        assert application.code in page
    for candidate in candidates:
        for marker in candidate.markers:
            assert marker not in page
    assert "Recommend one code for the contract" in page


def test_the_official_page_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    _staff, project, _competition, _, _ = _locked(applicants=6)
    _official_client(client, project)
    with django_assert_max_num_queries(22):
        response = client.get("/en/contracts/official/")
    assert response.status_code == 200


# --- Recommending ----------------------------------------------------------------------


def test_the_official_recommends_a_code_with_a_reason(client):
    _staff, project, competition, _, applications = _locked()
    second = sorted(applications, key=lambda a: a.rank)[1]
    _official_client(client, project)
    response = client.post(_recommend_url(competition), _post_data(competition, second.code))
    assert response.status_code == 302
    recommendation = ContractRecommendation.objects.get()
    assert recommendation.application == second
    assert recommendation.reason == REASON
    assert recommendation.recommended_by == project.responsible_official
    assert AuditEvent.objects.filter(action="contracts.recommendation.made").exists()
    page = client.get("/en/contracts/official/").content.decode()
    assert f"Recommended: {second.code}" in page


def test_a_recommendation_needs_a_reason(client):
    _staff, project, competition, _, applications = _locked()
    _official_client(client, project)
    response = client.post(
        _recommend_url(competition), _post_data(competition, applications[0].code, "  ")
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(
        _recommend_url(competition), _post_data(competition, applications[0].code, "good")
    )
    assert response.status_code == 400
    assert not ContractRecommendation.objects.exists()
    with pytest.raises(ApplicationError, match="reason for your recommendation"):
        selection.recommendation_make(
            competition=competition,
            application=applications[0],
            reason="short",
            actor=project.responsible_official,
        )


def test_nobody_but_the_projects_official_recommends(client):
    staff, _project, competition, _, applications = _locked()
    for user in (staff.hr, staff.members[0], UserFactory()):
        client.force_login(user)
        response = client.post(
            _recommend_url(competition), _post_data(competition, applications[0].code)
        )
        assert response.status_code in (403, 404)
        with pytest.raises(ApplicationError, match="Only the project's responsible official"):
            selection.recommendation_make(
                competition=competition, application=applications[0], reason=REASON, actor=user
            )
    # The official of another project of the same body neither.
    other = make_project(body=staff.body)
    client.force_login(other.responsible_official)
    response = client.post(
        _recommend_url(competition), _post_data(competition, applications[0].code)
    )
    assert response.status_code == 404
    assert not ContractRecommendation.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    _staff, _project, competition, _, applications = _locked()
    response = client.post(
        _recommend_url(competition), _post_data(competition, applications[0].code)
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(_recommend_url(competition)).status_code in (302, 405)


def test_nobody_recommends_before_the_lock():
    _staff, project, competition = make_contract_selection()
    candidate = make_candidate()
    application = services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )
    with pytest.raises(ApplicationError, match="when the ranking is locked"):
        selection.recommendation_make(
            competition=competition,
            application=application,
            reason=REASON,
            actor=project.responsible_official,
        )


def test_a_code_off_the_shortlist_cannot_be_recommended(client):
    _staff, project, competition, _, _applications = _locked()
    _official_client(client, project)
    response = client.post(_recommend_url(competition), _post_data(competition, "ZZ-0000-0000"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ContractRecommendation.objects.exists()


def test_one_live_recommendation_per_post_and_a_withdrawal_needs_a_reason(client):
    staff, project, competition, _, applications = _locked()
    official = project.responsible_official
    first, second = sorted(applications, key=lambda a: a.rank)[:2]
    recommendation = selection.recommendation_make(
        competition=competition, application=first, reason=REASON, actor=official
    )
    with pytest.raises(ApplicationError, match="already has a recommendation"):
        selection.recommendation_make(
            competition=competition, application=second, reason=REASON, actor=official
        )
    _official_client(client, project)
    url = f"/en/contracts/recommendations/{recommendation.pk}/withdraw/"
    response = client.post(url, {"reason": "no"}, follow=True)
    assert "at least 15 characters" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.withdrawn_at is None
    client.force_login(staff.hr)
    assert client.post(url, {"reason": "The candidate declined the offer."}).status_code == 404

    _official_client(client, project)
    client.post(url, {"reason": "The candidate declined the offer."})
    recommendation.refresh_from_db()
    assert recommendation.withdrawn_at is not None
    assert recommendation.withdrawal_reason == "The candidate declined the offer."
    later = selection.recommendation_make(
        competition=competition, application=second, reason=REASON, actor=official
    )
    assert later.application == second
    page = client.get("/en/contracts/official/").content.decode()
    assert "withdrawn on" in page and "The candidate declined the offer." in page


# --- The reveal and the contract -------------------------------------------------------


def test_the_recommendation_is_the_only_ground_for_a_reveal():
    staff, project, competition, _, applications = _locked()
    first, second = sorted(applications, key=lambda a: a.rank)[:2]
    for purpose in (P.WINNER, P.RESERVE, P.DOCUMENT_CHECK, P.CONTRACT):
        assert not reveal_permitted(application=first, purpose=purpose)
    with pytest.raises(ApplicationError, match="cannot be revealed now"):
        services.application_reveal(
            application=first, actor=staff.hr, purpose=P.WINNER, reason="Winner's document check."
        )
    selection.recommendation_make(
        competition=competition,
        application=second,
        reason=REASON,
        actor=project.responsible_official,
    )
    assert reveal_permitted(application=second, purpose=P.CONTRACT)
    assert not reveal_permitted(application=first, purpose=P.CONTRACT)
    services.application_reveal(
        application=second,
        actor=staff.hr,
        purpose=P.CONTRACT,
        reason="Recommended by the project's responsible official.",
    )


def test_a_general_competition_never_reveals_for_a_contract():
    from tests.recruitment.test_reveal_rules import _ranked

    _competition, applications = _ranked(make_staff(), n=3)
    assert not any(reveal_permitted(application=a, purpose=P.CONTRACT) for a in applications)


def _conclude(recommendation, hr, **overrides):
    pay_rules_setup()
    today = timezone.localdate()
    values = {
        "recommendation": recommendation,
        "tasks": "Move ten licensing services online each quarter.",
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=180),
        "base_pay": Decimal("450000"),
        "results_pay_max": Decimal("300000"),
        "indicators": INDICATORS,
        "actor": hr,
    }
    values.update(overrides)
    return selection.contract_conclude_from_recommendation(**values)


def test_hr_concludes_the_contract_from_the_revealed_recommendation():
    staff, project, competition, candidates, applications = _locked()
    ranked = sorted(zip(applications, candidates, strict=True), key=lambda pair: pair[0].rank)
    second, person = ranked[1]
    recommendation = selection.recommendation_make(
        competition=competition,
        application=second,
        reason=REASON,
        actor=project.responsible_official,
    )
    with pytest.raises(ApplicationError, match="Reveal the recommended code first"):
        _conclude(recommendation, staff.hr)
    services.application_reveal(
        application=second,
        actor=staff.hr,
        purpose=P.CONTRACT,
        reason="Recommended by the project's responsible official.",
    )
    today = timezone.localdate()
    with pytest.raises(ApplicationError, match="announced a term of 12 months"):
        _conclude(recommendation, staff.hr, ends_on=today + dt.timedelta(days=400))
    assert not Contract.objects.exists()

    contract = _conclude(recommendation, staff.hr)
    assert contract.employee == person.user
    assert contract.project == project
    assert REASON in contract.recommendation and second.code in contract.recommendation
    recommendation.refresh_from_db()
    assert recommendation.concluded_contract_id == contract.pk
    with pytest.raises(ApplicationError, match="already been concluded"):
        _conclude(recommendation, staff.hr)
    with pytest.raises(ApplicationError, match="can no longer be withdrawn"):
        selection.recommendation_withdraw(
            recommendation=recommendation,
            reason="Changed my mind about it.",
            actor=project.responsible_official,
        )


def test_a_withdrawn_recommendation_concludes_nothing():
    staff, project, competition, _, applications = _locked()
    recommendation = selection.recommendation_make(
        competition=competition,
        application=applications[0],
        reason=REASON,
        actor=project.responsible_official,
    )
    selection.recommendation_withdraw(
        recommendation=recommendation,
        reason="The candidate declined the offer.",
        actor=project.responsible_official,
    )
    assert not reveal_permitted(application=applications[0], purpose=P.CONTRACT)
    with pytest.raises(ApplicationError, match="was withdrawn"):
        _conclude(recommendation, staff.hr)


def test_the_admin_concludes_from_the_recommendation(client):
    staff, project, competition, candidates, applications = _locked()
    application = applications[0]
    recommendation = selection.recommendation_make(
        competition=competition,
        application=application,
        reason=REASON,
        actor=project.responsible_official,
    )
    client.cookies["eqyzmet_language"] = "en"
    client.force_login(staff.hr)
    listing = client.get("/admin/recruitment/contractrecommendation/").content.decode()
    assert application.code in listing and "Conclude a contract" in listing
    url = f"/admin/recruitment/contract/conclude/?recommendation={recommendation.pk}"
    page = client.get(url).content.decode()
    assert "The code is not revealed yet" in page
    assert "Services moved to the portal" in page  # the announced indicators, prefilled
    services.application_reveal(
        application=application,
        actor=staff.hr,
        purpose=P.CONTRACT,
        reason="Recommended by the project's responsible official.",
    )
    pay_rules_setup()
    today = timezone.localdate()
    data = {
        "tasks": "Move ten licensing services online each quarter.",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=200)).isoformat(),
        "base_pay": "450000",
        "results_pay_max": "300000",
        "indicators-TOTAL_FORMS": "5",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "Services moved to the portal",
        "indicators-0-kind": "quantitative",
        "indicators-0-direction": "higher",
        "indicators-0-target": "10",
        "indicators-0-weight": "100",
    }
    for n in range(1, 5):
        data |= {f"indicators-{n}-kind": "quantitative", f"indicators-{n}-direction": "higher"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get()
    assert contract.employee == candidates[0].user
    # Another body's HR officer cannot open it.
    stranger = UserFactory()
    staff_assign(user=stranger, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(stranger)
    assert client.get(url).status_code == 404


# --- The public pages ------------------------------------------------------------------


def test_the_vacancy_list_and_page_mark_a_contract_post(client):
    _staff, project, competition = make_contract_selection()
    permanent = make_competition(staff=make_staff())
    services.competition_publish(competition=permanent, actor=UserFactory())
    vacancy = competition.vacancies.get()
    listing = client.get("/en/vacancies/").content.decode()
    assert "Contract work" in listing and project.name in listing
    only = client.get("/en/vacancies/?kind=contract").content.decode()
    assert vacancy.title_en in only
    assert permanent.vacancies.get().title_en not in only
    page = client.get(f"/en/vacancies/{vacancy.pk}/").content.decode()
    assert "Contract work" in page and project.name in page
    assert "12 months" in page
    assert "Average days to issue a licence" in page
    assert "350" in page  # the pay range (350 000 – 450 000)
