"""Reads for ethics cases. Every staff-facing read is scoped to the viewer's state bodies.

Reporter-facing reads (``case_for_receipt``, ``reporter_thread``) never touch internal
notes, assignment or the audit ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope, user_has_role
from ethics import receipts
from ethics.deadlines import deadline_rules_for
from ethics.models import (
    OPEN_STATUSES,
    CaseAttachment,
    CaseMessage,
    EthicsBodySettings,
    EthicsCase,
    EvidenceRow,
    Status,
    evidence_person_ids,
    evidence_rows,
)

# --- Reporter --------------------------------------------------------------------------------


def case_for_receipt(*, code: str) -> EthicsCase | None:
    """The one case this receipt code opens, or None. Equal work whether or not one exists."""
    normalised = receipts.receipt_code_normalise(code)
    if normalised is None:
        receipts.receipt_dummy_check()
        return None
    candidates = list(
        EthicsCase.objects.filter(receipt_lookup=receipts.receipt_lookup(normalised)).exclude(
            receipt_hash=""
        )
    )
    if not candidates:
        receipts.receipt_dummy_check()
        return None
    for case in candidates:
        if receipts.receipt_matches(normalised, case.receipt_hash):
            return case
    return None


def reporter_case(*, case_id: int) -> EthicsCase | None:
    return (
        EthicsCase.objects.filter(pk=case_id, source="report").select_related("state_body").first()
    )


def reporter_thread(*, case: EthicsCase) -> list[CaseMessage]:
    return list(
        CaseMessage.objects.filter(case=case).prefetch_related(
            Prefetch("attachments", queryset=CaseAttachment.objects.order_by("pk"))
        )
    )


def reporter_report_attachments(*, case: EthicsCase) -> list[CaseAttachment]:
    return list(CaseAttachment.objects.filter(case=case, message__isnull=True))


def reporter_attachment(*, case: EthicsCase, attachment_id: int) -> CaseAttachment | None:
    return CaseAttachment.objects.filter(case=case, pk=attachment_id).first()


# --- Commissioners ---------------------------------------------------------------------------


def is_ethics_commissioner(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if not user_has_role(user=user, role=Role.ETHICS_COMMISSIONER):
        return False
    # state_bodies_in_scope answers .none() when the person holds the role nowhere; the
    # scope is memoised for the request, so this costs no query of its own.
    return not commissioner_bodies(user=user).query.is_empty()


def commissioner_bodies(*, user: User):
    """The viewer's bodies as a lazy queryset, computed once per request (one query)."""
    bodies = getattr(user, "_ethics_scope", None)
    if bodies is None:
        bodies = state_bodies_in_scope(user=user, role=Role.ETHICS_COMMISSIONER)
        user._ethics_scope = bodies
    return bodies.all()


def cases_visible_to(*, user: User) -> QuerySet[EthicsCase]:
    return EthicsCase.objects.filter(state_body__in=commissioner_bodies(user=user).values("pk"))


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    category: str = ""
    state_body: int | None = None
    queue: str = ""  # "", "overdue", "due_soon", "mine", "unassigned", "open"
    q: str = ""


def cases_for_dashboard(*, user: User, filters: CaseFilters) -> QuerySet[EthicsCase]:
    now = timezone.now()
    qs = cases_visible_to(user=user).select_related("state_body", "assigned_to")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.state_body:
        qs = qs.filter(state_body_id=filters.state_body)
    overdue = Q(status=Status.NEW, acknowledge_due_at__lt=now) | Q(
        status__in=OPEN_STATUSES, answer_due_at__lt=now
    )
    if filters.queue == "overdue":
        qs = qs.filter(overdue)
    elif filters.queue == "due_soon":
        soon = now + dt.timedelta(days=7)
        qs = qs.filter(
            Q(status=Status.NEW, acknowledge_due_at__lte=soon)
            | Q(status__in=OPEN_STATUSES, answer_due_at__lte=soon)
        ).exclude(overdue)
    elif filters.queue == "mine":
        qs = qs.filter(assigned_to=user, status__in=OPEN_STATUSES)
    elif filters.queue == "unassigned":
        qs = qs.filter(assigned_to__isnull=True, status__in=OPEN_STATUSES)
    elif filters.queue == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    q = filters.q.strip()
    if q:
        reference = q.upper().removeprefix("E-").lstrip("0")
        condition = Q(subject__icontains=q) | Q(description__icontains=q)
        if reference.isascii() and reference.isdigit() and len(reference) < 19:
            condition |= Q(pk=int(reference))
        qs = qs.filter(condition)
    return (
        qs.order_by("answer_due_at", "pk") if filters.queue else qs.order_by("-created_at", "-pk")
    )


def dashboard_counts(*, user: User) -> dict[str, int]:
    """Queue sizes in one aggregate query."""
    now = timezone.now()
    soon = now + dt.timedelta(days=7)
    overdue = Q(status=Status.NEW, acknowledge_due_at__lt=now) | Q(
        status__in=OPEN_STATUSES, answer_due_at__lt=now
    )
    due_soon = (
        Q(status=Status.NEW, acknowledge_due_at__lte=soon)
        | Q(status__in=OPEN_STATUSES, answer_due_at__lte=soon)
    ) & ~overdue
    aggregates = {status.value: Count("pk", filter=Q(status=status.value)) for status in Status}
    aggregates["overdue"] = Count("pk", filter=overdue)
    aggregates["due_soon"] = Count("pk", filter=due_soon)
    aggregates["mine"] = Count("pk", filter=Q(assigned_to=user, status__in=OPEN_STATUSES))
    aggregates["unassigned"] = Count(
        "pk", filter=Q(assigned_to__isnull=True, status__in=OPEN_STATUSES)
    )
    aggregates["open"] = Count("pk", filter=Q(status__in=OPEN_STATUSES))
    aggregates["total"] = Count("pk")
    return cases_visible_to(user=user).aggregate(**aggregates)


