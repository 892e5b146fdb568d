"""The contract pages: the contract employee's page (their contracts, indicators, results and
the quarterly report form) and the responsible official's page (their projects, contracts and
the reports waiting for confirmation). The rules live in ``results``; these pages show forms
and messages. Only the employee sees their contract and only the project's official confirms.
"""

from __future__ import annotations

import os

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eqyzmet.errors import ApplicationError
from recruitment.contracts import results, selectors
from recruitment.contracts import selection as selection_services
from recruitment.models import Application
from recruitment.models_contracts import Contract


def report_form_class(contract: Contract) -> type[forms.Form]:
    """A form with the year, the quarter and one "actual" field per indicator."""
    today = timezone.localdate()
    fields = {
        "year": forms.IntegerField(
            label=_("Year"), min_value=2000, max_value=2100, initial=today.year
        ),
        "quarter": forms.TypedChoiceField(
            label=_("Quarter"),
            coerce=int,
            choices=[(n, _("Quarter %(n)s") % {"n": n}) for n in (1, 2, 3, 4)],
            initial=(today.month - 1) // 3 + 1,
        ),
    }
    for indicator in contract.indicators.all():
        fields[f"actual_{indicator.pk}"] = forms.DecimalField(
            label=_("%(name)s: actual (target %(target)s)")
            % {"name": indicator.name, "target": indicator.target},
            min_value=0,
            decimal_places=2,
        )
    fields["comment"] = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    return type("ReportForm", (forms.Form,), fields)


@never_cache
@login_required
@require_GET
def my_contract(request):
    """The contract employee: their contracts, indicators, quarterly results, report form."""
    contracts = selectors.contracts_of_employee(user=request.user)
    if not contracts:
        raise PermissionDenied
    rows = [
        {
            "contract": contract,
            "form": report_form_class(contract)(prefix=f"c{contract.pk}"),
        }
        for contract in contracts
    ]
    return render(request, "recruitment/contracts/my_contract.html", {"rows": rows})


@never_cache
@login_required
@require_http_methods(["POST"])
def report_submit(request, contract_id: int):
    contract = selectors.contract_of_employee(user=request.user, contract_id=contract_id)
    if contract is None:
        raise Http404
    form = report_form_class(contract)(request.POST, prefix=f"c{contract.pk}")
    if form.is_valid():
        data = form.cleaned_data
        actuals = {
            indicator.pk: data[f"actual_{indicator.pk}"] for indicator in contract.indicators.all()
        }
        try:
            results.report_submit(
                contract=contract,
                year=data["year"],
                quarter=data["quarter"],
                actuals=actuals,
                comment=data["comment"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Your results are sent to the responsible official for confirmation.")
            )
            return redirect("recruitment:my_contract")
    rows = [
        {"contract": other, "form": form if other.pk == contract.pk else None}
        for other in selectors.contracts_of_employee(user=request.user)
    ]
    return render(request, "recruitment/contracts/my_contract.html", {"rows": rows}, status=400)


class RecommendForm(forms.Form):
    code = forms.ChoiceField(label=_("Anonymous code"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason for the recommendation"),
        min_length=15,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It goes into the contract and the record; write it about the results."),
    )

    def __init__(self, *args, codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(code, code) for code in codes]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"),
        min_length=15,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _official_page(request, *, bound=None, status=200):
    """The official's page; ``bound`` is (competition id, vacancy id, form) to show again."""
    projects = selectors.projects_of_official(user=request.user)
    if not projects:
        raise PermissionDenied
    selections = selectors.selections_of_official(user=request.user)
    for selection in selections:
        for post in selection.posts:
            if selection.locked and post.live is None and post.rows:
                key = (selection.competition.pk, post.vacancy.pk)
                if bound is not None and bound[:2] == key:
                    post.form = bound[2]
                else:
                    post.form = RecommendForm(codes=post.codes, prefix=f"s{key[0]}-{key[1]}")
    return render(
        request,
        "recruitment/contracts/official.html",
        {"projects": projects, "selections": selections, "withdraw_form": WithdrawForm()},
        status=status,
    )


@never_cache
@login_required
@require_GET
def official(request):
    """The responsible official: their projects, the contracts and results to confirm, and
    the anonymised shortlists of their contract post selections."""
    return _official_page(request)


@never_cache
@login_required
@require_POST
def recommend(request, competition_id: int, vacancy_id: int):
    """The responsible official recommends one code of a post's shortlist, with a reason."""
    selection = next(
        iter(selectors.selections_of_official(user=request.user, competition_id=competition_id)),
        None,
    )
    post = selection and next((p for p in selection.posts if p.vacancy.pk == vacancy_id), None)
    if post is None:
        raise Http404
    form = RecommendForm(request.POST, codes=post.codes, prefix=f"s{competition_id}-{vacancy_id}")
    if form.is_valid():
        application = Application.objects.filter(
            competition_id=competition_id, vacancy_id=vacancy_id, code=form.cleaned_data["code"]
        ).first()
        try:
            if application is None:
                raise ApplicationError(
                    _("Recommend one of the codes on the shortlist."), code="not_on_shortlist"
                )
            selection_services.recommendation_make(
                competition=selection.competition,
                application=application,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Your recommendation of %(code)s is recorded; HR concludes the contract on it.")
                % {"code": application.code},
            )
            return redirect(
                f"{reverse('recruitment:contracts_official')}#selection-{competition_id}"
            )
    return _official_page(request, bound=(competition_id, vacancy_id, form), status=400)


@never_cache
@login_required
@require_POST
def recommendation_withdraw(request, recommendation_id: int):
    recommendation = selectors.recommendation_of_official(
        user=request.user, recommendation_id=recommendation_id
    )
    if recommendation is None:
        raise Http404
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Write the reason for withdrawing the recommendation (at least 15 characters)."),
        )
    else:
        try:
            selection_services.recommendation_withdraw(
                recommendation=recommendation,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The recommendation is withdrawn; you may recommend another code.")
            )
    anchor = f"#selection-{recommendation.competition_id}"
    return redirect(f"{reverse('recruitment:contracts_official')}{anchor}")


@never_cache
@login_required
@require_POST
def report_confirm(request, report_id: int):
    report = selectors.report_for_official(user=request.user, report_id=report_id)
    if report is None:
        raise Http404
    try:
        confirmed = results.report_confirm(report=report, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Confirmed: score %(score)s, results component %(pay)s.")
            % {"score": confirmed.score, "pay": confirmed.results_pay},
        )
    return redirect("recruitment:contracts_official")


@never_cache
@login_required
@require_GET
def document_download(request, document_id: int):
    """A contract's document, as an attachment that no browser runs or sniffs: for the
    contract employee, the project's responsible official and HR of the body only."""
    document = selectors.contract_document_for_download(user=request.user, pk=document_id)
    if document is None:
        raise Http404
    extension = os.path.splitext(document.file.name)[1]
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=f"{document.kind}-{document.contract_id}-{document.pk}{extension}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
