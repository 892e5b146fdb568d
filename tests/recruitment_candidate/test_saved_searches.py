"""Saved searches: a signed-in candidate saves the search on the vacancy page under a name,
lists, deletes and switches off their own; nobody else can touch them; the limit and the
bad input are refused with a message and change nothing."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment.models import SavedSearch
from recruitment.services import saved_searches as services
from tests.factories import UserFactory, make_state_body
from tests.recruitment_candidate.factories import make_candidate_user, open_vacancy

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _save(client, name: str, query: str):
    return client.post("/en/my/saved-searches/save/", {"name": name, "query": query})


@pytest.fixture
def candidate(client):
    user = make_candidate_user()
    client.force_login(user)
    return user


def test_a_candidate_saves_the_search_shown_and_finds_it_listed(client, candidate):
    ministry = make_state_body()
    open_vacancy(state_body=ministry, region="Almaty")
    query = (
        f"q=tax+auditor&state_body={ministry.pk}&region=Almaty&min_salary=400000&sort=salary&page=2"
    )
    response = _save(client, "  Tax jobs   in Almaty ", query)
    assert response.status_code == 302
    # Back to the same search, without the page number.
    assert response["Location"] == (
        f"/en/vacancies/?q=tax+auditor&state_body={ministry.pk}&region=Almaty"
        "&min_salary=400000&sort=salary"
    )
    saved = SavedSearch.objects.get(user=candidate)
    assert saved.name == "Tax jobs in Almaty"
    assert saved.alerts_enabled
    assert saved.criteria == {
        "q": "tax auditor",
        "state_body": ministry.pk,
        "region": "Almaty",
        "category": "",
        "kind": "",
        "employment": "",
        "min_salary": 400000,
        "sort": "salary",
        "lang": "en",
    }
    page = client.get("/en/my/saved-searches/").content.decode()
    assert "Tax jobs in Almaty" in page
    assert "Words: tax auditor" in page
    assert f"State body: {ministry.name_en}" in page
    assert "Region: Almaty" in page
    assert "Salary at least 400,000 tenge" in page
    assert "E-mail alerts on" in page
    assert AuditEvent.objects.filter(action="saved_search.created", target_id=str(saved.pk))


def test_the_save_form_is_offered_to_candidates_and_sign_in_to_visitors(client):
    open_vacancy()
    visitor = client.get("/en/vacancies/?region=Astana").content.decode()
    assert "Sign in to save this search" in visitor
    assert "/en/accounts/login/?next=/en/vacancies/%3Fregion%3DAstana" in visitor
    assert 'name="query"' not in visitor
    client.force_login(make_candidate_user())
    page = client.get("/en/vacancies/?region=Astana").content.decode()
    assert 'name="query" value="region=Astana"' in page
    assert "Save this search" in page


def test_anonymous_visitors_are_asked_to_sign_in_and_nothing_is_saved(client):
    response = _save(client, "Mine", "region=Astana")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    assert client.get("/en/my/saved-searches/")["Location"].startswith("/en/accounts/login/")
    assert not SavedSearch.objects.exists()


def test_staff_accounts_cannot_save_searches(client):
    officer = UserFactory()
    staff_assign(user=officer, role=Role.HR_OFFICER, state_body=make_state_body())
    client.force_login(officer)
    assert _save(client, "Mine", "").status_code == 403
    assert client.get("/en/my/saved-searches/").status_code == 403
    assert not SavedSearch.objects.exists()


def test_a_search_without_a_name_or_with_a_bad_filter_is_not_saved(client, candidate):
    open_vacancy()
    response = _save(client, "   ", "region=Astana")
    assert "Give the search a name of at most 100 characters." in _messages(response)
    response = _save(client, "Rich", "min_salary=-1")
    assert "Correct the search before saving it." in _messages(response)
    response = _save(client, "x" * 101, "")
    assert not SavedSearch.objects.exists()


def test_the_same_search_twice_is_refused(client, candidate):
    open_vacancy()
    _save(client, "First", "region=Astana&sort=newest")
    response = _save(client, "Second", "region=Astana&sort=salary")
    assert "You have saved this search already, as “First”." in _messages(response)
    assert SavedSearch.objects.filter(user=candidate).count() == 1


def test_a_candidate_keeps_at_most_ten_saved_searches(client, candidate):
    for n in range(services.SAVED_SEARCHES_MAX):
        services.saved_search_create(user=candidate, name=f"S{n}", criteria={"min_salary": n + 1})
    response = _save(client, "One more", "min_salary=999")
    assert (
        "You can keep at most 10 saved searches. Delete one you no longer need to save this one."
        in _messages(response)
    )
    assert SavedSearch.objects.filter(user=candidate).count() == 10


def test_the_owner_deletes_a_saved_search(client, candidate):
    saved = services.saved_search_create(user=candidate, name="Mine", criteria={"q": "lawyer"})
    response = client.post(f"/en/my/saved-searches/{saved.pk}/delete/")
    assert response["Location"] == "/en/my/saved-searches/"
    assert "The saved search “Mine” is deleted." in _messages(response)
    assert not SavedSearch.objects.exists()
    assert (
        "You have no saved searches yet." in client.get("/en/my/saved-searches/").content.decode()
    )


def test_another_candidate_can_neither_see_nor_delete_nor_switch_my_search(client):
    owner = make_candidate_user()
    saved = services.saved_search_create(user=owner, name="Owner's", criteria={"q": "lawyer"})
    client.force_login(make_candidate_user())
    assert "Owner&#x27;s" not in client.get("/en/my/saved-searches/").content.decode()
    assert client.post(f"/en/my/saved-searches/{saved.pk}/delete/").status_code == 404
    assert (
        client.post(f"/en/my/saved-searches/{saved.pk}/alerts/", {"enabled": "0"}).status_code
        == 404
    )
    saved.refresh_from_db()
    assert saved.alerts_enabled


def test_deleting_and_switching_need_a_post(client, candidate):
    saved = services.saved_search_create(user=candidate, name="Mine", criteria={})
    assert client.get(f"/en/my/saved-searches/{saved.pk}/delete/").status_code == 405
    assert client.get(f"/en/my/saved-searches/{saved.pk}/alerts/").status_code == 405
    assert SavedSearch.objects.filter(pk=saved.pk, alerts_enabled=True).exists()


def test_alerts_switched_off_and_on_again_start_from_now(client, candidate):
    saved = services.saved_search_create(user=candidate, name="Mine", criteria={})
    since = saved.alerts_since
    client.post(f"/en/my/saved-searches/{saved.pk}/alerts/", {"enabled": "0"})
    saved.refresh_from_db()
    assert not saved.alerts_enabled
    assert "E-mail alerts off" in client.get("/en/my/saved-searches/").content.decode()
    response = client.post(f"/en/my/saved-searches/{saved.pk}/alerts/", {"enabled": "1"})
    assert "E-mail alerts are on for “Mine”." in _messages(response)
    saved.refresh_from_db()
    assert saved.alerts_enabled and saved.alerts_since > since