def case_evidence_rows(*, case: EthicsCase) -> list[EvidenceRow]:
    """The case's evidence as labelled, translated rows. A staff member the evidence names by
    id (who revealed an identity, which desk officer issued the links) is shown by e-mail, the
    only thing a user record holds: one query, and none when nobody is named."""
    ids = evidence_person_ids(case.evidence)
    people = dict(User.objects.filter(pk__in=ids).values_list("pk", "email")) if ids else {}
    return evidence_rows(case.evidence, people=people)


def case_for_commissioner(*, user: User, case_id: int) -> EthicsCase | None:
    """The case if it lies in the viewer's scope, else None (the view answers 404); its
    evidence comes as ``evidence_rows`` (see ``case_evidence_rows``)."""
    case = (
        cases_visible_to(user=user)
        .select_related("state_body", "assigned_to")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=CaseMessage.objects.select_related("commissioner").prefetch_related(
                    "attachments"
                ),
            ),
            "notes__commissioner",
            Prefetch(
                "attachments",
                queryset=CaseAttachment.objects.filter(message__isnull=True),
                to_attr="report_attachments",
            ),
        )
        .filter(pk=case_id)
        .first()
    )
    if case is not None:
        case.evidence_rows = case_evidence_rows(case=case)
    return case


def attachment_for_commissioner(
    *, user: User, case_id: int, attachment_id: int
) -> CaseAttachment | None:
    return (
        CaseAttachment.objects.filter(
            pk=attachment_id, case_id=case_id, case__in=cases_visible_to(user=user).values("pk")
        )
        .select_related("case__state_body")
        .first()
    )


def commissioners_for(state_body: StateBody) -> QuerySet[User]:
    """Commissioners whose scope covers ``state_body`` (held there or in an ancestor)."""
    ids = [int(part) for part in state_body.path.strip("/").split("/") if part] or [state_body.pk]
    return User.objects.filter(
        is_active=True,
        assignments__role=Role.ETHICS_COMMISSIONER.value,
        assignments__state_body_id__in=ids,
    ).distinct()


def case_assignee_choices(*, case: EthicsCase) -> QuerySet[User]:
    return commissioners_for(case.state_body).order_by("email")


def case_deadline_rules(*, case: EthicsCase):
    return deadline_rules_for(case.state_body)


def body_settings_for(*, user: User) -> list[EthicsBodySettings]:
    return list(
        EthicsBodySettings.objects.filter(
            state_body__in=commissioner_bodies(user=user).values("pk")
        ).select_related("state_body")
    )


# --- Charts ----------------------------------------------------------------------------------


def cases_by_month_and_category(*, user: User, months: int = 12) -> list[dict]:
    start = (timezone.localtime() - dt.timedelta(days=31 * (months - 1))).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    return list(
        cases_visible_to(user=user)
        .filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "category")
        .annotate(n=Count("pk"))
        .order_by("month", "category")
    )


def cases_by_month_and_status(*, user: User, months: int = 12) -> list[dict]:
    start = (timezone.localtime() - dt.timedelta(days=31 * (months - 1))).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    return list(
        cases_visible_to(user=user)
        .filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "status")
        .annotate(n=Count("pk"))
        .order_by("month", "status")
    )


# --- Reminders -------------------------------------------------------------------------------


def cases_needing_reminder(*, now: dt.datetime) -> list[tuple[int, str]]:
    """(case id, deadline kind) pairs whose reminder window is open and not yet used.

    The window opens ``reminder_days`` before the deadline (per body; the widest setting
    bounds the query, the exact per-body rule filters in Python). A deadline already passed
    without a reminder still gets its one reminder, saying it is overdue.
    """
    widest = max([*list(EthicsBodySettings.objects.values_list("reminder_days", flat=True)), 2])
    horizon = now + dt.timedelta(days=widest)
    pairs: list[tuple[int, str]] = []
    rules_cache: dict[int, object] = {}
    candidates = (
        EthicsCase.objects.filter(status__in=OPEN_STATUSES)
        .filter(
            Q(
                status=Status.NEW,
                acknowledge_reminder_sent_at__isnull=True,
                acknowledge_due_at__lte=horizon,
            )
            | Q(answer_reminder_sent_at__isnull=True, answer_due_at__lte=horizon)
        )
        .select_related("state_body")
        .order_by("pk")
    )
    for case in candidates.iterator(chunk_size=500):
        rules = rules_cache.get(case.state_body_id)
        if rules is None:
            rules = rules_cache[case.state_body_id] = deadline_rules_for(case.state_body)
        window = dt.timedelta(days=rules.reminder_days)
        if (
            case.status == Status.NEW
            and case.acknowledge_reminder_sent_at is None
            and case.acknowledge_due_at - window <= now
        ):
            pairs.append((case.pk, "acknowledge"))
        if case.answer_reminder_sent_at is None and case.answer_due_at - window <= now:
            pairs.append((case.pk, "answer"))
    return pairs
