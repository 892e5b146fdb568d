"""Test delivery: sittings, drawing papers, attempts (real and practice), saving answers,
handing in and the clock, and the integrity events the test page reports.

Depends on ``scoring`` (a practice paper is scored the moment it is handed in).
"""

from testing_center.delivery.answers import (
    MAX_POSITION,
    SaveResult,
    answer_from_post,
    attempt_autosave,
    attempt_save_many,
    json_from_post,
    position_from_post,
)
from testing_center.delivery.attempts import (
    ATTEMPT_TRANSITIONS,
    attempt_expire_if_due,
    attempt_start,
    attempt_submit,
    attempts_expire_sweep,
    practice_attempt_start,
)
from testing_center.delivery.drawing import paper_draw
from testing_center.delivery.events import (
    MAX_EVENTS_PER_ATTEMPT,
    MAX_EVENTS_PER_POST,
    EventsRecorded,
    integrity_events_record,
)
from testing_center.delivery.fast_save import PaperFacts, attempt_autosave_fast, paper_facts
from testing_center.delivery.flags import (
    PaperReview,
    attempt_item_flag,
    flag_from_post,
    is_answered,
    paper_review,
)
from testing_center.delivery.sittings import sitting_attach

__all__ = [
    "ATTEMPT_TRANSITIONS",
    "MAX_EVENTS_PER_ATTEMPT",
    "MAX_EVENTS_PER_POST",
    "MAX_POSITION",
    "EventsRecorded",
    "PaperFacts",
    "PaperReview",
    "SaveResult",
    "answer_from_post",
    "attempt_autosave",
    "attempt_autosave_fast",
    "attempt_expire_if_due",
    "attempt_item_flag",
    "attempt_save_many",
    "attempt_start",
    "attempt_submit",
    "attempts_expire_sweep",
    "flag_from_post",
    "integrity_events_record",
    "is_answered",
    "json_from_post",
    "paper_draw",
    "paper_facts",
    "paper_review",
    "position_from_post",
    "practice_attempt_start",
    "sitting_attach",
]
