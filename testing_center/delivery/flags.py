"""The candidate's "flag for review" marks and the review screen's summary of a paper."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from testing_center.delivery.answers import MAX_POSITION, _refuse_late
from testing_center.models import Attempt, AttemptItem


@transaction.atomic
def attempt_item_flag(*, attempt: Attempt, position: int, flagged: bool, now=None) -> bool:
    """Set or clear the flag of one item of a running paper; returns the stored flag.

    The same rules as an answer: only while the paper runs (deadline plus grace), only an
    item of this paper. Setting the flag it already has changes nothing (idempotent, so a
    page may resend it after a dropped connection). Not written to the audit ledger: a
    flag is the candidate's note to themselves, as a pencil mark in the margin."""
    now = now or timezone.now()
    _refuse_late(attempt, now)
    if not 1 <= position <= MAX_POSITION:
        raise ApplicationError(_("There is no such question on your paper."), code="no_item")
    updated = AttemptItem.objects.filter(
        attempt=attempt,
        position=position,
        attempt__status=Attempt.Status.IN_PROGRESS,
    ).update(flagged=bool(flagged))
    if not updated:
        if AttemptItem.objects.filter(attempt=attempt, position=position).exists():
            # The paper was handed in between the check above and the write.
            attempt.refresh_from_db(fields=["status"])
            _refuse_late(attempt, now)
        raise ApplicationError(_("There is no such question on your paper."), code="no_item")
    return bool(flagged)


def flag_from_post(value) -> bool:
    """The flag a page posts: "1"/"true" sets it, "0"/"false" clears it."""
    if value in ("1", "true"):
        return True
    if value in ("0", "false"):
        return False
    raise ApplicationError(_("The flag could not be read."), code="bad_flag")


@dataclass(frozen=True)
class ReviewEntry:
    position: int
    section_position: int
    answered: bool
    flagged: bool


@dataclass
class PaperReview:
    """What the review screen before handing in says about a paper."""

    entries: list[ReviewEntry] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.entries)

    @property
    def answered(self) -> int:
        return sum(1 for e in self.entries if e.answered)

    @property
    def unanswered(self) -> list[ReviewEntry]:
        return [e for e in self.entries if not e.answered]

    @property
    def flagged(self) -> list[ReviewEntry]:
        return [e for e in self.entries if e.flagged]


def is_answered(answer) -> bool:
    if isinstance(answer, str):
        return bool(answer.strip())
    return answer not in (None, [])


def paper_review(*, attempt: Attempt) -> PaperReview:
    """The paper's answered and flagged items, in order: one query."""
    rows = (
        AttemptItem.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("position", "section_position", "answer", "flagged")
    )
    return PaperReview(
        entries=[
            ReviewEntry(
                position=position,
                section_position=section,
                answered=is_answered(answer),
                flagged=flagged,
            )
            for position, section, answer, flagged in rows
        ]
    )
