"""Pages: the public report and follow-up pages, and the commissioners' dashboard.

Views hold no rules: they check who is asking, call a selector or a service and show its
``ApplicationError`` as a message. Nothing here logs a request's address, user agent or a
receipt code, and the code only ever travels in a POST body, never in a URL.
"""

from __future__ import annotations

import csv
import functools
import json

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eqyzmet.errors import ApplicationError
from eqyzmet.vault import encrypt_text, vault
from ethics import public, receipts, selectors, services
from ethics.charts import stacked_bars
from ethics.forms import (
    AssignForm,
    FilterForm,
    FollowForm,
    MessageForm,
    NoteForm,
    ReportForm,
    TransitionForm,
)
from ethics.models import Category, EthicsCase, Status
from ethics.throttling import throttle_consume, throttle_release

RECEIPT_COOKIE = "eqyzmet_ethics_case"
RECEIPT_COOKIE_SALT = "ethics.receipt-access"
RECEIPT_COOKIE_AGE = 30 * 60
WRONG_CODE = _("This receipt code does not open a case. Check the digits and try again.")
TOO_MANY = _("Too many attempts from your connection. Please try again in an hour.")
TOO_MANY_REPORTS = _("Too many reports from your connection. Please try again later.")
PAGE_SIZE = 50


def _no_store(response):
    response["Cache-Control"] = "no-store, private"
    return response


def _download(attachment, filename: str) -> FileResponse:
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return _no_store(response)


# --- Reporter: file a report -------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def report_new(request):
    account_email = request.user.email if request.user.is_authenticated else None
    if request.method == "GET":
        form = ReportForm(account_email=account_email)
        return render(request, "ethics/report_new.html", {"form": form})

    form = ReportForm(request.POST, request.FILES, account_email=account_email)
    # Only reports that would be accepted count, and counting is the check: a flood of
    # rejected forms spends nobody's allowance, parallel posts cannot overshoot it.
    if form.is_valid():
        if not throttle_consume(request, "report"):
            form.add_error(None, TOO_MANY_REPORTS)
            return render(request, "ethics/report_new.html", {"form": form}, status=429)
        name, contact = form.identity()
        try:
            submitted = services.report_submit(
                category=form.cleaned_data["category"],
                state_body=form.cleaned_data["state_body"],
                subject=form.cleaned_data["subject"],
                description=form.cleaned_data["description"],
                attachments=form.cleaned_data["attachments"],
                reporter_name=name,
                reporter_contact=contact,
            )
        except ApplicationError as error:
            throttle_release(request, "report")
            form.add_error(None, error.message)
        else:
            # Post/redirect/get: a reload of the receipt page must not file the report again.
            # The code travels to that page once, encrypted, in a short-lived cookie scoped to
            # it, so it is stored nowhere on our side; the page deletes the cookie.
            response = redirect("ethics:report_receipt")
            response.set_cookie(
                NEW_RECEIPT_COOKIE,
                encrypt_text(
                    json.dumps(
                        {"code": submitted.receipt_code, "reference": submitted.case.reference}
                    )
                ),
                max_age=NEW_RECEIPT_SECONDS,
                path=reverse("ethics:report_receipt"),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Strict",
            )
            return _no_store(response)
    return render(request, "ethics/report_new.html", {"form": form}, status=400)


NEW_RECEIPT_COOKIE = "ethics_receipt"
NEW_RECEIPT_SECONDS = 600


@never_cache
@require_GET
def report_receipt(request):
    """The receipt code, shown once: a reload finds the cookie gone and says so."""
    payload = None
    if token := request.COOKIES.get(NEW_RECEIPT_COOKIE):
        try:
            payload = json.loads(vault().decrypt(token.encode(), ttl=NEW_RECEIPT_SECONDS))
        except (InvalidToken, ValueError):
            payload = None
    if payload is None:
        response = render(request, "ethics/receipt_shown.html")
    else:
        response = render(
            request,
            "ethics/receipt.html",
            {
                "receipt_code": receipts.receipt_code_display(payload["code"]),
                "reference": payload["reference"],
            },
        )
    response.delete_cookie(NEW_RECEIPT_COOKIE, path=reverse("ethics:report_receipt"))
    return _no_store(response)


# --- Reporter: follow a report with the receipt code ---------------------------------------


def _reporter_case(request):
    try:
        case_id = request.get_signed_cookie(
            RECEIPT_COOKIE, salt=RECEIPT_COOKIE_SALT, max_age=RECEIPT_COOKIE_AGE
        )
    except (KeyError, signing.BadSignature):
        return None
    if not case_id.isdigit():
        return None
    return selectors.reporter_case(case_id=int(case_id))


def reporter_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        case = _reporter_case(request)
        if case is None:
            return redirect("ethics:follow")
        return view(request, case, *args, **kwargs)

    return wrapper


