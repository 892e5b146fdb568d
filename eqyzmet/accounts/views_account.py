"""The signed-in person's account: e-mail address, password, their data, consent, deletion;
and the public privacy notice."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from eqyzmet.accounts import consent as consents
from eqyzmet.accounts import services
from eqyzmet.accounts.deletion import (
    CONFIRMATION_WORD,
    account_delete,
    deletion_blockers,
    retention_periods,
)
from eqyzmet.accounts.export import personal_data_json
from eqyzmet.accounts.forms import AccountDeleteForm, ConsentForm, EmailChangeForm
from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError


def email_goes_to_terminal() -> bool:
    """The demo (``make run``) prints e-mails in its terminal; say so, there only."""
    return settings.DEBUG and "console" in settings.EMAIL_BACKEND


@never_cache
@login_required
@require_GET
def account(request):
    """Signed-in person: their account, consent and the ways to change or delete it."""
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "email_confirmed": email_is_confirmed(user=user),
            "consent": consents.latest_consent(user=user),
            "current_version": consents.current_version(),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    """Signed-in person: ask to change the e-mail address; a link goes to the new one."""
    form = EmailChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["new_email"]
        try:
            services.email_change_request(
                user=request.user,
                new_email=new_email,
                confirm_url_for=lambda token: request.build_absolute_uri(
                    reverse("accounts:email_change_confirm", kwargs={"token": token})
                ),
                sign_in_url=request.build_absolute_uri(reverse("login")),
                reset_url=request.build_absolute_uri(reverse("accounts:password_reset")),
            )
        except ApplicationError as exc:
            form.add_error("new_email", exc.message)
        else:
            # The same answer whether or not the address has an account of its own.
            text = _(
                "We have sent a link to %(email)s. Your address changes when you follow it."
            ) % {"email": services.email_normalise(new_email)}
            messages.success(request, text)
            if email_goes_to_terminal():
                messages.info(request, _("In this demo the e-mail is written to the terminal."))
            return redirect("accounts:account")
    return render(request, "accounts/email_change.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def email_change_confirm(request, token: str):
    """Anyone with the link sent to the new address: a button confirms the change (mail
    scanners that open links must not confirm it)."""
    if request.method == "POST":
        try:
            user = services.email_change_confirm(token=token)
        except ApplicationError as exc:
            return render(
                request, "accounts/email_change_confirm.html", {"error": exc.message}, status=400
            )
        messages.success(
            request, _("Your e-mail address is now %(email)s.") % {"email": user.email}
        )
        if request.user.is_authenticated:
            return redirect("accounts:account")
        return redirect("login")
    return render(request, "accounts/email_change_confirm.html", {"token": token})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Signed-in person: change the password with the current one. Every other session of
    the account is signed out (its stored hash no longer matches); this one stays."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed_record(user=user)
        messages.success(
            request,
            _("Your password is changed. You have been signed out everywhere else."),
        )
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@login_required
@require_GET
def data_export(request):
    """Signed-in person: everything the portal holds about them, as a JSON file."""
    body = personal_data_json(user=request.user)
    audit_record(
        action="account.data_exported", actor=request.user, target=request.user, details={}
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="eqyzmet-my-data-{stamp}.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request):
    """Signed-in person: what deleting the account removes and keeps; then delete it."""
    blockers = deletion_blockers(user=request.user)
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(
                user=request.user,
                password=form.cleaned_data["password"],
                confirmation=form.cleaned_data["confirmation"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            logout(request)
            messages.success(
                request,
                _("Your account is deleted. What the law requires us to keep is kept as stated."),
            )
            return redirect("home")
    return render(
        request,
        "accounts/delete.html",
        {
            "form": form,
            "blockers": blockers,
            "retention": retention_periods(),
            "word": CONFIRMATION_WORD,
        },
        status=400 if request.method == "POST" else 200,
    )


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("accounts:account")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request):
    """Signed-in person: agree to the current privacy notice."""
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        given = consents.consent_record(user=request.user, ip_hash=consents.address_hash(request))
        consents.remember_in_session(request, given.version)
        messages.success(request, _("Thank you: your consent is recorded."))
        return redirect(_safe_next(request))
    return render(
        request,
        "accounts/consent.html",
        {
            "form": form,
            "next": _safe_next(request),
            "current_version": consents.current_version(),
            "consent": consents.latest_consent(user=request.user),
        },
    )


def privacy(request):
    """Anyone: the privacy notice, with its version and the retention periods."""
    return render(
        request,
        "accounts/privacy.html",
        {"version": consents.current_version(), "retention": retention_periods()},
    )
