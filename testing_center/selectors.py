"""Reads of the testing center, each a bounded number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from eqyzmet.selectors import state_bodies_in_scope
from testing_center.delivery.fast_save import (
    PaperFacts,
    facts_cache_key,
    facts_in_process,
    paper_facts,
)
from testing_center.delivery.flags import is_answered
from testing_center.models import (
    Attempt,
    AttemptItem,
    Blueprint,
    Sitting,
    answer_as_labels,
    option_labels,
    option_text,
)
from testing_center.ports import StageInfo, competitions

PRACTICE_SESSION_KEY = "testing_center_practice"
PRACTICE_TAG_SESSION_KEY = "testing_center_practice_tag"


def practice_token(request, *, create: bool = False) -> str:
    import secrets

    token = request.session.get(PRACTICE_SESSION_KEY, "")
    if not token and create:
        token = secrets.token_urlsafe(24)
        request.session[PRACTICE_SESSION_KEY] = token
    return token


def practice_tag(request) -> str:
    """The group tag this browser's practice attempts carry (set by ``public.practice_tag_set``)."""
    return request.session.get(PRACTICE_TAG_SESSION_KEY, "")


def attempt_for_request(request, pk: int) -> Attempt:
    """The attempt if it belongs to whoever is asking, else 404 (never 403: an attempt id
    must not confirm that someone else's paper exists)."""
    attempt = (
        Attempt.objects.select_related("blueprint", "sitting", "sitting__stage")
        .filter(pk=pk)
        .first()
    )
    if attempt is None:
        raise Http404
    if attempt.sitting_id is None:
        token = request.session.get(PRACTICE_SESSION_KEY, "")
        if not token or token != attempt.practice_token:
            raise Http404
        return attempt
    if not request.user.is_authenticated:
        raise Http404
    own = competitions.candidate_application_id(
        user=request.user, competition_id=attempt.sitting.stage.competition_id
    )
    if own is None or own != attempt.application_id:
        raise Http404
    return attempt


def paper_facts_for_request(request, pk: int) -> PaperFacts | None:
    """The running paper's cached facts when whoever is asking owns it, else None (the full
    path, ``attempt_for_request``, then answers: 404 for someone else's paper)."""
    user = request.user
    return paper_facts_owned(
        pk,
        user_id=user.pk if user.is_authenticated else None,
        practice_token=request.session.get(PRACTICE_SESSION_KEY, ""),
    )


def paper_facts_cache_keys(pk: int, *, user_id: int | None) -> list[str]:
    """The cache keys ``paper_facts_owned`` reads, for reading them in one round trip."""
    keys = [] if facts_in_process(pk) else [facts_cache_key(pk)]
    if user_id is not None:
        keys.append(competitions.candidate_application_ids_cache_key(user_id))
    return keys


def paper_facts_owned(pk: int, *, user_id: int | None, practice_token: str) -> PaperFacts | None:
    """``paper_facts_for_request`` for a person known by id (or a visitor, None) and the
    practice token of their session."""
    facts = paper_facts(pk)
    if facts is None:
        return None
    if facts.competition_id is None:
        owned = bool(practice_token) and practice_token == facts.practice_token
    elif user_id is None or facts.application_id is None:
        owned = False
    else:
        mine = competitions.candidate_application_ids_of(user_id)
        owned = mine.get(facts.competition_id) == facts.application_id
    return facts if owned else None


@dataclass
class SittingRow:
    sitting: Sitting
    info: StageInfo
    application_id: int
    admitted: bool
    attempt: Attempt | None


def sittings_for_candidate(*, user) -> list[SittingRow]:
    """The tests of the competitions the candidate has applied to."""
    mine = competitions.candidate_application_ids(user=user)
    if not mine:
        return []
    sittings = list(
        Sitting.objects.select_related("blueprint", "stage", "stage__competition").filter(
            stage__competition_id__in=list(mine)
        )
    )
    attempts = {
        (a.sitting_id, a.application_id): a
        for a in Attempt.objects.filter(
            sitting__in=sittings, application_id__in=list(mine.values())
        ).order_by("number")
    }
    admitted = admitted_pairs(sittings=sittings, application_ids=list(mine.values()))
    rows = []
    for s in sittings:
        app_id = mine[s.stage.competition_id]
        rows.append(
            SittingRow(
                sitting=s,
                info=_info_from_stage(s.stage),
                application_id=app_id,
                admitted=(s.stage_id, app_id) in admitted,
                attempt=attempts.get((s.pk, app_id)),
            )
        )
    # By opening time; stages opening together in the procedure's order, not the database's.
    rows.sort(
        key=lambda r: (
            r.info.opens_at is None,
            r.info.opens_at,
            r.sitting.stage.competition_id,
            r.sitting.stage.position,
            r.sitting.pk,
        )
    )
    return rows


def admitted_pairs(*, sittings, application_ids) -> set[tuple[int, int]]:
    return competitions.admitted_among(
        stage_ids=[s.stage_id for s in sittings], application_ids=application_ids
    )


def _info_from_stage(stage) -> StageInfo:
    competition = stage.competition
    return StageInfo(
        stage_id=stage.pk,
        competition_id=competition.pk,
        competition_number=competition.number,
        competition_status=competition.status,
        state_body_id=competition.state_body_id,
        kind=stage.kind,
        opens_at=stage.opens_at,
        closes_at=stage.closes_at,
        max_score=stage.max_score,
        locked=stage.locked_at is not None,
    )


