"""Staff pages outside the admin: the commission's declaration and marking pages, and the
observer's read-only ledger. Everything is by anonymous code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from eqyzmet.errors import ApplicationError
from eqyzmet.roles import Role
from eqyzmet.selectors import user_has_role
from recruitment import selectors, services
from recruitment.models import Application, CommissionMember
from testing_center.public import essay_for_marking


def _require_role(request, role: Role) -> None:
    if not user_has_role(user=request.user, role=role):
        raise PermissionDenied


def _own_seat(request, seat_id: int) -> CommissionMember:
    _require_role(request, Role.COMMISSION_MEMBER)
    seat = selectors.commission_seats(user=request.user).filter(pk=seat_id).first()
    if seat is None:
        raise Http404
    return seat


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("no", _("I have no conflict of interest with any candidate of this competition")),
            ("yes", _("I have a conflict of interest")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Describe the conflict (if any)"), widget=forms.Textarea, required=False
    )


@login_required
def commission_home(request):
    """Commission member: the competitions where I sit."""
    _require_role(request, Role.COMMISSION_MEMBER)
    seats = selectors.commission_seats(user=request.user)
    return render(request, "recruitment/staff/commission_home.html", {"seats": seats})


@login_required
@require_http_methods(["GET", "POST"])
def commission_declare(request, seat_id: int):
    """Commission member: declare conflicts of interest before seeing any work."""
    seat = _own_seat(request, seat_id)
    if seat.declared_at is not None:
        return redirect("staff:commission_queue", seat_id=seat.pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.commission_declare(
                member=seat,
                has_conflict=form.cleaned_data["has_conflict"],
                statement=form.cleaned_data["statement"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your declaration is recorded."))
            return redirect("staff:commission_queue", seat_id=seat.pk)
    return render(
        request, "recruitment/staff/commission_declare.html", {"seat": seat, "form": form}
    )


@login_required
def commission_queue(request, seat_id: int):
    """Commission member: codes awaiting my mark at the essay or interview stage."""
    seat = _own_seat(request, seat_id)
    if seat.declared_at is None:
        return redirect("staff:commission_declare", seat_id=seat.pk)
    if not seat.may_score:
        return render(request, "recruitment/staff/commission_recused.html", {"seat": seat})
    queue = selectors.marking_queue(member=seat)
    return render(
        request, "recruitment/staff/commission_queue.html", {"seat": seat, "queue": queue}
    )


@login_required
@require_POST
def commission_mark(request, seat_id: int, application_id: int):
    """Commission member: give one code a mark (0..max) with a comment."""
    seat = _own_seat(request, seat_id)
    application = get_object_or_404(
        Application.objects.select_related("current_stage"),
        pk=application_id,
        competition_id=seat.competition_id,
    )
    if application.current_stage is not None and application.current_stage.kind == "essay":
        # One total would bypass the rubric: essays are marked on their own page.
        messages.error(request, _("Essays are marked on the essay page, criterion by criterion."))
        return redirect("staff:commission_queue", seat_id=seat.pk)
    try:
        score = Decimal(request.POST.get("score", "").replace(",", "."))
    except InvalidOperation:
        messages.error(request, _("Enter the score as a number."))
        return redirect("staff:commission_queue", seat_id=seat.pk)
    try:
        services.commission_mark(
            member=seat,
            application=application,
            score=score,
            comment=request.POST.get("comment", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Mark saved for %(code)s.") % {"code": application.code})
    return redirect("staff:commission_queue", seat_id=seat.pk)


def _rubric_total(request, rubric: list[dict], max_score: Decimal) -> tuple[Decimal, dict]:
    """The total of the rubric criteria a member filled in, or of the single score field."""
    if not rubric:
        return Decimal(request.POST.get("score", "").replace(",", ".")), {}
    scores = {}
    for criterion in rubric:
        name = str(criterion.get("criterion", ""))
        value = Decimal(request.POST.get(f"rubric-{name}", "").replace(",", "."))
        if not Decimal(0) <= value <= Decimal(str(criterion.get("max", max_score))):
            raise ApplicationError(
                _("Each criterion's score must be between 0 and its maximum."),
                code="criterion_out_of_range",
            )
        scores[name] = str(value)
    return sum((Decimal(v) for v in scores.values()), Decimal(0)), scores


@login_required
@require_http_methods(["GET", "POST"])
def commission_essay(request, seat_id: int, application_id: int):
    """Commission member: read one code's essay (identifying details removed) and mark it
    by the rubric. The AI's opinion appears only once the member has marked."""
    seat = _own_seat(request, seat_id)
    if not seat.may_score:
        return redirect("staff:commission_queue", seat_id=seat.pk)
    application = get_object_or_404(
        Application.objects.select_related("current_stage"),
        pk=application_id,
        competition_id=seat.competition_id,
        status=Application.Status.ADMITTED,
        current_stage__kind="essay",
    )
    stage = application.current_stage
    essay = essay_for_marking(stage_id=stage.pk, application_id=application.pk)
    rubric = essay.parts[0].rubric if len(essay.parts) == 1 else []
    error = None
    if request.method == "POST":
        try:
            score, scores = _rubric_total(request, rubric, stage.max_score)
            services.commission_mark(
                member=seat,
                application=application,
                score=score,
                rubric=scores,
                comment=request.POST.get("comment", ""),
            )
        except InvalidOperation:
            error = _("Enter every score as a number.")
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Mark saved for %(code)s.") % {"code": application.code})
            return redirect(
                "staff:commission_essay", seat_id=seat.pk, application_id=application.pk
            )
    mark = selectors.own_mark(member=seat, application=application, stage=stage)
    return render(
        request,
        "recruitment/staff/commission_essay.html",
        {
            "seat": seat,
            "application": application,
            "stage": stage,
            "essay": essay,
            "rubric": rubric,
            "mark": mark,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def observer_home(request):
    """Observer: the competitions of my state bodies."""
    _require_role(request, Role.OBSERVER)
    competitions = selectors.competitions_for_staff(user=request.user, role=Role.OBSERVER).exclude(
        status="draft"
    )
    return render(request, "recruitment/staff/observer_home.html", {"competitions": competitions})


CODES_PER_PAGE = 100


@dataclass(frozen=True)
class LedgerPage:
    """A page of the ledger without a total: counting a large competition's events costs as
    much as reading them (a UNION over two million), so a page reads one row more than it
    shows to know whether another follows."""

    SIZE: ClassVar[int] = 50

    number: int
    object_list: list
    has_next: bool

    @classmethod
    def of(cls, events, wanted) -> LedgerPage:
        text = str(wanted or "1")
        number = int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 else 1
        number = max(number, 1)
        start = (number - 1) * cls.SIZE
        rows = list(events[start : start + cls.SIZE + 1])
        if not rows and number > 1:
            return cls.of(events, 1)
        return cls(number=number, object_list=rows[: cls.SIZE], has_next=len(rows) > cls.SIZE)

    def __iter__(self):
        return iter(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


@login_required
def observer_competition(request, competition_id: int):
    """Observer: the anonymised ledger and stage results of one competition."""
    _require_role(request, Role.OBSERVER)
    competition = (
        selectors.competitions_for_staff(user=request.user, role=Role.OBSERVER)
        .exclude(status="draft")
        .filter(pk=competition_id)
        .first()
    )
    if competition is None:
        raise Http404
    ledger = LedgerPage.of(
        selectors.competition_ledger(competition=competition), request.GET.get("page")
    )
    # A page of codes at a time: a competition of 10,000 listed every code (4 s at scale).
    codes = Paginator(
        selectors.applications_for_review(competition=competition), CODES_PER_PAGE
    ).get_page(request.GET.get("codes"))
    lines = selectors.competition_ledger_lines(competition=competition, events=ledger)
    return render(
        request,
        "recruitment/staff/observer_competition.html",
        {
            "competition": competition,
            "ledger": ledger,
            "lines": lines,
            "codes": codes,
        },
    )
