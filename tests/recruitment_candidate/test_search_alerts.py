"""The daily alert e-mail of saved searches: one per candidate, only vacancies published
since the search was saved and not announced before, in the candidate's language, never
twice a day, with a link that turns the search's alerts off without signing in and cannot
be forged."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail, signing
from django.utils import timezone

from recruitment import tasks
from recruitment.models import SavedSearch, SavedSearchDigest, Vacancy
from recruitment.search_alerts import ALERT_HOUR, search_alerts_send
from recruitment.services import saved_searches as services
from tests.factories import make_state_body
from tests.recruitment_candidate.factories import (
    CompetitionFactory,
    VacancyFactory,
    make_candidate_user,
)

pytestmark = pytest.mark.django_db

SITE = "https://eqyzmet.example.kz"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EQYZMET_SITE_URL = SITE
    mail.outbox = []


def _morning(days: int = 1) -> dt.datetime:
    """09:00 in Almaty, ``days`` from today: after the hour the alerts go out."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def _published(title: str, *, days_ago: float = 0, **fields) -> Vacancy:
    body = fields.pop("state_body", None) or make_state_body()
    vacancy = VacancyFactory(state_body=body, title_en=title, title_ru=f"{title} (ru)", **fields)
    moment = timezone.now() - dt.timedelta(days=days_ago)
    CompetitionFactory(
        state_body=body,
        applications_open_at=moment,
        status_changed_at=moment,
        vacancies=[vacancy],
    )
    return vacancy


def _save(user, name: str, **criteria) -> SavedSearch:
    return services.saved_search_create(user=user, name=name, criteria={"lang": "en", **criteria})


@pytest.fixture
def candidate():
    user = make_candidate_user()
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _mail_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def test_only_new_matching_vacancies_are_sent_in_one_email(candidate):
    _published("Old lawyer", days_ago=3, region="Almaty")
    _save(candidate, "Lawyers in Almaty", q="lawyer", region="Almaty")
    _save(candidate, "Well paid", min_salary=800_000)
    new = _published("Senior lawyer", region="Almaty", salary_max=900_000)
    rich = _published("Chief economist", region="Astana", salary_max=850_000)
    _published("Junior lawyer", region="Astana", salary_max=300_000)  # matches neither

    assert search_alerts_send(now=_morning()) == 1

    [message] = _mail_to(candidate)
    assert message.subject == "eQyzmet: 2 new vacancies for your saved searches"
    body = message.body
    assert "Senior lawyer" in body and "Chief economist" in body
    assert "Old lawyer" not in body and "Junior lawyer" not in body
    # The vacancy that matches both searches is listed once, under the first.
    assert body.count("Senior lawyer") == 1
    assert body.index("Lawyers in Almaty") < body.index("Senior lawyer") < body.index("Well paid")
    assert f"{SITE}/en/vacancies/{new.pk}/" in body
    assert f"{SITE}/en/vacancies/{rich.pk}/" in body
    assert f"{SITE}/en/my/saved-searches/" in body
    assert set(SavedSearchDigest.objects.get(user=candidate).vacancies.all()) == {new, rich}


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_only_what_is_new(candidate):
    _save(candidate, "All")
    first = _published("First")
    assert search_alerts_send(now=_morning()) == 1
    _published("Published after the morning's e-mail")
    assert search_alerts_send(now=_morning()) == 0
    assert search_alerts_send(now=_morning() + dt.timedelta(hours=5)) == 0
    assert len(_mail_to(candidate)) == 1

    assert search_alerts_send(now=_morning(2)) == 1
    second = _mail_to(candidate)[1].body
    assert "Published after the morning" in second
    assert first.title_en not in second
    assert search_alerts_send(now=_morning(3)) == 0  # nothing new since


def test_nothing_new_sends_nothing_and_claims_nothing(candidate):
    _published("Before saving", days_ago=1)
    _save(candidate, "All")
    assert search_alerts_send(now=_morning()) == 0
    assert not mail.outbox
    assert not SavedSearchDigest.objects.exists()


def test_before_the_hour_nothing_is_sent(candidate):
    _save(candidate, "All")
    _published("New")
    early = _morning().replace(hour=ALERT_HOUR - 1)
    assert search_alerts_send(now=early) == 0
    assert search_alerts_send(now=_morning()) == 1


