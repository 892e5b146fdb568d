"""The careers app's part of "download my data" and of deleting an account.

Registered with the kernel (``eqyzmet.accounts.personal_data``) by ``CareersConfig.ready``.
Deleting an account keeps the account row, anonymised (the kernel's rule), so nothing here
goes by ``CASCADE``: the sources erase what is the person's own.

- Explorer results the person kept: exported; on deletion unlinked from the account (the
  scores stay as anonymous answers of a questionnaire, like those never kept).
- Internship applications: exported from the candidate side (the motivation as written);
  on deletion the identity and the status document go. The staff side (a code, coarse facts,
  the redacted text and the decision) has no link to anyone and stays as the body's record.
- Matching: exported by ``careers.matching.personal_data``; on deletion the matches, the
  alerts sent and the choices go.
"""

from __future__ import annotations

from careers.internships.selectors import my_internship_applications
from careers.internships.services import owner_index
from careers.models import ExplorerResult
from careers.models_internships import InternshipIdentity
from careers.models_matching import Match, MatchAlert, MatchPreference


class _Person:
    """What the candidate-side selectors need of a user: only the id."""

    is_authenticated = True

    def __init__(self, pk: int) -> None:
        self.pk = pk


def explorer_personal_data(user_id: int) -> dict | None:
    """The explorer results the person kept for matching: one query."""
    results = list(
        ExplorerResult.objects.filter(user_id=user_id)
        .order_by("created_at")
        .values("interests", "work_values", "families", "created_at")
    )
    if not results:
        return None
    return {
        "explorer_results": [
            {
                "interests": r["interests"],
                "work_values": r["work_values"],
                "families": r["families"],
                "taken_at": r["created_at"].isoformat(),
            }
            for r in results
        ]
    }


def internships_personal_data(user_id: int) -> dict | None:
    """The person's internship applications as they see them, with the motivation as they
    wrote it: three queries."""
    rows = my_internship_applications(user=_Person(user_id))
    if not rows:
        return None
    motivations = dict(
        InternshipIdentity.objects.filter(owner_index=owner_index(user_id)).values_list(
            "application_id", "motivation"
        )
    )
    return {
        "internship_applications": [
            {
                "internship": row.application.internship.title,
                "state_body": row.application.internship.state_body.name,
                "code": row.application.code,
                "status": str(row.application.get_status_display()),
                "submitted_at": row.submitted_at.isoformat(),
                "motivation": motivations.get(row.application.pk, ""),
            }
            for row in rows
        ]
    }


def careers_erase(user_id: int) -> list[str]:
    """Erase the person's careers data inside the caller's transaction; return what stays."""
    ExplorerResult.objects.filter(user_id=user_id).update(user=None)
    for identity in InternshipIdentity.objects.filter(owner_index=owner_index(user_id)):
        if identity.status_document:
            identity.status_document.delete(save=False)
        identity.delete()
    Match.objects.filter(user_id=user_id).delete()
    MatchAlert.objects.filter(user_id=user_id).delete()
    MatchPreference.objects.filter(user_id=user_id).delete()
    return ["internship applications by anonymous code, without identity"]
