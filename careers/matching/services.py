"""Matching's writes: a candidate's preferences, recomputing one candidate's matches, matching
new or changed vacancies against every candidate in bounded batches, and the e-mail alert
of new posts a person can win (once per person and post).

Matches are candidate-side only: nothing here writes to a staff surface, and the audit
records a preference change without its content (where a person would work is their own
business) and never a score.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from careers.explorer_profile import profile_of as explorer_profile_of
from careers.matching.explain import explanation, line_text
from careers.matching.features import Candidate
from careers.matching.model import ScoredPair, matcher
from careers.models import ExplorerResult
from careers.models_matching import Match, MatchAlert, MatchPreference
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.queueing import enqueue
from recruitment import public as recruitment

logger = logging.getLogger("careers.matching")

# Bands the page shows instead of a number.
STRONG_FROM = 0.66
GOOD_FROM = 0.40
# A person's page lists at most this many posts; the rest are weaker still.
MATCHES_KEPT = 50
# Candidates matched against new vacancies per task run (the task queues the next batch).
CANDIDATE_BATCH = 200
# An alert names at most this many posts.
ALERT_POSTS_MAX = 10
REGIONS_MAX = 20
UNSUBSCRIBE_SALT = "careers.matching.unsubscribe"


def band_of(score: float) -> str:
    if score >= STRONG_FROM:
        return Match.Band.STRONG
    if score >= GOOD_FROM:
        return Match.Band.GOOD
    return Match.Band.POSSIBLE


def _latest_interests(user_ids) -> dict[int, dict]:
    """Each person's latest kept explorer interests: one query for a batch."""
    latest: dict[int, dict] = {}
    rows = (
        ExplorerResult.objects.filter(user_id__in=list(user_ids))
        .order_by("user_id", "-created_at", "-pk")
        .values_list("user_id", "interests")
    )
    for user_id, interests in rows:
        latest.setdefault(user_id, dict(interests))
    return latest


def _rows(candidate: Candidate, vacancies, *, as_of: dt.date) -> list[ScoredPair]:
    return matcher().pairs([candidate], vacancies, as_of=as_of)


def _match(user_id: int, vacancy, row: ScoredPair, now) -> Match:
    return Match(
        user_id=user_id,
        vacancy_id=vacancy.vacancy_id,
        score=round(row.score, 4),
        band=band_of(row.score),
        explanation=explanation(row.pair),
        model_version=matcher().version,
        computed_at=now,
    )


@transaction.atomic
def matches_refresh(*, user_id: int) -> int:
    """Recompute one person's matches over every open vacancy; returns how many they have.
    Without a profile they have none."""
    now = timezone.now()
    MatchPreference.objects.get_or_create(user_id=user_id)
    preference = MatchPreference.objects.select_for_update().get(user_id=user_id)
    facts = recruitment.candidate_facts(user_ids=[user_id]).get(user_id)
    Match.objects.filter(user_id=user_id).delete()
    created = []
    if facts is not None:
        user = get_user_model().objects.get(pk=user_id)
        candidate = Candidate(
            facts=facts,
            regions=tuple(preference.regions),
            interests=explorer_profile_of(user),
        )
        vacancies = recruitment.open_vacancies()
        rows = sorted(
            _rows(candidate, vacancies, as_of=timezone.localdate(now)),
            key=lambda r: (-r.score, -vacancies[r.vacancy].vacancy_id),
        )[:MATCHES_KEPT]
        created = Match.objects.bulk_create(
            [_match(user_id, vacancies[r.vacancy], r, now) for r in rows]
        )
    MatchPreference.objects.filter(pk=preference.pk).update(matched_at=now)
    return len(created)


@dataclass
class BatchResult:
    matched: int
    alerts_sent: int
    next_after: int | None


def vacancies_match(*, vacancy_ids: list[int], after_user_id: int = 0) -> BatchResult:
    """Match the given vacancies (those still open) against the next batch of candidates
    after ``after_user_id``: their matches for these posts are replaced, and those who
    opted in are e-mailed the strong and good ones they were not told of before.
    ``next_after`` is where the next batch starts (None: done)."""
    now = timezone.now()
    vacancies = recruitment.open_vacancies(vacancy_ids=vacancy_ids)
    user_ids = recruitment.candidate_user_ids(after=after_user_id, limit=CANDIDATE_BATCH)
    next_after = user_ids[-1] if len(user_ids) == CANDIDATE_BATCH else None
    if not user_ids:
        return BatchResult(0, 0, None)
    facts = recruitment.candidate_facts(user_ids=user_ids)
    preferences = MatchPreference.objects.in_bulk(user_ids, field_name="user_id")
    interests = _latest_interests(user_ids)
    new: dict[int, list[Match]] = {}
    with transaction.atomic():
        Match.objects.filter(user_id__in=user_ids, vacancy_id__in=vacancy_ids).delete()
        matches = []
        as_of = timezone.localdate(now)
        for user_id in user_ids:
            if user_id not in facts or not vacancies:
                continue
            preference = preferences.get(user_id)
            candidate = Candidate(
                facts=facts[user_id],
                regions=tuple(preference.regions) if preference else (),
                interests=interests.get(user_id),
            )
            for row in _rows(candidate, vacancies, as_of=as_of):
                match = _match(user_id, vacancies[row.vacancy], row, now)
                matches.append(match)
                new.setdefault(user_id, []).append(match)
        Match.objects.bulk_create(matches)
    sent = 0
    by_id = {v.vacancy_id: v for v in vacancies}
    for user_id, user_matches in new.items():
        preference = preferences.get(user_id)
        if preference is None or not preference.alerts_enabled:
            continue
        worth = [
            m
            for m in user_matches
            if m.band != Match.Band.POSSIBLE
            and (by_id[m.vacancy_id].published_at or now) >= preference.alerts_since
        ]
        if worth and _alert_send(preference=preference, matches=worth, vacancies=by_id):
            sent += 1
    return BatchResult(len(matches), sent, next_after)