def test_each_candidate_gets_their_own_email(candidate):
    other = make_candidate_user()
    _save(candidate, "Lawyers", q="lawyer")
    _save(other, "Economists", q="economist")
    _published("Lawyer")
    _published("Economist")
    assert search_alerts_send(now=_morning()) == 2
    [mine], [theirs] = _mail_to(candidate), _mail_to(other)
    assert "Lawyer" in mine.body and "Economist" not in mine.body
    assert "Economist" in theirs.body and "Lawyer" not in theirs.body


def test_searches_with_alerts_off_and_inactive_accounts_get_nothing(candidate):
    services.saved_search_set_alerts(saved_search=_save(candidate, "All"), enabled=False)
    gone = make_candidate_user()
    _save(gone, "All")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    _published("New")
    assert search_alerts_send(now=_morning()) == 0
    assert not mail.outbox


def test_the_email_is_in_the_candidates_language(candidate):
    candidate.language = "ru"
    candidate.save(update_fields=["language"])
    _save(candidate, "Юристы", q="lawyer")  # searched on the English page
    vacancy = _published("Lawyer")
    search_alerts_send(now=_morning())
    [message] = _mail_to(candidate)
    assert "Lawyer (ru)" in message.body
    assert f"{SITE}/ru/vacancies/{vacancy.pk}/" in message.body
    assert "/ru/saved-searches/unsubscribe/" in message.body
    # The words themselves were not translated (after `make catalogues`, the Russian text).
    assert "Новые вакансии" in message.body


def test_a_failed_send_claims_nothing_and_the_next_run_sends(candidate):
    _save(candidate, "All")
    _published("New")
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("smtp down")):
        assert search_alerts_send(now=_morning()) == 0
    assert not SavedSearchDigest.objects.exists()
    assert search_alerts_send(now=_morning()) == 1


def test_the_beat_task_runs_the_daily_alerts(candidate, settings):
    assert settings.CELERY_BEAT_SCHEDULE["recruitment-search-alerts"]["task"] == (
        "recruitment.send_search_alerts"
    )
    _save(candidate, "All")
    _published("New")
    with mock.patch("recruitment.search_alerts.timezone.now", return_value=_morning()):
        assert tasks.send_search_alerts.apply().result == 1


# --- Unsubscribing from the e-mail -------------------------------------------------------


def _unsubscribe_link(message) -> str:
    return re.search(rf"{SITE}(/\S+/saved-searches/unsubscribe/\S+/)", message.body).group(1)


@pytest.fixture
def alerted(candidate):
    search = _save(candidate, "Lawyers", q="lawyer")
    _published("Lawyer")
    search_alerts_send(now=_morning())
    [message] = _mail_to(candidate)
    return search, _unsubscribe_link(message)


def test_the_link_turns_the_alerts_off_without_signing_in(client, alerted):
    search, link = alerted
    page = client.get(link)
    assert page.status_code == 200
    assert "Stop the e-mails about new vacancies for the saved search “Lawyers”?" in (
        page.content.decode()
    )
    search.refresh_from_db()
    assert search.alerts_enabled  # a GET (a mail scanner) changes nothing
    done = client.post(link)
    assert "Alerts are off for the saved search “Lawyers”." in done.content.decode()
    search.refresh_from_db()
    assert not search.alerts_enabled
    # Twice is harmless, and no alert follows any more.
    assert client.post(link).status_code == 200
    _published("Another lawyer")
    assert search_alerts_send(now=_morning(2)) == 0


def test_a_forged_or_altered_link_changes_nothing(client, alerted, candidate):
    search, link = alerted
    other = _save(candidate, "Other", q="economist")
    token = link.rstrip("/").rsplit("/", 1)[1]
    _payload, rest = token.split(":", 1)
    # The other search's payload with this link's signature; a token signed for another use.
    other_payload = services.unsubscribe_token(other).split(":", 1)[0]
    tampered = [
        link.replace(token, f"{other_payload}:{rest}"),
        link.replace(token, signing.dumps({"s": other.pk, "u": candidate.pk})),
        link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB")),
        link.replace(token, "not-a-token"),
    ]
    for url in tampered:
        response = client.post(url)
        assert response.status_code == 400, url
        assert "This link is not valid." in response.content.decode()
    search.refresh_from_db()
    other.refresh_from_db()
    assert search.alerts_enabled and other.alerts_enabled


def test_the_link_of_a_deleted_search_says_so(client, alerted):
    search, link = alerted
    services.saved_search_delete(saved_search=search)
    response = client.get(link)
    assert response.status_code == 410
    assert "This saved search has been deleted" in response.content.decode()
