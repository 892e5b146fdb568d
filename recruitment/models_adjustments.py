"""Reasonable adjustments for candidates with a disability (extra time, another format).

One request per application, made by the candidate before the application's first test
window opens and decided by an adjustments officer who knows the application only by its
code. The reason, the description of another format, the officer's note and the supporting
document are health data: the text is encrypted in the vault, the file is stored under a
name that says nothing, and only adjustments officers and ethics commissioners (the
``view_adjustment_reason`` permission) ever read them. Commission members never do.

The row points to the application, never to the profile or the account, so the staff side
still has no path from a code to a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.vault import EncryptedTextField


class AdjustmentFormat(models.TextChoices):
    LARGE_PRINT = "large_print", _("Large print")
    SCREEN_READER = "screen_reader", _("Screen-reader-friendly paper")
    READER_SCRIBE = "reader_scribe", _("A reader or a scribe")
    OTHER = "other", _("Another format")


class ExtraTime(models.TextChoices):
    NONE = "none", _("No extra time")
    PERCENT_25 = "25", _("25% more time")
    PERCENT_50 = "50", _("50% more time")
    PERCENT_100 = "100", _("Double time (100% more)")
    MINUTES = "minutes", _("A number of extra minutes")


MAX_EXTRA_MINUTES = 240


class Adjustment(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        PARTLY_APPROVED = "partly_approved", _("Partly approved")
        REFUSED = "refused", _("Refused")

    application = models.OneToOneField(
        "recruitment.Application",
        on_delete=models.CASCADE,
        related_name="adjustment",
        verbose_name=_("application"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    # What the candidate asked for.
    extra_percent = models.PositiveSmallIntegerField(_("extra time asked, per cent"), default=0)
    extra_minutes = models.PositiveSmallIntegerField(_("extra minutes asked"), default=0)
    formats = models.JSONField(_("formats asked"), default=list, blank=True)
    other_format = EncryptedTextField(_("the other format"), blank=True, default="")
    reason = EncryptedTextField(_("reason"))
    document = models.FileField(
        _("supporting document"), upload_to="adjustments/%Y/%m/", blank=True, default=""
    )
    document_content_type = models.CharField(max_length=64, blank=True, default="")
    document_sha256 = models.CharField(max_length=64, blank=True, default="")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    # What the officer granted.
    approved_percent = models.PositiveSmallIntegerField(
        _("extra time granted, per cent"), default=0
    )
    approved_minutes = models.PositiveSmallIntegerField(_("extra minutes granted"), default=0)
    approved_formats = models.JSONField(_("formats granted"), default=list, blank=True)
    decision_note = EncryptedTextField(_("note to the candidate"), blank=True, default="")
    revision_reason = EncryptedTextField(_("reason for the last change"), blank=True, default="")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("reasonable adjustment")
        verbose_name_plural = _("reasonable adjustments")
        ordering = ["-requested_at"]
        permissions = [
            ("decide_adjustment", _("Can decide reasonable adjustments")),
            (
                "view_adjustment_reason",
                _("Can read the reason and the document of an adjustment request"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.application.code) if self.application_id else "adjustment"

    @property
    def is_decided(self) -> bool:
        return self.status != self.Status.REQUESTED

    @property
    def grants_time(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.PARTLY_APPROVED) and bool(
            self.approved_percent or self.approved_minutes
        )

    def extra_seconds(self, base_seconds: int) -> int:
        """The granted extra time for a test of ``base_seconds``."""
        if not self.grants_time:
            return 0
        return extra_seconds(
            base_seconds, percent=self.approved_percent, minutes=self.approved_minutes
        )


def extra_seconds(base_seconds: int, *, percent: int, minutes: int) -> int:
    return int(base_seconds) * int(percent) // 100 + int(minutes) * 60


def time_text(percent: int, minutes: int) -> str:
    """Extra time in words: "+50%", "+30 min", "+50% and +30 min", or "—"."""
    parts = []
    if percent:
        parts.append(f"+{percent}%")
    if minutes:
        parts.append(_("+%(minutes)s min") % {"minutes": minutes})
    return " · ".join(str(p) for p in parts) or "—"


def formats_text(codes) -> str:
    labels = dict(AdjustmentFormat.choices)
    return ", ".join(str(labels.get(c, c)) for c in codes) or "—"
