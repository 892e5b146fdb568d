"""The person's own matching data in "download my data": their choices and their current
matches with the reasons (deleted with the account, as everything of theirs here is)."""

from __future__ import annotations

from careers.matching.explain import line_text
from careers.models_matching import Match, MatchAlert, MatchPreference


def matching_personal_data(user_id: int) -> dict | None:
    """Three queries."""
    preference = MatchPreference.objects.filter(user_id=user_id).first()
    matches = list(Match.objects.filter(user_id=user_id).order_by("-score", "vacancy_id"))
    alerted = list(
        MatchAlert.objects.filter(user_id=user_id)
        .order_by("sent_at")
        .values_list("vacancy_id", "sent_at")
    )
    if preference is None and not matches and not alerted:
        return None
    return {
        "preferences": None
        if preference is None
        else {"regions": preference.regions, "alerts_enabled": preference.alerts_enabled},
        "matches": [
            {
                "vacancy_id": m.vacancy_id,
                "band": m.band,
                "score": m.score,
                "reasons": [line_text(line) for line in m.explanation],
                "computed_at": m.computed_at.isoformat(),
            }
            for m in matches
        ],
        "alerts_sent": [{"vacancy_id": v, "sent_at": at.isoformat()} for v, at in alerted],
    }
