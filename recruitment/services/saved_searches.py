"""A candidate's saved vacancy searches: save, delete, alerts on and off, and turning the
alerts off from the link in an alert e-mail without signing in (a signed token).

Like the other candidate services: keyword-only, one transaction, one audit event per change,
no actor and nothing of the search itself in the audit details (what a person looks for is
their own business).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from recruitment.models import SavedSearch

# Enough for every combination a person really watches; each one is a query in the daily run.
SAVED_SEARCHES_MAX = 10
UNSUBSCRIBE_SALT = "recruitment.saved_search.unsubscribe"


def _audit(action: str, saved_search: SavedSearch) -> None:
    audit_record(action=action, target=saved_search)


@transaction.atomic
def saved_search_create(*, user, name: str, criteria: dict) -> SavedSearch:
    """Keep the search under a name. At most ``SAVED_SEARCHES_MAX``, and each search once."""
    # The person's row is the lock: two saves at once cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    name = " ".join(name.split())
    if not name:
        raise ApplicationError(_("Give the search a name."), code="name_required")
    own = list(SavedSearch.objects.filter(user=user))
    if len(own) >= SAVED_SEARCHES_MAX:
        raise ApplicationError(
            _(
                "You can keep at most %(limit)s saved searches. Delete one you no longer need "
                "to save this one."
            )
            % {"limit": SAVED_SEARCHES_MAX},
            code="too_many",
        )
    for other in own:
        if _same_search(other.criteria, criteria):
            raise ApplicationError(
                _("You have saved this search already, as “%(name)s”.") % {"name": other.name},
                code="duplicate",
            )
    saved_search = SavedSearch.objects.create(user=user, name=name, criteria=criteria)
    _audit("saved_search.created", saved_search)
    return saved_search


def _same_search(a: dict, b: dict) -> bool:
    """The same filters (the order of the results is not part of the search)."""

    def key(criteria: dict) -> dict:
        return {k: v for k, v in criteria.items() if k not in ("sort", "lang") and v}

    return key(a) == key(b)


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch) -> None:
    _audit("saved_search.deleted", saved_search)
    saved_search.delete()


@transaction.atomic
def saved_search_set_alerts(*, saved_search: SavedSearch, enabled: bool) -> SavedSearch:
    """Turn the e-mail alerts on or off. Turned back on, only vacancies published from now
    on are new to it: the ones published meanwhile were visible in the search all along."""
    if saved_search.alerts_enabled == enabled:
        return saved_search
    saved_search.alerts_enabled = enabled
    fields = ["alerts_enabled"]
    if enabled:
        saved_search.alerts_since = timezone.now()
        fields.append("alerts_since")
    saved_search.save(update_fields=fields)
    _audit("saved_search.alerts_on" if enabled else "saved_search.alerts_off", saved_search)
    return saved_search


def unsubscribe_token(saved_search: SavedSearch) -> str:
    """The token of the alert e-mail's link. It does not expire: an old e-mail's link only
    ever turns alerts off. The signature makes it unguessable and tamper-proof."""
    return signing.dumps({"s": saved_search.pk, "u": saved_search.user_id}, salt=UNSUBSCRIBE_SALT)


def saved_search_from_token(token: str) -> SavedSearch:
    """The saved search of an unsubscribe link, or ``ApplicationError``."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        pk, user_id = int(data["s"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError(
            _(
                "This link is not valid. Copy the whole link from the e-mail, or sign in and "
                "turn the alerts off on the page of your saved searches."
            ),
            code="bad_token",
        ) from None
    saved_search = SavedSearch.objects.filter(pk=pk, user_id=user_id).first()
    if saved_search is None:
        raise ApplicationError(
            _("This saved search has been deleted, so it sends no more alerts."), code="gone"
        )
    return saved_search


def saved_search_unsubscribe(*, token: str) -> SavedSearch:
    """Turn off the alerts of the search an e-mail's link names; the same link twice does
    nothing more."""
    saved_search = saved_search_from_token(token)
    return saved_search_set_alerts(saved_search=saved_search, enabled=False)
