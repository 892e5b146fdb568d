"""Ethics cases over two years: reports from people (most anonymous, each with a receipt)
and cases raised by the system (one for every seeded reveal, integrity flags, unusual
access, contested evaluations), each moved along the case workflow as far as its age
makes likely, with the deadlines, messages and audit events the services write.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from eqyzmet.scale import words
from eqyzmet.scale.applications import Reveal
from eqyzmet.scale.loader import AuditLog, Loader, model
from eqyzmet.scale.people import Body, Staff
from eqyzmet.scale.plan import Plan
from eqyzmet.vault import blind_index, encrypt_text
from ethics import deadlines

# Receipts are hashed as ``make_password`` does, with PBKDF2 (one of the project's
# hashers, so ``check_password`` verifies them) at a low work factor: the codes are thrown
# away at once, nobody will ever type one, and 60,000 slow hashes would take an hour.
RECEIPT_ITERATIONS = 100
SYSTEM_KINDS = (("integrity_flag", 70), ("personal_data_access", 10), ("evaluation_contest", 20))
REPLY = (
    "Thank you: your report has been registered and a commissioner is looking into it. "
    "You can follow the case with your receipt code."
)
FOLLOW_UP = "I can add that it happened again last week at the same office."


def _path(rng: random.Random, age_days: float) -> list[str]:
    """The statuses a case of this age has been through, after "new"."""
    if age_days < 10:
        return rng.choice(([], [], ["acknowledged"]))
    if age_days < 45:
        return rng.choice((["acknowledged"], ["acknowledged", "under_review"], ["dismissed"]))
    if age_days < 120:
        return rng.choice(
            (
                ["acknowledged", "under_review"],
                ["acknowledged", "under_review", "decided"],
                ["acknowledged", "dismissed"],
            )
        )
    return rng.choices(
        (
            ["acknowledged", "under_review", "decided"],
            ["acknowledged", "under_review", "referred"],
            ["acknowledged", "dismissed"],
            ["dismissed"],
        ),
        weights=(50, 15, 20, 15),
    )[0]


def cases_create(
    *,
    loader: Loader,
    audit: AuditLog,
    rng: random.Random,
    plan: Plan,
    run: int,
    bodies: list[Body],
    staff: Staff,
    reveals: list[Reveal],
    now: dt.datetime,
) -> None:
    rules = deadlines.DeadlineRules()
    hasher = PBKDF2PasswordHasher()
    case_model = model("ethics.EthicsCase")
    count = max(plan.ethics_cases, len(reveals))
    first = loader.ids(case_model, count)
    report_categories = list(words.CASE_SUBJECTS)
    system_names = [k for k, _w in SYSTEM_KINDS]
    system_weights = [w for _k, w in SYSTEM_KINDS]
    tops = {b.id: b.top_id for b in bodies}
    rows, messages = [], []
    for n in range(count):
        pk = first + n
        reveal = reveals[n] if n < len(reveals) else None
        if reveal is not None:
            created = reveal.at
            body_id = reveal.body_id
        else:
            created = now - dt.timedelta(days=rng.uniform(0, 730))
            body_id = rng.choice(bodies).id
        top = tops[body_id]
        report = reveal is None and rng.random() < 0.65
        path = _path(rng, (now - created).total_seconds() / 86400)
        ack_due = deadlines.acknowledge_due(created, rules)
        acknowledged = None
        moments = []
        moment = created
        for status in path:
            moment = moment + dt.timedelta(
                days=rng.uniform(1, 9 if status == "acknowledged" else 40)
            )
            moment = min(moment, now - dt.timedelta(minutes=5))
            moments.append((status, moment))
            if status == "acknowledged":
                acknowledged = moment
        answer_due = deadlines.answer_due(created, rules, acknowledged_at=acknowledged)
        status = path[-1] if path else "new"
        closed = moments[-1][1] if status in ("decided", "referred", "dismissed") else None
        if reveal is not None:
            category, source = "identity_reveal", "system"
            subject = f"{reveal.competition}: {reveal.code} ({reveal.purpose})"
            evidence = {
                "competition": reveal.competition,
                "code": reveal.code,
                "purpose": reveal.purpose,
                "reason": reveal.reason,
                "revealed_by": reveal.revealed_by,
                "rank": reveal.rank,
            }
            dedupe = f"reveal:{reveal.id}"
        elif report:
            category, source = rng.choice(report_categories), "report"
            subject = rng.choice(words.CASE_SUBJECTS[category])
            evidence, dedupe = {}, None
        else:
            category, source = rng.choices(system_names, weights=system_weights)[0], "system"
            subject, evidence = _system_case(rng, category, n)
            dedupe = f"scale{run}:{category}:{n}"
        identity = report and rng.random() < 0.15
        lookup = receipt_hash = ""
        if report:
            code = f"{secrets.randbelow(10**16):016d}"
            lookup = blind_index(code, purpose="receipt")[:8]
            receipt_hash = hasher.encode(code, hasher.salt(), iterations=RECEIPT_ITERATIONS)
        commissioner = staff.ethics[top]
        rows.append(
            (
                pk,
                source,
                category,
                body_id,
                subject[:200],
                words.CASE_DESCRIPTION if report else "",
                evidence,
                status,
                lookup,
                receipt_hash,
                identity,
                # Encrypted even when empty, as the field stores every value.
                encrypt_text(rng.choice(words.SURNAMES) if identity else ""),
                encrypt_text(
                    f"+7 70{rng.randrange(10)} {rng.randrange(10**7):07d}" if identity else ""
                ),
                dedupe,
                commissioner if acknowledged else None,
                created,
                ack_due,
                answer_due,
                acknowledged,
                closed,
                "The facts were established and the body was told to act."
                if status == "decided"
                else (
                    "Outside the commission's remit." if status in ("dismissed", "referred") else ""
                ),
                "Anti-Corruption Agency" if status == "referred" else "",
            )
        )
        kind = {"target_type": "ethics.ethicscase", "target_id": pk, "state_body_id": body_id}
        if report:
            audit.add(
                "ethics.case.reported",
                at=created,
                details={"category": category, "attachments": 0, "identity_given": identity},
                **kind,
            )
        else:
            audit.add(
                "ethics.case.raised",
                at=created,
                details={"kind": category, "dedupe_key": dedupe},
                **kind,
            )
        previous = "new"
        for step, at in moments:
            audit.add(
                "ethics.case.status_changed",
                at=at,
                actor_id=commissioner,
                details={"from": previous, "to": step},
                **kind,
            )
            previous = step
        if report and acknowledged is not None:
            messages.append((pk, "commissioner", commissioner, REPLY, acknowledged))
            if rng.random() < 0.3:
                messages.append(
                    (pk, "reporter", None, FOLLOW_UP, acknowledged + dt.timedelta(days=2))
                )
    # The fields are the row's order above; the long list stays next to the rows it names.
    loader.copy(
        case_model,
        [
            "id",
            "source",
            "category",
            "state_body",
            "subject",
            "description",
            "evidence",
            "status",
            "receipt_lookup",
            "receipt_hash",
            "identity_given",
            "reporter_name",
            "reporter_contact",
            "dedupe_key",
            "assigned_to",
            "created_at",
            "acknowledge_due_at",
            "answer_due_at",
            "acknowledged_at",
            "closed_at",
            "resolution",
            "referred_to",
        ],
        rows,
    )
    message = model("ethics.CaseMessage")
    first_message = loader.ids(message, max(len(messages), 1))
    loader.copy(
        message,
        ["id", "case", "author", "commissioner", "body", "created_at"],
        ((first_message + n, *row) for n, row in enumerate(messages)),
    )


def _system_case(rng: random.Random, category: str, n: int) -> tuple[str, dict]:
    code = f"S{n % 97:02d}-CASE-{n:06d}"[:16]
    if category == "integrity_flag":
        signal = rng.choice(words.INTEGRITY_SIGNALS)
        return (
            f"Integrity flag: {signal.replace('_', ' ')} ({code})",
            {"signal": signal, "code": code, "stage": "legislation_test", "items": 55},
        )
    if category == "personal_data_access":
        return (
            "Unusual number of identity reveals requested in one day",
            {"positions": rng.randrange(3, 12), "reason": "Many reveals in one day."},
        )
    return (
        f"Contested evaluation No. {n}",
        {"period": f"2026 Q{rng.randrange(1, 4)}", "composite": str(rng.randrange(40, 90))},
    )
