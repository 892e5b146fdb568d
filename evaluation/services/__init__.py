"""Writes of the evaluation app. Each is one transaction with one audit event per change.

One module per topic; this package re-exports their public names, so callers keep writing
``from evaluation import services`` and ``services.cycle_open(...)``. Topic modules import
their siblings directly, never this package, in one direction::

    transitions, rules, employees, citizens, retention    (no sibling imports)
    evaluators <- transitions
    reminders  <- transitions
    cycles     <- transitions, rules
    kpis       <- evaluators
    feedback   <- evaluators
    scores     <- transitions, evaluators
    answers    <- transitions, evaluators, scores
    annual     <- transitions, rules, cycles, scores, development
    development_credit                                    (no sibling imports)
    development <- (none);  training <- development, kpis
    scores     <- development, development_credit

State machines (one table per model) are ``CYCLE_TRANSITIONS`` and
``ASSESSMENT_TRANSITIONS`` (in ``transitions``); anything else raises ``ApplicationError``.
"""

from evaluation.services.annual import annual_due_run, annual_results_compute, cycle_open_annual
from evaluation.services.answers import (
    assessment_acknowledge,
    assessment_contest,
    assessment_review_decide,
)
from evaluation.services.citizens import (
    CITIZEN_LINK_DAYS,
    EXPIRED_LINK,
    INVALID_LINK,
    OUTLIER_DESK_SHARE,
    OUTLIER_MIN_GAP,
    OUTLIER_MIN_RATINGS,
    OUTLIER_MIN_UNIT_RATINGS,
    OUTLIER_STANDARD_ERRORS,
    RATING_LINKS_PER_DAY,
    TOKEN_ALPHABET,
    TOKEN_LENGTH,
    USED_LINK,
    IssuedLink,
    citizen_link_find,
    citizen_link_for_delivery,
    citizen_link_issue,
    citizen_rating_submit,
    citizen_ratings_outlier_check,
    may_issue_rating_link,
    rating_links_per_day,
    token_display,
    token_hash,
    token_normalise,
)
from evaluation.services.cycles import cycle_close, cycle_create, cycle_open
from evaluation.services.development import PLAN_TRANSITIONS, goal_confirm, plan_agree, plan_draft
from evaluation.services.employees import employee_register
from evaluation.services.evaluators import evaluator_roles
from evaluation.services.feedback import feedback_invite, feedback_round_close, feedback_submit
from evaluation.services.kpis import EVIDENCE_MAX_BYTES, kpi_add, kpi_report
from evaluation.services.reminders import assessment_remind, reminders_send
from evaluation.services.retention import cycle_purge, results_purge
from evaluation.services.rules import rules_for_body, rules_save, setting_save
from evaluation.services.scores import RESULT_FIELDS, assessment_score
from evaluation.services.training import (
    completion_decide,
    completion_record,
    training_due,
    training_reminders_send,
)
from evaluation.services.transitions import (
    ASSESSMENT_TRANSITIONS,
    CYCLE_TRANSITIONS,
    EDITABLE,
    S,
)

__all__ = [
    "ASSESSMENT_TRANSITIONS",
    "CITIZEN_LINK_DAYS",
    "CYCLE_TRANSITIONS",
    "EDITABLE",
    "EVIDENCE_MAX_BYTES",
    "EXPIRED_LINK",
    "INVALID_LINK",
    "OUTLIER_DESK_SHARE",
    "OUTLIER_MIN_GAP",
    "OUTLIER_MIN_RATINGS",
    "OUTLIER_MIN_UNIT_RATINGS",
    "OUTLIER_STANDARD_ERRORS",
    "PLAN_TRANSITIONS",
    "RATING_LINKS_PER_DAY",
    "RESULT_FIELDS",
    "TOKEN_ALPHABET",
    "TOKEN_LENGTH",
    "USED_LINK",
    "IssuedLink",
    "S",
    "annual_due_run",
    "annual_results_compute",
    "assessment_acknowledge",
    "assessment_contest",
    "assessment_remind",
    "assessment_review_decide",
    "assessment_score",
    "citizen_link_find",
    "citizen_link_for_delivery",
    "citizen_link_issue",
    "citizen_rating_submit",
    "citizen_ratings_outlier_check",
    "completion_decide",
    "completion_record",
    "cycle_close",
    "cycle_create",
    "cycle_open",
    "cycle_open_annual",
    "cycle_purge",
    "employee_register",
    "evaluator_roles",
    "feedback_invite",
    "feedback_round_close",
    "feedback_submit",
    "goal_confirm",
    "kpi_add",
    "kpi_report",
    "may_issue_rating_link",
    "plan_agree",
    "plan_draft",
    "rating_links_per_day",
    "reminders_send",
    "results_purge",
    "rules_for_body",
    "rules_save",
    "setting_save",
    "token_display",
    "token_hash",
    "token_normalise",
    "training_due",
    "training_reminders_send",
]
