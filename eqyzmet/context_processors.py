"""Template context every page needs: which sections the signed-in person may open."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def navigation(request):
    """``roles``: the names of the signed-in person's role groups (one query, only if a
    template asks)."""

    def roles() -> frozenset[str]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return frozenset()
        return frozenset(user.groups.values_list("name", flat=True))

    return {"roles": SimpleLazyObject(roles)}
