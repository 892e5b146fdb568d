"""The daily e-mail of new vacancies for a candidate's saved searches.

One e-mail per candidate and day, whatever the number of their searches: it lists each
search's vacancies published since the search's ``alerts_since`` that no earlier alert
announced, in the candidate's language, with a link per search that turns its alerts off
without signing in. The day's ``SavedSearchDigest`` row is the claim and records what was
announced; it is written in the transaction that sends, so a failed send leaves nothing
claimed and a second run the same day sends nothing (as ``notifications.staff_digests_send``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from recruitment.models import SavedSearch, SavedSearchDigest, Vacancy
from recruitment.selectors_saved_searches import bodies_of, saved_search_vacancies
from recruitment.services.saved_searches import unsubscribe_token

logger = logging.getLogger("recruitment.search_alerts")

# Alerts go out once a day, from this local hour (the beat asks hourly, so a beat that was
# down at seven still sends them that day).
ALERT_HOUR = 7
# An e-mail lists this many vacancies per search at most; the link shows the rest.
VACANCIES_PER_SEARCH = 20


@dataclass
class AlertSection:
    saved_search: SavedSearch
    vacancies: list[Vacancy]


def _sections(searches: list[SavedSearch], bodies, announced: set[int]) -> list[AlertSection]:
    """Each search's new vacancies; a vacancy that matches two searches is listed under the
    first only. Runs in the language the search was made in (it searches titles in it)."""
    sections, seen = [], set(announced)
    for search in searches:
        with translation.override(search.criteria.get("lang") or search.user.language):
            found = saved_search_vacancies(search, bodies, published_after=search.alerts_since)
            vacancies = list(found.exclude(pk__in=seen)[:VACANCIES_PER_SEARCH])
        seen.update(v.pk for v in vacancies)
        if vacancies:
            sections.append(AlertSection(saved_search=search, vacancies=vacancies))
    return sections


def search_alerts_send(*, now: dt.datetime | None = None) -> int:
    """Send today's alert e-mails; returns how many were sent."""
    now = now or timezone.now()
    if timezone.localtime(now).hour < ALERT_HOUR:
        return 0
    today = timezone.localdate(now)
    done_today = SavedSearchDigest.objects.filter(day=today).values("user_id")
    searches = list(
        SavedSearch.objects.filter(alerts_enabled=True, user__is_active=True)
        .exclude(user_id__in=done_today)
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    bodies = bodies_of(searches)
    per_user: dict[int, list[SavedSearch]] = {}
    for search in searches:
        per_user.setdefault(search.user_id, []).append(search)
    sent = 0
    for user_searches in per_user.values():
        if _send_one(user_searches, bodies, today):
            sent += 1
    return sent


def _send_one(searches: list[SavedSearch], bodies, today: dt.date) -> bool:
    user = searches[0].user
    announced = set(
        SavedSearchDigest.vacancies.through.objects.filter(
            savedsearchdigest__user=user
        ).values_list("vacancy_id", flat=True)
    )
    sections = _sections(searches, bodies, announced)
    if not sections:
        return False
    try:
        with transaction.atomic():
            digest = SavedSearchDigest.objects.create(user=user, day=today)
            digest.vacancies.add(*(v for s in sections for v in s.vacancies))
            _message(user=user, sections=sections).send()
    except IntegrityError:
        return False  # another run sent it
    except OSError:
        logger.warning("recruitment: search alert not sent, will retry in an hour")
        return False
    return True


def _link(path: str) -> str:
    return f"{settings.EQYZMET_SITE_URL}{path}"


def _message(*, user, sections: list[AlertSection]) -> EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "count": sum(len(s.vacancies) for s in sections),
            "sections": [
                {
                    "name": s.saved_search.name,
                    "vacancies": [
                        {
                            "vacancy": v,
                            "title": v.title,
                            "body": v.state_body.name,
                            "closes_at": v.closes_at,
                            "url": _link(reverse("recruitment:vacancy_detail", args=[v.pk])),
                        }
                        for v in s.vacancies
                    ],
                    "unsubscribe_url": _link(
                        reverse(
                            "recruitment:saved_search_unsubscribe",
                            args=[unsubscribe_token(s.saved_search)],
                        )
                    ),
                }
                for s in sections
            ],
            "saved_searches_url": _link(reverse("recruitment:saved_searches")),
        }
        subject = " ".join(
            render_to_string("recruitment/email/search_alert_subject.txt", context).split()
        )
        body = render_to_string("recruitment/email/search_alert.txt", context)
    headers = {}
    if len(sections) == 1:
        # Mail programs offer their own "unsubscribe" button for a single list.
        headers["List-Unsubscribe"] = f"<{context['sections'][0]['unsubscribe_url']}>"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers)
