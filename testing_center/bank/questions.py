"""Writes of the question bank: questions and their kept versions (revisions).

Rules live here. The public site and the admin call these functions and show the
``ApplicationError`` messages they raise.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from testing_center.bank import io as bank_io
from testing_center.bank.keepers import may_edit_topic
from testing_center.models import (
    Question,
    QuestionRevision,
    Topic,
)

QUESTION_TRANSITIONS: dict[str, set[str]] = {
    Question.Status.DRAFT: {Question.Status.ACTIVE, Question.Status.RETIRED},
    Question.Status.ACTIVE: {Question.Status.RETIRED},
    Question.Status.RETIRED: {Question.Status.ACTIVE},
}

CONTENT_FIELDS = [
    "kind",
    "text_kk",
    "text_ru",
    "text_en",
    "options",
    "key",
    "points",
    "reference_answer",
    "rubric",
    "explanation_kk",
    "explanation_ru",
    "explanation_en",
    "source",
]


def _snapshot(question: Question) -> dict:
    data = {name: getattr(question, name) for name in CONTENT_FIELDS}
    data["points"] = str(Decimal(str(data["points"])).quantize(Decimal("0.01")))
    data["status"] = question.status
    data["topic"] = question.topic_id
    return data


def _check_content(*, external_id: str, topic: Topic, status: str, fields: dict) -> None:
    row = bank_io.QuestionRow(
        row=0,
        external_id=external_id,
        topic=topic.code,
        kind=fields["kind"],
        status=status,
        points=Decimal(str(fields.get("points") or 0)),
        text={lang: fields.get(f"text_{lang}", "") for lang in bank_io.LANGS},
        options=fields.get("options") or [],
        key=fields.get("key") if fields.get("key") is not None else [],
        rubric=fields.get("rubric") if fields.get("rubric") is not None else [],
    )
    problems = bank_io.validate_question(row)
    if problems:
        raise ApplicationError(
            "; ".join(f"{p.field}: {p.message}" for p in problems), code="invalid_question"
        )


@transaction.atomic
def question_save(
    *,
    actor,
    topic: Topic,
    external_id: str,
    fields: dict,
    question: Question | None = None,
    note: str = "",
) -> Question:
    """Create a question or record a new version of it; every version is kept."""
    if not may_edit_topic(actor=actor, topic=topic):
        raise ApplicationError(
            _("Only the owner of this part of the bank may change it."), code="not_owner"
        )
    if (
        question is not None
        and question.topic_id != topic.pk
        and not may_edit_topic(actor=actor, topic=question.topic)
    ):
        raise ApplicationError(
            _("Only the owner of this part of the bank may change it."), code="not_owner"
        )
    status = question.status if question is not None else Question.Status.DRAFT
    merged = {name: getattr(question, name) for name in CONTENT_FIELDS} if question else {}
    merged.update(fields)
    _check_content(external_id=external_id, topic=topic, status=status, fields=merged)
    now = timezone.now()
    if question is None:
        question = Question(topic=topic, external_id=external_id, created_at=now, updated_at=now)
        for name in CONTENT_FIELDS:
            setattr(question, name, fields.get(name, getattr(question, name)))
        question.points = Decimal(str(question.points))
        try:
            with transaction.atomic():
                question.save()
        except IntegrityError as exc:
            raise ApplicationError(
                _("A question with this identifier already exists."), code="duplicate"
            ) from exc
        action = "question.created"
    else:
        question = Question.objects.select_for_update().get(pk=question.pk)
        before = _snapshot(question)
        for name in CONTENT_FIELDS:
            if name in fields:
                setattr(question, name, fields[name])
        question.points = Decimal(str(question.points))
        question.topic = topic
        if _snapshot(question) == before:
            return question
        question.version += 1
        question.updated_at = now
        question.save(update_fields=[*CONTENT_FIELDS, "topic", "version", "updated_at"])
        action = "question.edited"
    QuestionRevision.objects.create(
        question=question,
        version=question.version,
        snapshot=_snapshot(question),
        edited_by=actor,
        edited_at=now,
        note=note[:255],
    )
    audit_record(
        action=action,
        actor=actor,
        target=question,
        state_body=topic.owner_body,
        details={"id": question.external_id, "version": question.version},
    )
    return question


@transaction.atomic
def question_set_status(*, actor, question: Question, status: str) -> Question:
    question = (
        Question.objects.select_for_update(of=("self",)).select_related("topic").get(pk=question.pk)
    )
    if not may_edit_topic(actor=actor, topic=question.topic):
        raise ApplicationError(
            _("Only the owner of this part of the bank may change it."), code="not_owner"
        )
    if status not in QUESTION_TRANSITIONS.get(question.status, set()):
        raise ApplicationError(
            _("A question cannot go from %(old)s to %(new)s.")
            % {"old": question.get_status_display(), "new": Question.Status(status).label},
            code="illegal_transition",
        )
    old = question.status
    question.status = status
    question.version += 1
    question.updated_at = timezone.now()
    question.save(update_fields=["status", "version", "updated_at"])
    QuestionRevision.objects.create(
        question=question,
        version=question.version,
        snapshot=_snapshot(question),
        edited_by=actor,
        note=f"{old} → {status}",
    )
    audit_record(
        action="question.status_changed",
        actor=actor,
        target=question,
        state_body=question.topic.owner_body,
        details={"id": question.external_id, "from": old, "to": status},
    )
    return question
