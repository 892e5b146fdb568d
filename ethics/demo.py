"""Demo ethics cases for the demo state bodies. Idempotent (one marker case guards it).

Prints the receipt code of one anonymous report so a visitor can try "Follow my report".
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from eqyzmet.models import StateBody, User
from ethics import receipts
from ethics.deadlines import acknowledge_due, answer_due, deadline_rules_for
from ethics.models import Category, EthicsBodySettings, EthicsCase, Status
from ethics.services import (
    case_assign,
    case_note_add,
    case_raise_by_system,
    case_reply,
    case_transition,
    report_submit,
    reporter_message_add,
)

# Published on purpose: it opens one demo case in `make run` databases only.
DEMO_RECEIPT_CODE = "4821739016452208"
MARKER = "demo:ethics:seeded"

# body code, category, days ago, final status, subject, description. Only the "mdai" tree
# has a demo commissioner, so cases elsewhere stay new (and some become overdue).
REPORTS = [
    (
        "mdai",
        Category.COMPETITION_IRREGULARITY,
        3,
        Status.NEW,
        "Interview questions known in advance",
        "Before the interview for the chief expert post, one candidate said in the waiting "
        "room that he had received the questions by messenger the evening before.",
    ),
    (
        "mdai-egov",
        Category.CONFLICT_OF_INTEREST,
        12,
        Status.ACKNOWLEDGED,
        "Head of unit evaluates his relative",
        "The head of the e-services unit sits on the commission that scores his cousin's "
        "quarterly KPIs and did not declare it.",
    ),
    (
        "mdai",
        Category.CORRUPTION_RISK,
        40,
        Status.UNDER_REVIEW,
        "Gift requested to speed up a licence",
        "An employee of the licensing department hinted that a 'gift' would speed up the "
        "review of our application. The conversation took place on 3 March at the front desk.",
    ),
    (
        "mdai",
        Category.ETHICS_BREACH,
        75,
        Status.DECIDED,
        "Rude treatment of visitors",
        "A specialist at the reception repeatedly raised his voice at elderly visitors and "
        "refused to explain the documents required.",
    ),
    (
        "mdai-egov",
        Category.HARASSMENT,
        110,
        Status.REFERRED,
        "Pressure on a junior specialist",
        "A manager sends messages late at night and threatens a poor evaluation if the "
        "specialist refuses to work on weekends without compensation.",
    ),
    (
        "mdai",
        Category.PROTECTION_REQUEST,
        150,
        Status.DISMISSED,
        "Threats after refusing an unlawful instruction",
        "After I refused to backdate a document I was told my contract would not be renewed.",
    ),
    (
        "minfin",
        Category.CORRUPTION_RISK,
        20,
        Status.NEW,
        "Procurement specification written for one supplier",
        "The technical specification for server equipment names a model only one supplier "
        "can deliver.",
    ),
    (
        "minfin-kgd",
        Category.ETHICS_BREACH,
        9,
        Status.NEW,
        "Use of an official car for private trips",
        "An official car is used on weekends to take family members to the dacha.",
    ),
    (
        "akimat-almaty",
        Category.COMPETITION_IRREGULARITY,
        60,
        Status.NEW,
        "Vacancy announced for two days only",
        "The vacancy of chief specialist was published on Friday evening with the deadline "
        "on Sunday.",
    ),
]

SYSTEM_CASES = [
    (
        "mdai",
        "integrity_flag",
        "Response-time anomaly in a legislation test attempt",
        {"application_code": "K7-4QMX-9TZ2", "signal": "response_time", "anomaly_score": 0.93},
        MARKER,
    ),
    (
        "mdai",
        "identity_reveal",
        "Identity of the winner revealed for the document check",
        {"application_code": "K7-8PLA-1QQ3", "reason": "document check", "positions": [1]},
        "demo:ethics:reveal:1",
    ),
    (
        "mdai-egov",
        "evaluation_contest",
        "Q2 evaluation contested by the employee",
        {"evaluation_code": "EV-2026-Q2-0042", "score": 61, "band": "B"},
        "demo:ethics:evaluation:1",
    ),
]

WORKFLOW = {
    Status.NEW: [],
    Status.ACKNOWLEDGED: [Status.ACKNOWLEDGED],
    Status.UNDER_REVIEW: [Status.ACKNOWLEDGED, Status.UNDER_REVIEW],
    Status.DECIDED: [Status.ACKNOWLEDGED, Status.UNDER_REVIEW, Status.DECIDED],
    Status.REFERRED: [Status.ACKNOWLEDGED, Status.REFERRED],
    Status.DISMISSED: [Status.DISMISSED],
}
REASONING = {
    Status.DECIDED: "The breach of the Code of Ethics is confirmed; a disciplinary measure "
    "was recommended to the head of the body.",
    Status.REFERRED: "The facts point to a possible offence; referred to the competent body.",
    Status.DISMISSED: "The contract was not renewed for reasons documented before the "
    "refusal; no link to the report was found.",
}


def _backdate(case: EthicsCase, days_ago: int) -> None:
    """Demo only: pretend the case arrived ``days_ago`` days ago, with matching deadlines."""
    received = timezone.now() - dt.timedelta(days=days_ago, hours=3)
    rules = deadline_rules_for(case.state_body)
    EthicsCase.objects.filter(pk=case.pk).update(
        created_at=received,
        acknowledge_due_at=acknowledge_due(received, rules),
        answer_due_at=answer_due(received, rules),
    )
    case.refresh_from_db()


def _settle_dates(case: EthicsCase) -> None:
    """Demo only: spread the steps over the case's life instead of all happening today."""
    case.refresh_from_db()
    received = case.created_at
    changes = {}
    if case.acknowledged_at:
        changes["acknowledged_at"] = received + dt.timedelta(days=2)
        changes["answer_due_at"] = answer_due(
            received,
            deadline_rules_for(case.state_body),
            acknowledged_at=changes["acknowledged_at"],
        )
    if case.closed_at:
        changes["closed_at"] = received + dt.timedelta(days=21)
    if changes:
        EthicsCase.objects.filter(pk=case.pk).update(**changes)
    for offset, message in enumerate(case.messages.order_by("pk"), start=3):
        type(message).objects.filter(pk=message.pk).update(
            created_at=received + dt.timedelta(days=offset)
        )
    case.notes.update(created_at=received + dt.timedelta(days=4))


