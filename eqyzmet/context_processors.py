"""Template context every page needs: which sections the signed-in person may open."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def navigation(request):
    """``roles``: the names of the signed-in person's role groups (one query, only if a
    template asks)."""

    def roles() -> frozenset[str]:
        from eqyzmet.selectors import user_role_names

        user = getattr(request, "user", None)
        return user_role_names(user) if user is not None else frozenset()

    return {"roles": SimpleLazyObject(roles)}
