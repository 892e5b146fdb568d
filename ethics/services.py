"""Writes for ethics cases. Each service is one transaction and writes one audit event.

Audit details never hold the receipt code, the reporter's identity, an IP address or the
text of a report: only ids, categories, statuses and counts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.formats import format_moment
from eqyzmet.models import StateBody, User
from ethics import receipts
from ethics.deadlines import acknowledge_due, answer_due, deadline_rules_for
from ethics.models import (
    REPORT_CATEGORIES,
    SYSTEM_CATEGORIES,
    CaseAttachment,
    CaseMessage,
    CaseNote,
    EthicsCase,
    Source,
    Status,
)
from ethics.selectors import cases_needing_reminder, commissioners_for
from ethics.storage import CheckedFile, attachments_check

logger = logging.getLogger(__name__)

# The one table of allowed status changes.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ACKNOWLEDGED, Status.REFERRED, Status.DISMISSED}),
    Status.ACKNOWLEDGED: frozenset({Status.UNDER_REVIEW, Status.REFERRED, Status.DISMISSED}),
    Status.UNDER_REVIEW: frozenset({Status.DECIDED, Status.REFERRED, Status.DISMISSED}),
    Status.DECIDED: frozenset(),
    Status.REFERRED: frozenset(),
    Status.DISMISSED: frozenset(),
}
# Closing a case needs a written reason; a referral also needs its addressee.
NEEDS_REASONING = frozenset({Status.DECIDED, Status.REFERRED, Status.DISMISSED})

MAX_DESCRIPTION_CHARS = 20_000
MAX_MESSAGE_CHARS = 10_000
MAX_EVIDENCE_BYTES = 32_000

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_IIN = re.compile(r"(?<!\d)\d{12}(?!\d)")


@dataclass(frozen=True)
class SubmittedReport:
    case: EthicsCase
    receipt_code: str


def _attachments_store(
    *, case: EthicsCase, files: list[CheckedFile], message: CaseMessage | None = None
) -> int:
    for checked in files:
        attachment = CaseAttachment(
            case=case,
            message=message,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
        attachment.file.save(checked.name, checked.upload, save=False)
        attachment.save()
    return len(files)


def _deadlines(*, state_body: StateBody, received_at: dt.datetime) -> dict:
    rules = deadline_rules_for(state_body)
    return {
        "acknowledge_due_at": acknowledge_due(received_at, rules),
        "answer_due_at": answer_due(received_at, rules),
    }


def _receipt_code_unused() -> str:
    """A fresh code that opens no existing case.

    Two equal codes are improbable (about 1 in 20,000 over a million cases) but would let
    one reporter into another's case, so a code already in use is drawn again.
    """
    while True:
        code = receipts.receipt_code_new()
        candidates = EthicsCase.objects.filter(
            receipt_lookup=receipts.receipt_lookup(code)
        ).values_list("receipt_hash", flat=True)
        if not any(receipts.receipt_matches(code, encoded) for encoded in candidates):
            return code


@transaction.atomic
def report_submit(
    *,
    category: str,
    state_body: StateBody,
    subject: str,
    description: str,
    attachments=(),
    reporter_name: str = "",
    reporter_contact: str = "",
    receipt_code: str | None = None,
) -> SubmittedReport:
    """File a report from a person. Returns the case and its receipt code (show it once).

    ``receipt_code`` is for the demo seed only (a code printed in the README); real reports
    always get a fresh random one.
    """
    if category not in REPORT_CATEGORIES:
        raise ApplicationError(_("Choose a category from the list."), code="bad_category")
    subject = (subject or "").strip()
    description = (description or "").strip()
    if not subject or not description:
        raise ApplicationError(_("Describe what happened."), code="empty")
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ApplicationError(_("The description is too long."), code="too_long")
    files = attachments_check(attachments)
    reporter_name = (reporter_name or "").strip()
    reporter_contact = (reporter_contact or "").strip()
    code = receipts.receipt_code_normalise(receipt_code or "") or _receipt_code_unused()
    now = timezone.now()
    case = EthicsCase.objects.create(
        source=Source.REPORT,
        category=category,
        state_body=state_body,
        subject=subject[:200],
        description=description,
        receipt_lookup=receipts.receipt_lookup(code),
        receipt_hash=receipts.receipt_hash(code),
        identity_given=bool(reporter_name or reporter_contact),
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        created_at=now,
        **_deadlines(state_body=state_body, received_at=now),
    )
    stored = _attachments_store(case=case, files=files)
    audit_record(
        action="ethics.case.reported",
        target=case,
        state_body=state_body,
        details={
            "category": category,
            "attachments": stored,
            "identity_given": case.identity_given,
        },
    )
    return SubmittedReport(case=case, receipt_code=code)


def _evidence_check(evidence: dict) -> dict:
    if not isinstance(evidence, dict):
        raise ValueError("evidence must be a JSON object (dict)")
    try:
        text = json.dumps(evidence, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"evidence must be JSON-serialisable: {error}") from None
    if len(text.encode()) > MAX_EVIDENCE_BYTES:
        raise ValueError(f"evidence must be at most {MAX_EVIDENCE_BYTES} bytes of JSON")
    if _EMAIL.search(text) or _IIN.search(text):
        # Defence in depth: evidence is shown to commissioners and must carry anonymous
        # codes only. An e-mail address or an IIN-like number means a caller leaked identity.
        raise ValueError("evidence must not contain e-mail addresses or IIN-like numbers")
    return json.loads(text)


def case_raise_by_system(
    *, kind: str, state_body_id: int, summary: str, evidence: dict, dedupe_key: str
) -> int:
    """See ``ethics.public.system_case_raise``."""
    if kind not in SYSTEM_CATEGORIES:
        raise ValueError(f"unknown system case kind {kind!r}; use one of {list(SYSTEM_CATEGORIES)}")
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValueError("dedupe_key must be 1 to 200 characters")
    summary = (summary or "").strip()
    if not summary:
        raise ValueError("summary must not be empty")
    evidence = _evidence_check(evidence)
    existing = EthicsCase.objects.filter(dedupe_key=dedupe_key).values_list("pk", flat=True)
    if existing:
        return existing[0]
    state_body = StateBody.objects.filter(pk=state_body_id).first()
    if state_body is None:
        raise ValueError(f"no state body with id {state_body_id}")
    now = timezone.now()
    try:
        # A savepoint, so a concurrent caller with the same key leaves the caller's own
        # transaction usable; that caller's row is then returned.
        with transaction.atomic():
            case = EthicsCase.objects.create(
                source=Source.SYSTEM,
                category=kind,
                state_body=state_body,
                subject=summary[:200],
                description=summary if len(summary) > 200 else "",
                evidence=evidence,
                dedupe_key=dedupe_key,
                created_at=now,
                **_deadlines(state_body=state_body, received_at=now),
            )
            audit_record(
                action="ethics.case.raised",
                target=case,
                state_body=state_body,
                details={"kind": kind, "dedupe_key": dedupe_key},
            )
    except IntegrityError:
        return EthicsCase.objects.values_list("pk", flat=True).get(dedupe_key=dedupe_key)
    return case.pk


def _text_check(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("Write a message."), code="empty")
    if len(body) > MAX_MESSAGE_CHARS:
        raise ApplicationError(_("The message is too long."), code="too_long")
    return body


def _locked(case: EthicsCase) -> EthicsCase:
    return EthicsCase.objects.select_for_update().select_related("state_body").get(pk=case.pk)


@transaction.atomic
def reporter_message_add(*, case: EthicsCase, body: str, attachments=()) -> CaseMessage:
    """The reporter writes to the commissioners (through their receipt code)."""
    body = _text_check(body)
    files = attachments_check(attachments)
    case = _locked(case)
    if not case.is_open:
        raise ApplicationError(_("This case is closed; it takes no more messages."), code="closed")
    message = CaseMessage.objects.create(case=case, author=CaseMessage.Author.REPORTER, body=body)
    stored = _attachments_store(case=case, files=files, message=message)
    audit_record(
        action="ethics.message.from_reporter",
        target=case,
        state_body=case.state_body,
        details={"message_id": message.pk, "attachments": stored},
    )
    return message


@transaction.atomic
def case_reply(*, case: EthicsCase, actor: User, body: str, attachments=()) -> CaseMessage:
    """A commissioner answers the reporter."""
    body = _text_check(body)
    files = attachments_check(attachments)
    case = _locked(case)
    if case.source != Source.REPORT:
        raise ApplicationError(
            _("A case raised by the system has no reporter to answer."), code="no_reporter"
        )
    message = CaseMessage.objects.create(
        case=case, author=CaseMessage.Author.COMMISSIONER, commissioner=actor, body=body
    )
    stored = _attachments_store(case=case, files=files, message=message)
    audit_record(
        action="ethics.message.to_reporter",
        actor=actor,
        target=case,
        state_body=case.state_body,
        details={"message_id": message.pk, "attachments": stored},
    )
    return message


@transaction.atomic
def case_note_add(*, case: EthicsCase, actor: User, body: str) -> CaseNote:
    body = _text_check(body)
    case = _locked(case)
    note = CaseNote.objects.create(case=case, commissioner=actor, body=body)
    audit_record(
        action="ethics.note.added",
        actor=actor,
        target=case,
        state_body=case.state_body,
        details={"note_id": note.pk},
    )
    return note


@transaction.atomic
def case_assign(*, case: EthicsCase, actor: User, assignee: User | None) -> EthicsCase:
    case = _locked(case)
    if (
        assignee is not None
        and not commissioners_for(case.state_body).filter(pk=assignee.pk).exists()
    ):
        raise ApplicationError(
            _("Only an ethics commissioner of this state body can be assigned."),
            code="bad_assignee",
        )
    if not case.is_open:
        raise ApplicationError(_("A closed case cannot be reassigned."), code="closed")
    previous = case.assigned_to_id
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to"])
    audit_record(
        action="ethics.case.assigned",
        actor=actor,
        target=case,
        state_body=case.state_body,
        details={"from": previous, "to": assignee.pk if assignee else None},
    )
    return case


@transaction.atomic
def case_transition(
    *, case: EthicsCase, actor: User, to_status: str, reasoning: str = "", referred_to: str = ""
) -> EthicsCase:
    """Move a case along the workflow (acknowledge, review, decide, refer, dismiss)."""
    case = _locked(case)
    if to_status not in TRANSITIONS.get(case.status, ()):
        raise ApplicationError(
            _("A case that is “%(current)s” cannot become “%(new)s”.")
            % {"current": Status(case.status).label, "new": Status(to_status).label}
            if to_status in Status.values
            else _("Unknown status."),
            code="illegal_transition",
        )
    reasoning = (reasoning or "").strip()
    referred_to = (referred_to or "").strip()
    if to_status in NEEDS_REASONING and not reasoning:
        raise ApplicationError(_("Give the reasoning for this step."), code="reasoning_required")
    if to_status == Status.REFERRED and not referred_to:
        raise ApplicationError(
            _("Name the body the case is referred to."), code="referral_required"
        )
    now = timezone.now()
    previous = case.status
    fields = ["status"]
    case.status = to_status
    if to_status == Status.ACKNOWLEDGED:
        case.acknowledged_at = now
        case.answer_due_at = answer_due(
            case.created_at, deadline_rules_for(case.state_body), acknowledged_at=now
        )
        fields += ["acknowledged_at", "answer_due_at"]
    if to_status in NEEDS_REASONING:
        case.resolution = reasoning
        case.referred_to = referred_to[:255]
        case.closed_at = now
        fields += ["resolution", "referred_to", "closed_at"]
    case.save(update_fields=fields)
    audit_record(
        action="ethics.case.status_changed",
        actor=actor,
        target=case,
        state_body=case.state_body,
        details={"from": previous, "to": to_status},
    )
    return case


@transaction.atomic
def attachment_download_record(*, attachment: CaseAttachment, actor: User | None) -> None:
    """A download is an access to evidence: it goes on the record."""
    audit_record(
        action="ethics.attachment.downloaded",
        actor=actor,
        target=attachment.case,
        state_body=attachment.case.state_body,
        details={"attachment_id": attachment.pk, "by": "commissioner" if actor else "reporter"},
    )


# --- Deadline reminders --------------------------------------------------------------------

REMINDER_FIELDS = {
    "acknowledge": ("acknowledge_due_at", "acknowledge_reminder_sent_at"),
    "answer": ("answer_due_at", "answer_reminder_sent_at"),
}


def case_deadline_remind(*, case_id: int, kind: str, now: dt.datetime | None = None) -> bool:
    """Send the one reminder for this case and deadline kind; False if already sent.

    The claim is a conditional UPDATE of ``<kind>_reminder_sent_at`` from NULL, so two
    workers (or a retried task) cannot both send it. If sending fails, the transaction
    rolls back and the reminder stays unclaimed for the next run.
    """
    due_field, sent_field = REMINDER_FIELDS[kind]
    now = now or timezone.now()
    with transaction.atomic():
        claimed = EthicsCase.objects.filter(pk=case_id, **{f"{sent_field}__isnull": True}).update(
            **{sent_field: now}
        )
        if not claimed:
            return False
        case = EthicsCase.objects.select_related("state_body", "assigned_to").get(pk=case_id)
        recipients = (
            [(case.assigned_to.email, case.assigned_to.language)]
            if case.assigned_to_id and case.assigned_to.is_active
            else sorted(commissioners_for(case.state_body).values_list("email", "language"))
        )
        due = getattr(case, due_field)
        if recipients:
            _reminder_mail(case=case, kind=kind, due=due, now=now, recipients=recipients)
        audit_record(
            action="ethics.reminder.sent",
            target=case,
            state_body=case.state_body,
            details={"kind": kind, "recipients": len(recipients)},
        )
    return True


def _reminder_mail(*, case, kind, due, now, recipients) -> None:
    """One e-mail per language, each in the language its readers chose."""
    by_language: dict[str, list[str]] = {}
    for email, language in recipients:
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    for language, emails in sorted(by_language.items()):
        _reminder_mail_in(case=case, kind=kind, due=due, now=now, emails=emails, language=language)


def _reminder_mail_in(*, case, kind, due, now, emails, language) -> None:
    with translation.override(language):
        what = (
            gettext("acknowledgement") if kind == "acknowledge" else gettext("substantive answer")
        )
        state = gettext("is overdue") if due <= now else gettext("is due soon")
        subject = gettext("Ethics case %(reference)s: %(what)s %(state)s") % {
            "reference": case.reference,
            "what": what,
            "state": state,
        }
        body = gettext(
            "Ethics case %(reference)s (%(category)s, %(body)s): the %(what)s is due by "
            "%(due)s.\n\nOpen the case: %(path)s"
        ) % {
            "reference": case.reference,
            "category": case.get_category_display(),
            "body": case.state_body.name,
            "what": what,
            "due": format_moment(due),
            "path": reverse("ethics:case_detail", args=[case.pk]),
        }
    send_mail(subject, body, None, emails)


def deadline_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send every reminder whose window has opened. Safe to run as often as wanted."""
    now = now or timezone.now()
    sent = 0
    for case_id, kind in cases_needing_reminder(now=now):
        if case_deadline_remind(case_id=case_id, kind=kind, now=now):
            sent += 1
    if sent:
        logger.info("ethics: %d deadline reminder(s) sent", sent)
    return sent
