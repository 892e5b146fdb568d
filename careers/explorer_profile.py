"""The explorer profile other parts of this app read (matching uses it when a person kept one)."""

from __future__ import annotations

from careers.models import ExplorerResult


def profile_of(user) -> dict[str, float] | None:
    """The latest kept explorer result's interest scores (RIASEC letter → 0–100), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    result = (
        ExplorerResult.objects.filter(user=user)
        .order_by("-created_at")
        .values_list("interests", flat=True)
        .first()
    )
    return dict(result) if result else None