def sitting_for_candidate(*, user, sitting_id: int) -> SittingRow:
    """One sitting as its candidate sees it; 404 for anyone without an application there."""
    sitting = (
        Sitting.objects.select_related("blueprint", "stage", "stage__competition")
        .filter(pk=sitting_id)
        .first()
    )
    if sitting is None or not user.is_authenticated:
        raise Http404
    app_id = competitions.candidate_application_id(
        user=user, competition_id=sitting.stage.competition_id
    )
    if app_id is None:
        raise Http404
    attempt = (
        Attempt.objects.filter(sitting=sitting, application_id=app_id).order_by("-number").first()
    )
    return SittingRow(
        sitting=sitting,
        info=_info_from_stage(sitting.stage),
        application_id=app_id,
        admitted=competitions.is_admitted(application_id=app_id, stage_id=sitting.stage_id),
        attempt=attempt,
    )


@dataclass
class PaperItem:
    position: int
    section_position: int
    kind: str
    text: str
    options: list[tuple[str, str]]
    answer: object
    version: int
    changed_at_ms: int
    flagged: bool = False
    # Filled on the result page only.
    is_correct: bool | None = None
    awarded: object = None
    key_texts: list[str] | None = None
    explanation: str = ""
    section_name: str = ""

    @property
    def chosen(self) -> list:
        if isinstance(self.answer, list):
            return self.answer
        return [self.answer] if self.answer else []

    @property
    def answered(self) -> bool:
        return is_answered(self.answer)

    @property
    def words(self) -> int:
        return len(self.answer.split()) if isinstance(self.answer, str) else 0


def paper(*, attempt: Attempt, with_keys: bool = False) -> list[PaperItem]:
    """The paper as the candidate sees it, rendered on the server in the drawn order.
    The key is included only for a practice result (``with_keys``)."""
    names = sections_of(attempt.blueprint)
    items = (
        AttemptItem.objects.filter(attempt=attempt).select_related("question").order_by("position")
    )
    lang = (get_language() or "kk")[:2]
    out = []
    for item in items:
        q = item.question
        by_id = {o["id"]: o for o in q.options}
        # The candidate sees and posts this paper's labels, never the bank's option ids.
        labels = option_labels(
            seed=attempt.seed, position=item.position, option_order=item.option_order
        )
        options = [
            (labels[oid], option_text(by_id[oid], lang))
            for oid in item.option_order
            if oid in by_id
        ]
        row = PaperItem(
            position=item.position,
            section_position=item.section_position,
            kind=q.kind,
            text=q.text,
            options=options,
            answer=answer_as_labels(item.answer, labels),
            version=item.version,
            changed_at_ms=item.changed_at_ms,
            flagged=item.flagged,
            is_correct=item.is_correct,
            awarded=item.awarded,
            section_name=names.get(item.section_position, ""),
        )
        if with_keys:
            if q.kind in ("single", "multiple"):
                row.key_texts = [option_text(by_id[k]) for k in q.key if k in by_id]
            elif q.kind == "short_text":
                row.key_texts = list(q.key[:1])
            row.explanation = q.explanation
        out.append(row)
    return out


def sections_of(blueprint: Blueprint) -> dict[int, str]:
    return {s.position: s.topic.name for s in blueprint.sections.select_related("topic")}


def practice_blueprints() -> QuerySet[Blueprint]:
    return Blueprint.objects.filter(is_practice=True).prefetch_related("sections__topic")


def attempts_for_staff(*, user) -> QuerySet[Attempt]:
    """Real attempts of the competitions in the officer's scope, by anonymous code only."""
    qs = Attempt.objects.filter(sitting__isnull=False).select_related(
        "application", "sitting__stage__competition", "blueprint"
    )
    if user.is_superuser:
        return qs
    return qs.filter(
        sitting__stage__competition__state_body__in=state_bodies_in_scope(
            user=user, role="hr_officer"
        )
    )


# --- The API: test results by anonymous code ---------------------------------------------


def test_results_for_staff(*, state_bodies) -> QuerySet[Attempt]:
    """Real attempts in the competitions of ``state_bodies`` (a queryset), known by the
    application's anonymous code only. One query per page of rows."""
    return (
        Attempt.objects.filter(
            sitting__isnull=False,
            sitting__stage__competition__state_body__in=state_bodies,
        )
        .select_related("application", "sitting__stage__competition")
        .order_by("sitting__stage__position", "application__code", "number", "pk")
    )


def competition_has_tests(*, competition_id: int, state_bodies) -> bool:
    """Whether the competition belongs to one of ``state_bodies`` and has a stage taken as
    an online test."""
    return Sitting.objects.filter(
        stage__competition_id=competition_id,
        stage__competition__state_body__in=state_bodies,
    ).exists()


def test_results_for_candidate(*, user) -> QuerySet[Attempt]:
    """The signed-in candidate's own attempts at real tests, newest first, with the items
    their result page lists (scored attempts of blueprints that show item results). Three
    queries, however many attempts."""
    from django.db.models import Prefetch

    mine = list(competitions.candidate_application_ids(user=user).values())
    shown = AttemptItem.objects.filter(
        attempt__status=Attempt.Status.SCORED, attempt__blueprint__show_item_results=True
    )
    return (
        Attempt.objects.filter(sitting__isnull=False, application_id__in=mine)
        .select_related("application", "blueprint", "sitting__stage__competition")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=shown.select_related("question").order_by("position"),
                to_attr="shown_items",
            )
        )
        .order_by("-started_at", "-pk")
    )


def bank_scope(*, user, field: str = "owner_body") -> Q:
    """The part of the bank an HR officer works on: the national bank (no owner) and the
    topics of the bodies in their scope. Everything for a superuser."""
    if user.is_superuser:
        return Q()
    bodies = state_bodies_in_scope(user=user, role="hr_officer")
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": bodies})
