"""Public account pages: register, confirm the e-mail address, ask for a new link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from eqyzmet.accounts import services
from eqyzmet.accounts.consent import address_hash
from eqyzmet.accounts.forms import RegistrationForm
from eqyzmet.accounts.selectors import email_is_confirmed
from eqyzmet.accounts.views_account import email_goes_to_terminal
from eqyzmet.errors import ApplicationError


def _send_confirmation(request, user) -> None:
    url = request.build_absolute_uri(
        reverse("accounts:confirm", kwargs={"token": services.confirmation_token(user)})
    )
    services.confirmation_send(user=user, confirm_url=url)


@require_http_methods(["GET", "POST"])
def register(request):
    """Anyone: open a candidate account with an e-mail address and a password.

    The answer is the same whether or not the address already has an account, and nobody is
    signed in by it (a new session would tell the two apart): the person confirms the address
    from the e-mail and signs in with the password."""
    if request.user.is_authenticated:
        return redirect("recruitment:profile")
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user, created = services.account_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=(get_language() or "kk")[:2],
            consent_ip_hash=address_hash(request),
        )
        if created:
            _send_confirmation(request, user)
        else:
            services.registration_attempt_notify(
                user=user,
                sign_in_url=request.build_absolute_uri(reverse("login")),
                reset_url=request.build_absolute_uri(reverse("accounts:password_reset")),
            )
        return redirect("accounts:register_done")
    return render(request, "registration/register.html", {"form": form})


def register_done(request):
    """Anyone: "check your inbox" (and, in the demo, "or the terminal")."""
    return render(
        request,
        "registration/register_done.html",
        {"email_to_terminal": email_goes_to_terminal()},
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """Anyone with the link: confirm the e-mail address (a button, so that mail scanners
    that open links do not confirm on the person's behalf)."""
    if request.method == "POST":
        try:
            services.email_confirm(token=token)
        except ApplicationError as exc:
            return render(request, "registration/confirm.html", {"error": exc.message}, status=400)
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        if request.user.is_authenticated:
            return redirect("recruitment:profile")
        return redirect(f"{reverse('login')}?{urlencode({'next': reverse('recruitment:profile')})}")
    return render(request, "registration/confirm.html", {"token": token})


@login_required
@require_POST
def resend(request):
    """Signed-in person: send the confirmation link again."""
    if email_is_confirmed(user=request.user):
        messages.info(request, _("Your e-mail address is already confirmed."))
    else:
        _send_confirmation(request, request.user)
        messages.success(
            request,
            _("We have sent a new confirmation link to %(email)s.") % {"email": request.user.email},
        )
    return redirect("recruitment:profile")
