"""The competition's ledger in words: each audit event a competition produces, as a sentence
in the reader's language.

An observer reads what happened ("Stage 2 (Personal-qualities test): results published, 14
codes passed, 6 did not"), not ``competition.status_changed {'from': 'draft', ...}``. Each
action has one function that builds its sentence from the event's ``details`` (and, where
the event names a stage or an appeal only by id, from a ``LedgerContext`` the selector loads
in one query per kind). An action without a sentence falls back to a translated generic one
that names the action in words, never a raw dictionary.

Sentences carry anonymous codes and staff roles only: never a person's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from recruitment.models import Application, Competition, IdentityReveal, Stage


@dataclass(frozen=True, slots=True)
class StageRef:
    position: int
    kind: str


@dataclass(frozen=True, slots=True)
class LedgerContext:
    """What the ledger's events name only by id: stages and appeals (by ``target_id``)."""

    stages: dict[str, StageRef] = field(default_factory=dict)
    appeal_stages: dict[str, StageRef] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LedgerLine:
    seq: int
    created_at: Any
    sentence: str


EMPTY_CONTEXT = LedgerContext()


# --- Small formatters ------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A value as plain text: never a dict or list repr."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list | tuple):
        return ", ".join(_text(v) for v in (value.values() if isinstance(value, dict) else value))
    return str(value)


def _score(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return _text(value)
    if not number.is_finite():
        return _text(value)
    return formats.number_format(number, decimal_pos=2, use_l10n=True)


def _label(choices, value: Any) -> str:
    if not isinstance(value, str) or not value:
        return "—"
    try:
        return str(choices(value).label)
    except ValueError:
        return humanise(value)


def _stage_name(kind: Any) -> str:
    return _label(Stage.Kind, kind)


def _status(value: Any) -> str:
    return _label(Competition.Status, value)


def _place(value: Any) -> str:
    return _label(Application.Status, value)


def humanise(name: str) -> str:
    """``essay.double_marking`` → ``essay double marking``: a name in words, not a key."""
    return " ".join(re.sub(r"[^\w\s-]|_", " ", name.replace(".", " ")).split())


def _count(details: dict, key: str) -> int | None:
    value = details.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _stage_of(event, context: LedgerContext, table: str) -> StageRef | None:
    known = getattr(context, table).get(str(event.target_id))
    if known is not None:
        return known
    details = event.details or {}
    kind = details.get("stage")
    if not kind:
        return None
    position = _count(details, "position")
    return StageRef(position=position or 0, kind=kind)


# --- One sentence per action -----------------------------------------------------------------


def _status_changed(details: dict, event, context) -> str:
    to, before = details.get("to"), details.get("from")
    stage = details.get("stage")
    S = Competition.Status
    if to == S.PUBLISHED:
        return _("Competition announced: applications are open")
    if to == S.APPLICATIONS_CLOSED:
        return _("Applications closed")
    if to in (S.TESTING, S.ESSAY, S.INTERVIEW):
        admitted = _count(details, "admitted")
        name = _stage_name(stage) if stage else _status(to)
        if admitted is not None:
            return ngettext(
                "Stage “%(stage)s” opened: %(count)s code admitted",
                "Stage “%(stage)s” opened: %(count)s codes admitted",
                admitted,
            ) % {"stage": name, "count": admitted}
        return _("Stage “%(stage)s” opened") % {"stage": name}
    if to == S.WRITTEN_LOCKED:
        shortlist = _count(details, "shortlist")
        if shortlist is not None:
            return ngettext(
                "Written stages locked: %(count)s code shortlisted for the interview",
                "Written stages locked: %(count)s codes shortlisted for the interview",
                shortlist,
            ) % {"count": shortlist}
        return _("Written stages locked")
    if to == S.RANKING_LOCKED:
        ranked = _count(details, "ranked")
        if ranked is not None:
            return ngettext(
                "Ranking locked: %(count)s code ranked",
                "Ranking locked: %(count)s codes ranked",
                ranked,
            ) % {"count": ranked}
        return _("Ranking locked: every score is final except through an appeal")
    if to == S.RESULTS_PUBLISHED:
        return _("Results published: winner and reserve assigned, candidates informed")
    if to == S.CLOSED:
        return _("Competition closed")
    if to == S.CANCELLED:
        reason = details.get("reason")
        if reason:
            return _("Competition cancelled, reason: %(reason)s") % {"reason": _text(reason)}
        return _("Competition cancelled")
    return _("Competition status changed from “%(from)s” to “%(to)s”") % {
        "from": _status(before),
        "to": _status(to),
    }


def _field_names(names: Iterable[Any]) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(Competition._meta.get_field(str(name)).verbose_name))
        except FieldDoesNotExist:
            labels.append(humanise(str(name)))
    return ", ".join(labels)


