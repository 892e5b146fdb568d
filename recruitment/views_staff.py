"""Staff pages outside the admin: the commission's declaration and marking pages, and the
observer's read-only ledger. Everything is by anonymous code."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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
        Application, pk=application_id, competition_id=seat.competition_id
    )
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


@login_required
def observer_home(request):
    """Observer: the competitions of my state bodies."""
    _require_role(request, Role.OBSERVER)
    competitions = selectors.competitions_for_staff(user=request.user, role=Role.OBSERVER).exclude(
        status="draft"
    )
    return render(request, "recruitment/staff/observer_home.html", {"competitions": competitions})


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
    ledger = Paginator(selectors.competition_ledger(competition=competition), 50).get_page(
        request.GET.get("page")
    )
    applications = selectors.applications_for_review(competition=competition)
    return render(
        request,
        "recruitment/staff/observer_competition.html",
        {"competition": competition, "ledger": ledger, "applications": applications},
    )