# --- Alerts --------------------------------------------------------------------------------


def unsubscribe_token(preference: MatchPreference) -> str:
    """The token of an alert's link that turns the alerts off without signing in. It never
    expires: an old e-mail's link only ever turns alerts off."""
    return signing.dumps({"p": preference.pk, "u": preference.user_id}, salt=UNSUBSCRIBE_SALT)


def _link(path: str) -> str:
    return f"{settings.EQYZMET_SITE_URL}{path}"


def _alert_send(*, preference: MatchPreference, matches: list[Match], vacancies) -> bool:
    """Claim each post for the person (once ever) and send one e-mail naming the claimed
    ones, in one transaction: a failed send leaves nothing claimed, a second run claims
    nothing and sends nothing."""
    user = get_user_model().objects.get(pk=preference.user_id)
    if not user.is_active:
        return False
    matches = sorted(matches, key=lambda m: -m.score)[:ALERT_POSTS_MAX]
    try:
        with transaction.atomic():
            claimed = []
            for match in matches:
                try:
                    with transaction.atomic():
                        MatchAlert.objects.create(user=user, vacancy_id=match.vacancy_id)
                except IntegrityError:
                    continue  # told before
                claimed.append(match)
            if not claimed:
                return False
            _alert_message(
                user=user, preference=preference, matches=claimed, vacancies=vacancies
            ).send()
    except OSError:
        logger.warning("careers: a match alert was not sent; the next change tries again")
        return False
    return True


def _alert_message(*, user, preference, matches, vacancies) -> EmailMessage:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        language = translation.get_language()[:2]
        unsubscribe_url = _link(
            reverse("careers:match_unsubscribe", args=[unsubscribe_token(preference)])
        )
        context = {
            "count": len(matches),
            "posts": [
                {
                    "title": vacancies[m.vacancy_id].title(language),
                    "body": vacancies[m.vacancy_id].body_name(language),
                    "region": vacancies[m.vacancy_id].region,
                    "band": m.get_band_display(),
                    "lines": [t for t in (line_text(x) for x in m.explanation) if t],
                    "url": _link(reverse("recruitment:vacancy_detail", args=[m.vacancy_id])),
                }
                for m in matches
            ],
            "matches_url": _link(reverse("careers:matches")),
            "unsubscribe_url": unsubscribe_url,
        }
        subject = " ".join(
            render_to_string("careers/matching/email/alert_subject.txt", context).split()
        )
        body = render_to_string("careers/matching/email/alert.txt", context)
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )


def preference_from_token(token: str) -> MatchPreference:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        pk, user_id = int(data["p"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(
            _(
                "This link is not valid. Copy the whole link from the e-mail, or sign in and "
                "turn the alerts off on the page of posts you can win."
            ),
            code="bad_token",
        ) from None
    preference = MatchPreference.objects.filter(pk=pk, user_id=user_id).first()
    if preference is None:
        raise ApplicationError(_("This account no longer exists."), code="gone")
    return preference


# --- Preferences -----------------------------------------------------------------------------


@transaction.atomic
def match_preference_save(
    *, user, regions: list[str], alerts_enabled: bool, allowed_regions: list[str]
) -> MatchPreference:
    """Keep the regions the person would work in (of those with open posts, or kept from
    before) and their alerts choice; their matches are recomputed when this commits."""
    preference, _created = MatchPreference.objects.select_for_update().get_or_create(user=user)
    regions = sorted({" ".join(r.split()) for r in regions if r and r.strip()})
    known = set(allowed_regions) | set(preference.regions)
    unknown = [r for r in regions if r not in known]
    if unknown:
        raise ApplicationError(
            _("Choose regions from the list: %(regions)s is not one of them.")
            % {"regions": ", ".join(unknown)},
            code="unknown_region",
        )
    if len(regions) > REGIONS_MAX:
        raise ApplicationError(
            _("Choose at most %(limit)s regions.") % {"limit": REGIONS_MAX}, code="too_many"
        )
    fields = ["regions", "alerts_enabled", "updated_at"]
    if alerts_enabled and not preference.alerts_enabled:
        preference.alerts_since = timezone.now()
        fields.append("alerts_since")
    preference.regions = regions
    preference.alerts_enabled = alerts_enabled
    preference.save(update_fields=fields)
    audit_record(action="careers.match_preference_saved", target=preference)
    enqueue("careers.refresh_matches", user.pk)
    return preference


@transaction.atomic
def match_alerts_unsubscribe(*, token: str) -> MatchPreference:
    """Turn off the alerts of the person an e-mail's link names; twice does nothing more."""
    preference = preference_from_token(token)
    preference = MatchPreference.objects.select_for_update().get(pk=preference.pk)
    if preference.alerts_enabled:
        preference.alerts_enabled = False
        preference.save(update_fields=["alerts_enabled", "updated_at"])
        audit_record(action="careers.match_alerts_off", target=preference)
    return preference
