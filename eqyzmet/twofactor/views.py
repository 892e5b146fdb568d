"""Setting up and entering the second factor (TOTP: any authenticator app)."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from eqyzmet.errors import ApplicationError
from eqyzmet.twofactor import services


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits shown in your app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


class ReplaceForm(TokenForm):
    current_token = forms.RegexField(
        label=_("Six-digit code from the app you use now"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits shown in your app.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["current_token", "token"]


PENDING_SESSION_KEY = "eqyzmet_2fa_pending_device"


def _grouped(secret: str) -> str:
    """Base32 in groups of four, as people type it into an authenticator app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _second_factor_login(request, device) -> None:
    """Mark the session verified by the device, under a new session key: a key planted
    before the second step must not become a verified session."""
    request.session.cycle_key()
    otp_login(request, device)


def _verified_device(user):
    device = getattr(user, "otp_device", None)
    if device is None or not device.confirmed or device.user_id != user.pk:
        return None
    return device


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Signed-in person: register an authenticator app by scanning a QR code. A person who
    already has one may replace it only from a session it verified, with its current code."""
    user = request.user
    has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    verified_device = _verified_device(user)
    if has_device and verified_device is None:
        messages.info(request, services.DEVICE_EXISTS)
        response = redirect("twofactor:verify")
        response["Location"] += "?" + urlencode({"next": _next(request)})
        return response
    replacing = has_device
    device = services.second_factor_pending(
        user=user, device_id=request.session.get(PENDING_SESSION_KEY)
    )
    request.session[PENDING_SESSION_KEY] = device.pk
    form_class = ReplaceForm if replacing else TokenForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if replacing:
                device = services.second_factor_replace(
                    user=user,
                    verified_device=verified_device,
                    current_token=form.cleaned_data["current_token"],
                    device=device,
                    token=form.cleaned_data["token"],
                )
            else:
                device = services.second_factor_enrol(
                    user=user, device=device, token=form.cleaned_data["token"]
                )
        except ApplicationError as exc:
            field = "current_token" if exc.code == "wrong_current_code" else "token"
            form.add_error(field, exc.message)
        else:
            request.session.pop(PENDING_SESSION_KEY, None)
            _second_factor_login(request, device)
            messages.success(request, _("Your second factor is set up."))
            return redirect(_next(request))
    return render(
        request,
        "twofactor/setup.html",
        {
            "form": form,
            "replacing": replacing,
            "qr": _qr_svg(device.config_url),
            "secret": _grouped(base64.b32encode(device.bin_key).decode().rstrip("=")),
            "next": _next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Signed-in person with an authenticator: enter the current code."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        response = redirect("twofactor:setup")
        response["Location"] += "?" + urlencode({"next": _next(request)})
        return response
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a minute and try again."))
        elif device.verify_token(form.cleaned_data["token"].strip()):
            _second_factor_login(request, device)
            return redirect(_next(request))
        else:
            form.add_error("token", _("That code is not right. Check the time on your phone."))
    return render(request, "twofactor/verify.html", {"form": form, "next": _next(request)})