def seed(stdout) -> None:
    if EthicsCase.objects.filter(dedupe_key=MARKER).exists():
        stdout.write(
            "Ethics: demo cases already present; receipt code of the demo anonymous report: "
            f"{receipts.receipt_code_display(DEMO_RECEIPT_CODE)}"
        )
        return
    bodies = {b.code: b for b in StateBody.objects.all()}
    commissioner = User.objects.filter(email="ethics@demo.eqyzmet.kz").first()
    EthicsBodySettings.objects.get_or_create(
        state_body=bodies["minfin"], defaults={"acknowledge_days": 5, "answer_months": 2}
    )

    for index, (code, category, days_ago, status, subject, description) in enumerate(REPORTS):
        submitted = report_submit(
            category=category,
            state_body=bodies[code],
            subject=subject,
            description=description,
            receipt_code=DEMO_RECEIPT_CODE if index == 2 else None,
            reporter_name="Айгерім С." if index == 4 else "",
            reporter_contact="+7 701 000 00 00" if index == 4 else "",
        )
        case = submitted.case
        _backdate(case, days_ago)
        if index == 2:
            reporter_message_add(
                case=case,
                body="I can describe the employee if needed; he works at window 4.",
            )
        in_scope = code in ("mdai", "mdai-egov")
        actor = commissioner if (commissioner and in_scope) else None
        if actor is None:
            continue
        if status != Status.NEW:
            case_assign(case=case, actor=actor, assignee=commissioner)
        for step in WORKFLOW[status]:
            case_transition(
                case=case,
                actor=actor,
                to_status=step,
                reasoning=REASONING.get(step, ""),
                referred_to="Anti-Corruption Agency" if step == Status.REFERRED else "",
            )
        if status == Status.UNDER_REVIEW:
            case_reply(
                case=case,
                actor=actor,
                body="Thank you for the report. We are reviewing it; could you tell us the "
                "date of the conversation and the window number?",
            )
            case_note_add(
                case=case,
                actor=actor,
                body="Check the front-desk roster for 3 March; ask HR for the licensing log.",
            )

        _settle_dates(case)

    for code, kind, summary, evidence, key in SYSTEM_CASES:
        case_raise_by_system(
            kind=kind,
            state_body_id=bodies[code].pk,
            summary=summary,
            evidence=evidence,
            dedupe_key=key,
        )
    stdout.write(
        f"Ethics: {EthicsCase.objects.count()} demo cases; try 'Follow my report' with the "
        f"receipt code {receipts.receipt_code_display(DEMO_RECEIPT_CODE)}"
    )