def _created(details: dict, event, context) -> str:
    return _("Competition created by the HR officer")


def _edited(details: dict, event, context) -> str:
    fields = details.get("fields") or []
    if not isinstance(fields, list) or not fields:
        return _("Competition settings saved by the HR officer, nothing changed")
    return _("Competition settings changed by the HR officer: %(fields)s") % {
        "fields": _field_names(fields)
    }


def _reranked(details: dict, event, context) -> str:
    ranks = details.get("ranks") if isinstance(details.get("ranks"), dict) else {}
    places = details.get("places") if isinstance(details.get("places"), dict) else {}
    changes = []
    for code, pair in ranks.items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        changes.append(
            _("code %(code)s rank %(old)s → %(new)s")
            % {"code": code, "old": _text(old), "new": _text(new)}
        )
    for code, pair in places.items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        changes.append(
            _("code %(code)s: %(old)s → %(new)s")
            % {"code": code, "old": _place(old), "new": _place(new)}
        )
    if changes:
        sentence = _("Competition re-ranked after an appeal: %(changes)s") % {
            "changes": "; ".join(changes)
        }
    else:
        sentence = _("Competition re-ranked after an appeal: no rank or place changed")
    if details.get("reason"):
        sentence = _("%(sentence)s. Reason: %(reason)s") % {
            "sentence": sentence,
            "reason": _text(details["reason"]),
        }
    return sentence


def _stage_results_published(details: dict, event, context) -> str:
    stage = _stage_of(event, context, "stages")
    if stage is None:
        head = _("Stage results published")
    elif stage.position:
        head = _("Stage %(position)s (%(stage)s): results published") % {
            "position": stage.position,
            "stage": _stage_name(stage.kind),
        }
    else:
        head = _("Stage “%(stage)s”: results published") % {"stage": _stage_name(stage.kind)}
    passed, failed = _count(details, "passed"), _count(details, "failed")
    if passed is None or failed is None:
        return head
    return _("%(head)s, %(passed)s, %(failed)s") % {
        "head": head,
        "passed": ngettext("%(count)s code passed", "%(count)s codes passed", passed)
        % {"count": passed},
        "failed": ngettext("%(count)s did not", "%(count)s did not", failed) % {"count": failed},
    }


def _result_recorded(details: dict, event, context) -> str:
    values = {
        "code": _text(details.get("code")),
        "stage": _stage_name(details.get("stage")),
        "score": _score(details.get("score")),
    }
    if details.get("passed") is False:
        return _("Code %(code)s: “%(stage)s” result %(score)s recorded, not passed") % values
    return _("Code %(code)s: “%(stage)s” result %(score)s recorded, passed") % values


def _declared(details: dict, event, context) -> str:
    if details.get("has_conflict"):
        return _("A commission member declared a conflict of interest and stands aside")
    return _("A commission member declared no conflict of interest")


def _marked(details: dict, event, context) -> str:
    return _("A commission member marked code %(code)s at the “%(stage)s” stage: %(score)s") % {
        "code": _text(details.get("code")),
        "stage": _stage_name(details.get("stage")),
        "score": _score(details.get("score")),
    }


