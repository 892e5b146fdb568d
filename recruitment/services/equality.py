"""Voluntary equality data: the candidate gives, changes or withdraws it for one of their
applications until the competition's ranking is locked; afterwards it is frozen and only
counted (``recruitment.selectors_fairness``).

The answers are used for anonymous statistics only — never in eligibility, scoring,
ranking or matching — and no staff page shows them per person. The audit trail records
that equality data changed in a competition, without the actor, the application or the
answers: an event tying a person to an application code would undo the anonymity.
"""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.vault import blind_index
from recruitment.models import Application, Competition
from recruitment.models_equality import CHARACTERISTICS, UNDISCLOSED, EqualityRecord
from recruitment.services.applications import _owned
from recruitment.services.stage_machine import RANKED

_PURPOSE = "equality-record"


def _index(application_id: int) -> str:
    return blind_index(str(application_id), purpose=_PURPOSE)


def clean_answers(answers: dict) -> dict[str, str]:
    """Only known characteristics with known values; "prefer not to say" and empty
    answers are dropped. An unknown value is refused (it would be a tampered form)."""
    clean: dict[str, str] = {}
    for key, _label, choices in CHARACTERISTICS:
        value = (answers.get(key) or "").strip()
        if value in ("", UNDISCLOSED):
            continue
        if value not in choices.values:
            raise ApplicationError(_("Choose one of the answers offered."), code="bad_answer")
        clean[key] = value
    return clean


def _check_open(*, user, application: Application) -> Competition:
    _owned(user=user, application=application)
    competition = Competition.objects.get(pk=application.competition_id)
    if competition.status in RANKED:
        raise ApplicationError(
            _("The ranking of this competition is locked; equality answers can no longer change."),
            code="too_late",
        )
    return competition


def equality_answers_of(*, application_id: int) -> dict[str, str]:
    """The answers stored for one application (candidate side only: call it after checking
    that the application is the signed-in person's own)."""
    record = EqualityRecord.objects.filter(application_index=_index(application_id)).first()
    return {} if record is None else json.loads(record.payload)["answers"]


@transaction.atomic
def equality_record_save(*, user, application: Application, answers: dict) -> None:
    """Give or change the equality answers of one of the person's own applications.
    All "prefer not to say" is the same as withdrawing them."""
    competition = _check_open(user=user, application=application)
    clean = clean_answers(answers)
    index = _index(application.pk)
    if not clean:
        EqualityRecord.objects.filter(application_index=index).delete()
    else:
        payload = json.dumps({"application_id": application.pk, "answers": clean})
        EqualityRecord.objects.update_or_create(
            application_index=index,
            defaults={
                "competition_id": competition.pk,
                "payload": payload,
                "updated_at": timezone.now(),
            },
        )
    audit_record(
        action="equality.changed",
        target_type="competition",
        target_id=competition.pk,
        state_body=competition.state_body,
    )


@transaction.atomic
def equality_record_withdraw(*, user, application: Application) -> None:
    """Delete the equality answers of one of the person's own applications."""
    competition = _check_open(user=user, application=application)
    deleted, _rows = EqualityRecord.objects.filter(
        application_index=_index(application.pk)
    ).delete()
    if deleted:
        audit_record(
            action="equality.changed",
            target_type="competition",
            target_id=competition.pk,
            state_body=competition.state_body,
        )


def equality_record_store(*, application_id: int, competition_id: int, answers: dict) -> None:
    """Write a record without the candidate-side checks: for demo data and tests only."""
    EqualityRecord.objects.update_or_create(
        application_index=_index(application_id),
        defaults={
            "competition_id": competition_id,
            "payload": json.dumps({"application_id": application_id, "answers": answers}),
        },
    )


def equality_answers_for(application_ids) -> dict[int, dict[str, str]]:
    """{application id: answers} for the person's own applications (their data export):
    one query."""
    ids = {_index(pk): pk for pk in application_ids}
    found = {}
    for index, payload in EqualityRecord.objects.filter(
        application_index__in=list(ids)
    ).values_list("application_index", "payload"):
        found[ids[index]] = json.loads(payload)["answers"]
    return found


def equality_records_erase(*, application_ids, competition_ids_open) -> int:
    """When the person erases their data: the answers of applications whose ranking is not
    locked go (they could still be withdrawn); those of locked rankings stay, now linked
    to nobody, so the statistics already reported do not change."""
    indexes = [_index(pk) for pk in application_ids]
    deleted, _rows = EqualityRecord.objects.filter(
        application_index__in=indexes, competition_id__in=list(competition_ids_open)
    ).delete()
    return deleted
