"""Who must sign in with a second factor."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from eqyzmet.roles import Role
from eqyzmet.selectors import user_role_names

# At most this long before a change made outside the ORM (a raw UPDATE) is seen; changes made
# through the models are seen at once.
CACHE_SECONDS = 300

SECOND_FACTOR_ROLES = frozenset(
    {
        Role.HR_OFFICER,
        Role.COMMISSION_MEMBER,
        Role.ETHICS_COMMISSIONER,
        Role.MANAGER,
        Role.BANK_KEEPER,
        Role.ADJUSTMENTS_OFFICER,
        Role.AUTHORISED_BODY,
    }
)


def has_confirmed_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _device in devices_for_user(user, confirmed=True))


def _required(user) -> bool:
    if not getattr(settings, "EQYZMET_STAFF_2FA", True):
        return has_confirmed_device(user)
    if user.is_staff or user.is_superuser:
        return True
    names = user_role_names(user)
    return bool(names & {r.value for r in SECOND_FACTOR_ROLES}) or has_confirmed_device(user)


def _cache_key(user_id: int) -> str:
    staff_rule = int(bool(getattr(settings, "EQYZMET_STAFF_2FA", True)))
    return f"2fa-required:{staff_rule}:{user_id}"


def second_factor_required(user) -> bool:
    """Staff roles and administrators always; anyone else once they have opted in.

    Asked on every request (the middleware), so the answer is kept in the cache for a few
    minutes: a candidate saving answers every few seconds should not cost a roles query and
    one query per kind of device each time. Anything that can change the answer — a role
    given or taken, a device added, confirmed or removed, the account's staff flags — drops
    it at once (``forget_second_factor_rule``, wired to those models' signals)."""
    if not user.is_authenticated:
        return False
    key = _cache_key(user.pk)
    cached = cache.get(key)
    if cached is None:
        cached = _required(user)
        cache.set(key, cached, CACHE_SECONDS)
    return bool(cached)


def rule_cache_key(user_id: int) -> str:
    """Where ``second_factor_required`` keeps its answer for this person (the fast lane
    reads it with the person's other facts in one round trip)."""
    return _cache_key(user_id)


def forget_second_factor_rule(user_id: int | None) -> None:
    if user_id is not None:
        cache.delete_many([f"2fa-required:{flag}:{user_id}" for flag in (0, 1)])