def _revealed(details: dict, event, context) -> str:
    return _(
        "Code %(code)s revealed by the HR officer. Purpose: %(purpose)s. Reason: %(reason)s"
    ) % {
        "code": _text(details.get("code")),
        "purpose": _label(IdentityReveal.Purpose, details.get("purpose")),
        "reason": _text(details.get("reason")),
    }


def _disqualified(details: dict, event, context) -> str:
    return _("Code %(code)s disqualified by the HR officer, reason: %(reason)s") % {
        "code": _text(details.get("code")),
        "reason": _text(details.get("reason")),
    }


def _appointed(details: dict, event, context) -> str:
    return _("Code %(code)s appointed to the post") % {"code": _text(details.get("code"))}


def _submitted(details: dict, event, context) -> str:
    return _("Application received under code %(code)s") % {"code": _text(details.get("code"))}


def _withdrawn(details: dict, event, context) -> str:
    return _("Code %(code)s withdrawn by the candidate") % {"code": _text(details.get("code"))}


def _appeal_stage(details: dict, event, context) -> str:
    stage = _stage_of(event, context, "appeal_stages")
    return _stage_name(stage.kind) if stage is not None else _("a stage")


def _appeal_submitted(details: dict, event, context) -> str:
    return _("Code %(code)s appealed the “%(stage)s” result") % {
        "code": _text(details.get("code")),
        "stage": _appeal_stage(details, event, context),
    }


def _appeal_decided(details: dict, event, context) -> str:
    values = {
        "code": _text(details.get("code")),
        "stage": _appeal_stage(details, event, context),
    }
    if not details.get("upheld"):
        return _("Appeal of the “%(stage)s” result by code %(code)s rejected") % values
    new = details.get("corrected_score")
    if new is None:
        return _("Appeal of the “%(stage)s” result by code %(code)s upheld; the score stands") % (
            values
        )
    values["new"] = _score(new)
    old = details.get("previous_score")
    if old is None:
        return (
            _(
                "Appeal of the “%(stage)s” result by code %(code)s upheld: score corrected "
                "to %(new)s"
            )
            % values
        )
    values["old"] = _score(old)
    return (
        _(
            "Appeal of the “%(stage)s” result by code %(code)s upheld: score corrected from "
            "%(old)s to %(new)s"
        )
        % values
    )


SENTENCES: dict[str, Callable[[dict, Any, LedgerContext], str]] = {
    "competition.created": _created,
    "competition.edited": _edited,
    "competition.status_changed": _status_changed,
    "competition.reranked": _reranked,
    "stage.results_published": _stage_results_published,
    "stage_result.recorded": _result_recorded,
    "commission.declared": _declared,
    "commission.marked": _marked,
    "identity.revealed": _revealed,
    "application.submitted": _submitted,
    "application.withdrawn": _withdrawn,
    "application.disqualified": _disqualified,
    "application.appointed": _appointed,
    "appeal.submitted": _appeal_submitted,
    "appeal.decided": _appeal_decided,
}


def event_sentence(event, context: LedgerContext = EMPTY_CONTEXT) -> str:
    """One audit event as a sentence in the active language."""
    details = event.details if isinstance(event.details, dict) else {}
    build = SENTENCES.get(event.action)
    if build is not None:
        try:
            return build(details, event, context)
        except (TypeError, ValueError, KeyError, AttributeError):
            pass  # an event written by an older version: say what it was, in words
    return _("Recorded on the ledger: %(event)s") % {"event": humanise(event.action)}


def ledger_lines(events: Iterable, context: LedgerContext = EMPTY_CONTEXT) -> list[LedgerLine]:
    return [
        LedgerLine(
            seq=event.seq, created_at=event.created_at, sentence=event_sentence(event, context)
        )
        for event in events
    ]
