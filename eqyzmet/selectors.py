"""Reads in the kernel: who may act where."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from eqyzmet.models import StaffAssignment, StateBody, User
from eqyzmet.roles import Role


def state_bodies_in_scope(*, user: User, role: Role | str) -> QuerySet[StateBody]:
    """The bodies where ``user`` holds ``role``, and every body beneath them.

    Two queries at most, however deep the tree: the assignments' paths, then one prefix
    match per assigned body.
    """
    if not user.is_authenticated:
        return StateBody.objects.none()
    if user.is_superuser:
        return StateBody.objects.all()
    paths = list(
        StaffAssignment.objects.filter(user=user, role=Role(role).value).values_list(
            "state_body__path", flat=True
        )
    )
    if not paths:
        return StateBody.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return StateBody.objects.filter(condition)


def user_role_names(user) -> frozenset[str]:
    """The names of the person's groups, read once per request and kept on the user object
    (the page's permission check, the navigation and the second-factor rule share it)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_eqyzmet_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._eqyzmet_role_names = cached
    return cached


def user_has_role(*, user: User, role: Role | str) -> bool:
    return Role(role).value in user_role_names(user)
