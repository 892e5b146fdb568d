"""Candidate and practice pages. Views hold no rules: they call services and selectors and
show ``ApplicationError`` messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eqyzmet.errors import ApplicationError
from testing_center import delivery, selectors
from testing_center.models import Attempt, Blueprint


def _language() -> str:
    return (get_language() or "kk")[:2]


@login_required
@require_GET
def index(request):
    rows = selectors.sittings_for_candidate(user=request.user)
    return render(
        request,
        "testing_center/index.html",
        {"rows": rows, "practice": selectors.practice_blueprints()},
    )


@login_required
@require_GET
def sitting_detail(request, pk: int):
    row = selectors.sitting_for_candidate(user=request.user, sitting_id=pk)
    return render(request, "testing_center/sitting.html", {"row": row, "now": timezone.now()})


@login_required
@require_POST
def sitting_start(request, pk: int):
    row = selectors.sitting_for_candidate(user=request.user, sitting_id=pk)
    try:
        attempt = delivery.attempt_start(
            user=request.user, sitting=row.sitting, language=_language()
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("testing_center:sitting", pk=pk)
    return redirect("testing_center:attempt", pk=attempt.pk)


@require_GET
def practice_index(request):
    return render(
        request, "testing_center/practice.html", {"blueprints": selectors.practice_blueprints()}
    )


@require_POST
def practice_start(request, code: str):
    blueprint = get_object_or_404(Blueprint, code=code, is_practice=True)
    token = selectors.practice_token(request, create=True)
    try:
        attempt = delivery.practice_attempt_start(
            blueprint=blueprint,
            token=token,
            language=_language(),
            tag=selectors.practice_tag(request),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("testing_center:practice")
    return redirect("testing_center:attempt", pk=attempt.pk)


def _clock(attempt) -> dict:
    now = timezone.now()
    return {
        "remaining_ms": max(0, int((attempt.deadline - now).total_seconds() * 1000)),
        "server_now_ms": int(now.timestamp() * 1000),
    }


@never_cache
@require_GET
def attempt_page(request, pk: int):
    attempt = selectors.attempt_for_request(request, pk)
    delivery.attempt_expire_if_due(attempt=attempt)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("testing_center:result", pk=attempt.pk)
    items = selectors.paper(attempt=attempt)
    return render(
        request,
        "testing_center/attempt.html",
        {
            "attempt": attempt,
            "items": items,
            "one_per_page": attempt.blueprint.layout == Blueprint.Layout.ONE_PER_PAGE,
            "answered": sum(1 for i in items if i.answered),
            **_clock(attempt),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def attempt_review(request, pk: int):
    """The review screen before handing in: how many are answered, links to the unanswered
    and flagged ones, and the hand-in button. The paper's form posts here first (its
    answers are saved as a hand-in saves them), then the screen is shown by a GET."""
    attempt = selectors.attempt_for_request(request, pk)
    delivery.attempt_expire_if_due(attempt=attempt)
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect("testing_center:result", pk=attempt.pk)
    if request.method == "POST":
        try:
            delivery.attempt_save_many(
                attempt=attempt, answers=_answers_from_form(request, attempt)
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("testing_center:review", pk=attempt.pk)
    return render(
        request,
        "testing_center/review.html",
        {
            "attempt": attempt,
            "review": delivery.paper_review(attempt=attempt),
            **_clock(attempt),
        },
    )


def _refusal(exc: ApplicationError) -> JsonResponse:
    status = 409 if exc.code == "time_up" else 400
    return JsonResponse({"ok": False, "code": exc.code, "error": str(exc.message)}, status=status)


@never_cache
@require_POST
def attempt_save(request, pk: int):
    """Autosave of one answer. JSON in the form body: position, answer (JSON), changed_at.

    The owner's ordinary save takes one statement (``delivery.fast_save``); anything else
    — a refusal, a late or older change, someone else's paper — takes the full path."""
    facts = selectors.paper_facts_for_request(request, pk)
    if facts is not None:
        try:
            result = delivery.attempt_autosave_fast(
                facts=facts,
                position=delivery.position_from_post(request.POST.get("position")),
                answer=delivery.answer_from_post(request.POST.get("answer")),
                changed_at_ms=int(request.POST.get("changed_at", "")),
            )
        except (ValueError, ApplicationError):
            result = None
        if result is not None:
            return _saved(result)
    attempt = selectors.attempt_for_request(request, pk)
    try:
        delivery.attempt_expire_if_due(attempt=attempt)
        position = delivery.position_from_post(request.POST.get("position"))
        changed_at = int(request.POST.get("changed_at", ""))
        answer = delivery.answer_from_post(request.POST.get("answer"))
        result = delivery.attempt_autosave(
            attempt=attempt, position=position, answer=answer, changed_at_ms=changed_at
        )
    except ValueError:
        return JsonResponse(
            {"ok": False, "code": "bad_request", "error": _("The answer could not be read.")},
            status=400,
        )
    except ApplicationError as exc:
        return _refusal(exc)
    return _saved(result)


