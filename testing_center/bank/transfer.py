"""Bank files in and out: import all or nothing, export with keys for the keepers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import StateBody
from testing_center.bank import io as bank_io
from testing_center.bank.balance import KeyBalanceWarning, bank_key_balance
from testing_center.bank.keepers import may_edit_topic, topics_kept_by
from testing_center.bank.questions import question_save, question_set_status
from testing_center.models import (
    Question,
    Topic,
)


@dataclass
class ImportReport:
    errors: list[bank_io.RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    topics_created: int = 0
    warnings: list[KeyBalanceWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def bank_import(*, actor, data: bytes, filename: str, owner_body=None) -> ImportReport:
    """Import a JSON or CSV bank file: all of it, or — if any row has an error — none of it."""
    parsed = bank_io.parse(data, filename=filename)
    report = ImportReport(errors=list(parsed.errors))
    existing_topics = {t.code: t for t in Topic.objects.all()}
    declared = {t.code for t in parsed.topics}
    for row in parsed.questions:
        if row.topic not in existing_topics and row.topic not in declared:
            report.errors.append(bank_io.RowError(row.row, "topic", str(_("Unknown topic code."))))
    ids = [q.external_id for q in parsed.questions]
    for row in parsed.questions:
        if ids.count(row.external_id) > 1:
            report.errors.append(
                bank_io.RowError(row.row, "id", str(_("This identifier appears twice.")))
            )
    existing = {
        q.external_id: q
        for q in Question.objects.select_related("topic").filter(external_id__in=ids)
    }
    for t in parsed.topics:
        if t.code in existing_topics and not may_edit_topic(
            actor=actor, topic=existing_topics[t.code]
        ):
            report.errors.append(
                bank_io.RowError(
                    0, "topics", str(_("You may not change topic %(code)s.")) % {"code": t.code}
                )
            )
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report
    for t in parsed.topics:
        topic = existing_topics.get(t.code)
        if topic is None:
            topic = Topic.objects.create(
                code=t.code,
                name_kk=t.names["kk"],
                name_ru=t.names["ru"],
                name_en=t.names["en"],
                is_practice=t.is_practice,
                owner_body=owner_body,
            )
            existing_topics[t.code] = topic
            report.topics_created += 1
    for row in parsed.questions:
        topic = existing_topics[row.topic]
        try:
            current = existing.get(row.external_id)
            version_before = current.version if current else None
            question = question_save(
                actor=actor,
                topic=topic,
                external_id=row.external_id,
                fields=row.as_fields(),
                question=current,
                note=str(_("Imported from %(file)s") % {"file": filename[:100]}),
            )
            if question.status != row.status:
                question = _status_force(actor=actor, question=question, status=row.status)
        except ApplicationError as exc:
            report.errors.append(bank_io.RowError(row.row, "question", str(exc.message)))
            continue
        if current is None:
            report.created += 1
        elif question.version != version_before:
            report.updated += 1
        else:
            report.unchanged += 1
    if report.errors:
        # Nothing from a file with errors: undo what the valid rows wrote.
        transaction.set_rollback(True)
        report.created = report.updated = report.unchanged = report.topics_created = 0
        return report
    report.warnings = bank_key_balance(
        topics=[existing_topics[c] for c in {row.topic for row in parsed.questions}]
    )
    audit_record(
        action="bank.imported",
        actor=actor,
        target_type="testing_center.question",
        target_id="",
        state_body=owner_body,
        details={
            "file": filename[:100],
            "created": report.created,
            "updated": report.updated,
            "topics": report.topics_created,
        },
    )
    return report


def _status_force(*, actor, question: Question, status: str) -> Question:
    """An import states the wanted status; walk there through the transition table."""
    if status == Question.Status.DRAFT:
        raise ApplicationError(
            _("A question in use cannot go back to draft."), code="illegal_transition"
        )
    return question_set_status(actor=actor, question=question, status=status)


@dataclass(frozen=True)
class BankExport:
    body: str
    content_type: str
    filename: str


@transaction.atomic
def bank_export(*, actor, questions, fmt: str) -> BankExport:
    """The questions with their keys as a JSON or CSV file, for the keepers of every topic
    they come from (all or nothing). One audit row: how many, of which topics; no content."""
    questions = list(questions.select_related("topic").order_by("topic__code", "external_id"))
    topics = sorted({q.topic for q in questions}, key=lambda t: t.code)
    kept = set(
        topics_kept_by(actor=actor)
        .filter(pk__in=[t.pk for t in topics])
        .values_list("pk", flat=True)
    )
    if not questions:
        raise ApplicationError(_("Choose the questions to export."), code="nothing_to_export")
    if any(t.pk not in kept for t in topics):
        raise ApplicationError(
            _(
                "Only the keepers of a part of the bank may export it with its keys; the "
                "selection includes topics you do not keep."
            ),
            code="not_owner",
        )
    if fmt == "csv":
        body, content_type = bank_io.export_csv(questions), "text/csv; charset=utf-8"
    else:
        fmt = "json"
        body, content_type = bank_io.export_json(questions, topics), "application/json"
    owners = {t.owner_body_id for t in topics}
    owner_id = next(iter(owners)) if len(owners) == 1 else None
    audit_record(
        action="bank.exported",
        actor=actor,
        target_type="testing_center.question",
        target_id="",
        state_body=StateBody(pk=owner_id) if owner_id else None,
        details={"count": len(questions), "topics": [t.code for t in topics], "format": fmt},
    )
    return BankExport(body=body, content_type=content_type, filename=f"question-bank.{fmt}")