class ReceiptAttemptsExhausted(Exception):
    """This client has used up its wrong receipt codes for the hour."""


def case_for_receipt_attempt(request, code: str) -> EthicsCase | None:
    """The case a receipt code opens, or None, counting a wrong code against this client.

    Each attempt is counted as a failure before the slow check and given back when the
    code is right, so parallel guesses cannot overshoot the limit and a reporter who
    opens the case again and again is never counted. Only this client's failures count:
    strangers' wrong codes never lock a reporter out of their case.
    """
    if not throttle_consume(request, "receipt_failure"):
        raise ReceiptAttemptsExhausted
    case = selectors.case_for_receipt(code=code)
    if case is not None:
        throttle_release(request, "receipt_failure")
    return case


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request):
    if request.method == "GET":
        return render(request, "ethics/follow.html", {"form": FollowForm()})
    # Whatever went wrong, the visitor sees an empty form and one fixed sentence.
    try:
        case = case_for_receipt_attempt(request, request.POST.get("code", ""))
    except ReceiptAttemptsExhausted:
        context = {"form": FollowForm(), "refusal": TOO_MANY}
        return render(request, "ethics/follow.html", context, status=429)
    if case is None:
        context = {"form": FollowForm(), "refusal": WRONG_CODE}
        return render(request, "ethics/follow.html", context)
    response = redirect("ethics:follow_case")
    response.set_signed_cookie(
        RECEIPT_COOKIE,
        str(case.pk),
        salt=RECEIPT_COOKIE_SALT,
        max_age=RECEIPT_COOKIE_AGE,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure(),
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@reporter_required
def follow_case(request, case):
    form = MessageForm()
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid() and not throttle_consume(request, "message"):
            form.add_error(None, TOO_MANY)
        elif not form.errors:
            try:
                services.reporter_message_add(
                    case=case,
                    body=form.cleaned_data["body"],
                    attachments=form.cleaned_data["attachments"],
                )
            except ApplicationError as error:
                throttle_release(request, "message")
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your message was sent to the ethics commissioner."))
                return redirect("ethics:follow_case")
    context = {
        "case": case,
        "thread": selectors.reporter_thread(case=case),
        "report_attachments": selectors.reporter_report_attachments(case=case),
        "form": form,
    }
    return render(request, "ethics/follow_case.html", context, status=400 if form.errors else 200)


@never_cache
@require_GET
@reporter_required
def follow_attachment(request, case, attachment_id: int):
    attachment = selectors.reporter_attachment(case=case, attachment_id=attachment_id)
    if attachment is None:
        raise Http404
    return _download(attachment, attachment.original_name)


@require_POST
def follow_leave(request):
    response = redirect("ethics:follow")
    response.delete_cookie(RECEIPT_COOKIE, samesite="Strict")
    return response


# --- Commissioners' dashboard -----------------------------------------------------------------


def commissioner_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.is_ethics_commissioner(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _filters(request):
    form = FilterForm(request.GET or None, bodies=selectors.commissioner_bodies(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.CaseFilters(
            status=data["status"],
            category=data["category"],
            state_body=data["state_body"].pk if data["state_body"] else None,
            queue=data["queue"],
            q=data["q"],
        )
    else:
        filters = selectors.CaseFilters()
    return form, filters


@never_cache
@require_GET
@commissioner_required
def dashboard(request):
    form, filters = _filters(request)
    cases = selectors.cases_for_dashboard(user=request.user, filters=filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "counts": selectors.dashboard_counts(user=request.user),
        "statuses": Status,
        "query": query.urlencode(),
        "now": timezone.now(),
    }
    return render(request, "ethics/dashboard.html", context)


def _case_or_404(request, case_id: int):
    case = selectors.case_for_commissioner(user=request.user, case_id=case_id)
    if case is None:
        raise Http404
    return case


def _case_page(request, case, **forms):
    context = {
        "case": case,
        "reply_form": forms.get("reply_form") or MessageForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            initial={"assignee": case.assigned_to_id},
            assignees=selectors.case_assignee_choices(case=case),
        ),
        "transition_form": forms.get("transition_form") or TransitionForm(current=case.status),
        "rules": selectors.case_deadline_rules(case=case),
    }
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "ethics/case_detail.html", context, status=status)


@never_cache
@require_GET
@commissioner_required
def case_detail(request, case_id: int):
    return _case_page(request, _case_or_404(request, case_id))


def _case_action(form_name):
    """POST handler shape shared by every step on the case page."""

    def decorator(step):
        @never_cache
        @require_POST
        @commissioner_required
        @functools.wraps(step)
        def wrapper(request, case_id: int):
            case = _case_or_404(request, case_id)
            form = step.form(request, case)
            if form.is_valid():
                try:
                    step(request, case, form.cleaned_data)
                except ApplicationError as error:
                    form.add_error(None, error.message)
                else:
                    return redirect("ethics:case_detail", case_id=case.pk)
            return _case_page(request, case, **{form_name: form})

        return wrapper

    return decorator


def _with_form(factory):
    def attach(step):
        step.form = factory
        return step

    return attach


@_case_action("transition_form")
@_with_form(lambda request, case: TransitionForm(request.POST, current=case.status))
def case_transition(request, case, data):
    services.case_transition(
        case=case,
        actor=request.user,
        to_status=data["to_status"],
        reasoning=data["reasoning"],
        referred_to=data["referred_to"],
    )
    messages.success(request, _("The case status was updated."))


@_case_action("assign_form")
@_with_form(
    lambda request, case: AssignForm(
        request.POST, assignees=selectors.case_assignee_choices(case=case)
    )
)
def case_assign(request, case, data):
    services.case_assign(case=case, actor=request.user, assignee=data["assignee"])
    messages.success(request, _("The assignment was saved."))


@_case_action("reply_form")
@_with_form(lambda request, case: MessageForm(request.POST, request.FILES))
def case_reply(request, case, data):
    services.case_reply(
        case=case, actor=request.user, body=data["body"], attachments=data["attachments"]
    )
    messages.success(request, _("Your reply is visible to the reporter."))


@_case_action("note_form")
@_with_form(lambda request, case: NoteForm(request.POST))
def case_note(request, case, data):
    services.case_note_add(case=case, actor=request.user, body=data["body"])
    messages.success(request, _("The internal note was added."))


@never_cache
@require_GET
@commissioner_required
def case_attachment(request, case_id: int, attachment_id: int):
    attachment = selectors.attachment_for_commissioner(
        user=request.user, case_id=case_id, attachment_id=attachment_id
    )
    if attachment is None:
        raise Http404
    services.attachment_download_record(attachment=attachment, actor=request.user)
    return _download(attachment, f"{attachment.case.reference}-{attachment.original_name}")


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value) -> str:
    """Neutralise spreadsheet formulas (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@never_cache
@require_GET
@commissioner_required
def export_csv(request):
    if not request.user.has_perm("ethics.export_ethicscase"):
        raise PermissionDenied
    _form, filters = _filters(request)
    cases = selectors.cases_for_dashboard(user=request.user, filters=filters)
    writer = csv.writer(_Echo())
    header = [
        gettext("Reference"),
        gettext("Received"),
        gettext("Source"),
        gettext("Category"),
        gettext("State body"),
        gettext("Status"),
        gettext("Subject"),
        gettext("Assigned commissioner"),
        gettext("Acknowledgement due"),
        gettext("Acknowledged"),
        gettext("Answer due"),
        gettext("Closed"),
        gettext("Overdue"),
    ]

    def rows():
        yield writer.writerow(header)
        for case in cases.iterator(chunk_size=500):
            yield writer.writerow(
                [
                    _csv_cell(value)
                    for value in (
                        case.reference,
                        _local(case.created_at),
                        case.get_source_display(),
                        case.get_category_display(),
                        case.state_body.code,
                        case.get_status_display(),
                        case.subject,
                        case.assigned_to.email if case.assigned_to else "",
                        _local(case.acknowledge_due_at),
                        _local(case.acknowledged_at),
                        _local(case.answer_due_at),
                        _local(case.closed_at),
                        gettext("yes") if case.overdue else "",
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ethics-cases-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return _no_store(response)


@never_cache
@require_GET
@commissioner_required
def charts(request):
    category_chart = stacked_bars(
        rows=selectors.cases_by_month_and_category(user=request.user),
        key="category",
        labels={c.value: str(c.label) for c in Category},
        title=gettext("Cases received per month, by category"),
    )
    status_chart = stacked_bars(
        rows=selectors.cases_by_month_and_status(user=request.user),
        key="status",
        labels={s.value: str(s.label) for s in Status},
        title=gettext("Cases received per month, by current status"),
    )
    return render(
        request,
        "ethics/charts.html",
        {"category_chart": category_chart, "status_chart": status_chart},
    )


def report_start(request):
    """A short, stable address for links: /<lang>/ethics/ → the report form."""
    return redirect(reverse("ethics:report_new"))


@never_cache
@require_GET
@commissioner_required
def declarations(request):
    """Ethics commissioner: commission members' conflict-of-interest declarations in the
    competitions of my bodies, searchable by competition number or member."""
    query = request.GET.get("q", "").strip()[:100]
    rows = public.conflict_declarations(
        state_bodies=selectors.commissioner_bodies(user=request.user), query=query
    )
    return render(request, "ethics/declarations.html", {"rows": rows, "q": query})