def attempt_save_lean(request, pk: int) -> dict | None:
    """Autosave through the fast lane (``eqyzmet.fastlane``, ``settings.FAST_LANES``): the
    owner's ordinary save, answered as ``attempt_save`` answers it (the lane adds the
    never-cache headers); else None and the full stack's ``attempt_save`` answers."""
    from eqyzmet.fastlane import optimistic_connection

    facts = selectors.paper_facts_owned(
        pk,
        user_id=request.user_id,
        practice_token=request.session.get(selectors.PRACTICE_SESSION_KEY, ""),
    )
    if facts is None:
        return None
    try:
        position = delivery.position_from_post(request.POST.get("position"))
        answer = delivery.answer_from_post(request.POST.get("answer"))
        changed_at_ms = int(request.POST.get("changed_at", ""))
    except (ValueError, ApplicationError):
        return None
    with optimistic_connection():
        result = delivery.attempt_autosave_fast(
            facts=facts, position=position, answer=answer, changed_at_ms=changed_at_ms
        )
    return None if result is None else _saved_payload(result)


def _save_cache_keys(*, user_id, pk):
    return selectors.paper_facts_cache_keys(pk, user_id=user_id)


attempt_save_lean.cache_keys = _save_cache_keys


def _saved(result) -> JsonResponse:
    return JsonResponse(_saved_payload(result))


def _saved_payload(result) -> dict:
    return {
        "ok": True,
        "saved": result.saved,
        "version": result.version,
        "changed_at": result.changed_at_ms,
        "answer": result.answer,
    }


@never_cache
@require_POST
def attempt_events(request, pk: int):
    """Integrity events from the page: JSON list in the form field ``events``."""
    attempt = selectors.attempt_for_request(request, pk)
    try:
        events = delivery.json_from_post(request.POST.get("events", "[]"))
        recorded = delivery.integrity_events_record(attempt=attempt, events=events)
    except (ValueError, RecursionError):
        return JsonResponse(
            {
                "ok": False,
                "code": "bad_events",
                "error": _("The integrity events could not be read."),
            },
            status=400,
        )
    except ApplicationError as exc:
        return _refusal(exc)
    return JsonResponse({"ok": True, "stored": recorded.stored, "counted": recorded.counted})


@never_cache
@require_POST
def attempt_flag(request, pk: int):
    """Flag (or unflag) one item for review. Form fields: position, flagged ("1"/"0")."""
    attempt = selectors.attempt_for_request(request, pk)
    try:
        delivery.attempt_expire_if_due(attempt=attempt)
        flagged = delivery.attempt_item_flag(
            attempt=attempt,
            position=delivery.position_from_post(request.POST.get("position")),
            flagged=delivery.flag_from_post(request.POST.get("flagged")),
        )
    except ApplicationError as exc:
        return _refusal(exc)
    return JsonResponse({"ok": True, "flagged": flagged})


def _answers_from_form(request, attempt) -> dict[int, object]:
    answers: dict[int, object] = {}
    for key in request.POST:
        if not key.startswith("item-"):
            continue
        try:
            position = delivery.position_from_post(key.removeprefix("item-"))
        except ApplicationError:
            continue
        values = request.POST.getlist(key)
        answers[position] = values if request.POST.get(f"multi-{position}") else values[0]
    return answers


@require_POST
def attempt_submit(request, pk: int):
    attempt = selectors.attempt_for_request(request, pk)
    delivery.attempt_expire_if_due(attempt=attempt)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        try:
            delivery.attempt_save_many(
                attempt=attempt, answers=_answers_from_form(request, attempt)
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        by = (
            Attempt.SubmittedBy.TIMER
            if request.POST.get("reason") == "timer"
            else Attempt.SubmittedBy.CANDIDATE
        )
        if by == Attempt.SubmittedBy.TIMER and timezone.now() < attempt.deadline:
            # A page clock running fast does not end the test early.
            by = Attempt.SubmittedBy.CANDIDATE
        delivery.attempt_submit(attempt=attempt, by=by)
    return redirect("testing_center:result", pk=attempt.pk)


@never_cache
@require_GET
def attempt_result(request, pk: int):
    attempt = selectors.attempt_for_request(request, pk)
    delivery.attempt_expire_if_due(attempt=attempt)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return redirect("testing_center:attempt", pk=attempt.pk)
    scored = attempt.status == Attempt.Status.SCORED
    show_items = scored and attempt.blueprint.show_item_results
    items = selectors.paper(attempt=attempt, with_keys=attempt.is_practice) if show_items else []
    return render(
        request,
        "testing_center/result.html",
        {
            "attempt": attempt,
            "scored": scored,
            "items": items,
            "sections": selectors.sections_of(attempt.blueprint),
            "section_rows": [
                {**row, "name": row.get(f"name_{_language()}") or row.get("name_ru")}
                for row in attempt.sections
            ],
        },
    )
