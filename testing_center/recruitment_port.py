"""What the testing center needs from recruitment beyond ``recruitment.public``.

A small adapter until the recruitment app offers it publicly (asked for in the report):
the signed-in candidate's active applications in every competition at once, so the
"my tests" page costs one query instead of one per competition.
"""

from __future__ import annotations


def candidate_application_ids(*, user) -> dict[int, int]:
    """``{competition_id: application_id}`` for the candidate's active applications."""
    from recruitment.models import IdentityEscrow
    from recruitment.public import owner_index

    if not user.is_authenticated:
        return {}
    return dict(
        IdentityEscrow.objects.filter(owner_index=owner_index(user.pk), active=True).values_list(
            "competition_id", "application_id"
        )
    )
