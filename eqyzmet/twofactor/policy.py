"""Who must sign in with a second factor."""

from __future__ import annotations

from django.conf import settings

from eqyzmet.roles import Role

SECOND_FACTOR_ROLES = frozenset(
    {
        Role.HR_OFFICER,
        Role.COMMISSION_MEMBER,
        Role.ETHICS_COMMISSIONER,
        Role.MANAGER,
        Role.BANK_KEEPER,
    }
)


def has_confirmed_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _device in devices_for_user(user, confirmed=True))


def second_factor_required(user) -> bool:
    """Staff roles and administrators always; anyone else once they have opted in."""
    if not user.is_authenticated:
        return False
    if not getattr(settings, "EQYZMET_STAFF_2FA", True):
        return has_confirmed_device(user)
    if user.is_staff or user.is_superuser:
        return True
    from eqyzmet.selectors import user_role_names

    names = user_role_names(user)
    return bool(names & {r.value for r in SECOND_FACTOR_ROLES}) or has_confirmed_device(user)
