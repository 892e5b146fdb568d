"""Writes for recruitment: profiles, competitions and their stage machine, applications,
commission marks, ranking, reveal, appeals, results and the reserve.

Every function is keyword-only, runs in one transaction and records one audit event per
state change. Candidate actions are audited by anonymous code with no actor, so the ledger
itself never joins a person to a code; reveals are audited with the officer as actor.

One module per topic; callers import from here (``from recruitment import services``):

- ``stage_machine``: the stage machine's tables, the status move, locking, the current stage
- ``profiles``: the candidate's profile, documents and qualification snapshot
- ``applications``: submitting, withdrawing and disqualifying an application
- ``ranking``: the shortlist, the final ranking, places and the reserve
- ``competitions``: the competition's life from publication to closing, and appointment
- ``commission``: declarations, marks and the stage score from a quorum of marks
- ``reveal``: revealing the person behind a code
- ``appeals``: appeals, corrections and the re-ranking they set off
- ``adjustments``: reasonable adjustments for a disability: request and decision

Topic modules import their siblings directly, in that order, never this package.
"""

from recruitment.procedure import appeal_deadline
from recruitment.services.adjustments import adjustment_decide, adjustment_request
from recruitment.services.appeals import appeal_decide, appeal_submit
from recruitment.services.applications import (
    application_disqualify,
    application_submit,
    application_withdraw,
)
from recruitment.services.commission import commission_declare, commission_mark, quorum_needed
from recruitment.services.competitions import (
    LOCK_RANKING_JOB,
    application_appoint,
    competition_advance,
    competition_cancel,
    competition_close,
    competition_close_applications,
    competition_lock_ranking,
    competition_lock_ranking_queue,
    competition_lock_ranking_run,
    competition_publish,
    competition_publish_results,
    competitions_needing_attention,
    stage_publish_results,
)
from recruitment.services.profiles import document_upload, profile_save, qualification_snapshot
from recruitment.services.ranking import PLACED, reserve_active, shortlist
from recruitment.services.reveal import application_reveal
from recruitment.services.stage_machine import (
    IN_THE_RUNNING,
    RANKED,
    STAGE_STATUS,
    TRANSITIONS,
    S,
)

__all__ = [
    "IN_THE_RUNNING",
    "LOCK_RANKING_JOB",
    "PLACED",
    "RANKED",
    "STAGE_STATUS",
    "TRANSITIONS",
    "S",
    "adjustment_decide",
    "adjustment_request",
    "appeal_deadline",
    "appeal_decide",
    "appeal_submit",
    "application_appoint",
    "application_disqualify",
    "application_reveal",
    "application_submit",
    "application_withdraw",
    "commission_declare",
    "commission_mark",
    "competition_advance",
    "competition_cancel",
    "competition_close",
    "competition_close_applications",
    "competition_lock_ranking",
    "competition_lock_ranking_queue",
    "competition_lock_ranking_run",
    "competition_publish",
    "competition_publish_results",
    "competitions_needing_attention",
    "document_upload",
    "profile_save",
    "qualification_snapshot",
    "quorum_needed",
    "reserve_active",
    "shortlist",
    "stage_publish_results",
]
