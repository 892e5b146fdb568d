"""Who keeps which part of the question bank: keepers edit it, see its answer keys and
export them."""

from __future__ import annotations

from django.db.models import Q

from testing_center.models import (
    Topic,
)

KEEP_NATIONAL_BANK = "testing_center.keep_national_bank"

# What gives an answer away: seen and exported only by the keepers of the topic.
KEY_FIELDS = (
    "key",
    "reference_answer",
    "rubric",
    "explanation_kk",
    "explanation_ru",
    "explanation_en",
)


def may_edit_topic(*, actor, topic: Topic) -> bool:
    """The keepers of a part of the bank: the national bank is kept by platform
    administrators and by holders of ``keep_national_bank`` (the authorised body); a body's
    own bank by its HR officers. Only keepers see and export the answer keys."""
    if actor is None or actor.is_superuser:
        return True
    if topic.owner_body_id is None:
        return actor.has_perm(KEEP_NATIONAL_BANK)
    from eqyzmet.selectors import state_bodies_in_scope

    return (
        state_bodies_in_scope(user=actor, role="hr_officer").filter(pk=topic.owner_body_id).exists()
    )


def topics_kept_by(*, actor):
    """The topics whose keys ``actor`` may see and export, as a queryset."""
    if actor.is_superuser:
        return Topic.objects.all()
    from eqyzmet.selectors import state_bodies_in_scope

    kept = Q(owner_body__in=state_bodies_in_scope(user=actor, role="hr_officer"))
    if actor.has_perm(KEEP_NATIONAL_BANK):
        kept |= Q(owner_body__isnull=True)
    return Topic.objects.filter(kept)
