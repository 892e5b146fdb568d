"""Internships for students and graduates, selected by anonymous code (issue 17).

The anonymity model is the competitions' one, on a smaller scale:

* ``Internship`` is what a state body publishes.
* ``InternshipApplication`` is the staff side: a random code, coarse declared facts (level
  and field of study, year of study or years since graduation), the motivation as staff may
  read it (redacted) and the selection decision. It has **no relation** to the account.
* ``InternshipIdentity`` is the candidate side: the owner (encrypted, found by a keyed blind
  index), the motivation as written and the document confirming university status. Plain
  ids, no foreign keys: nothing in the ORM leads from an application to it. Read only by the
  candidate-side selectors and, after a deliberate ``InternshipReveal`` of a shortlisted
  code, by the officer who revealed it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.languages import in_reader_language
from eqyzmet.models import StateBody
from eqyzmet.places import PLACES
from eqyzmet.vault import EncryptedTextField

__all__ = [
    "Internship",
    "InternshipApplication",
    "InternshipIdentity",
    "InternshipReveal",
    "Standing",
]

MOTIVATION_MAX_CHARS = 1500
MAX_YEAR_OF_STUDY = 6


def random_internship_application_id() -> int:
    """Random ids (below 2**53): sequential ones in staff URLs would tell the order in
    which people applied."""
    return 10**12 + secrets.randbelow(2**53 - 10**12)


class Internship(models.Model):
    state_body = models.ForeignKey(
        StateBody, on_delete=models.PROTECT, related_name="+", verbose_name=_("state body")
    )
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    description_kk = models.TextField(_("description (Kazakh)"))
    description_ru = models.TextField(_("description (Russian)"))
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    region = models.CharField(
        _("region"), max_length=64, choices=[(k, v) for k, v in PLACES.items()]
    )
    starts_on = models.DateField(_("internship starts"))
    ends_on = models.DateField(_("internship ends"))
    places = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    open_to_students = models.BooleanField(_("open to students"), default=True)
    min_year_of_study = models.PositiveSmallIntegerField(
        _("students from year of study"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_YEAR_OF_STUDY)],
    )
    open_to_graduates = models.BooleanField(_("open to graduates"), default=True)
    graduated_within_years = models.PositiveSmallIntegerField(
        _("graduates within years"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("0 means graduates of this year only."),
    )
    fields = models.JSONField(
        _("fields of study"),
        default=list,
        blank=True,
        help_text=_("Leave empty to accept every field."),
    )
    applications_open_at = models.DateTimeField(_("applications open"))
    applications_close_at = models.DateTimeField(_("applications close"))
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        ordering = ["applications_close_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="internship_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(applications_close_at__gt=models.F("applications_open_at")),
                name="internship_window_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_reader_language(self, "title")

    @property
    def description(self) -> str:
        return in_reader_language(self, "description")

    def accepts_applications(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.applications_open_at <= now < self.applications_close_at


class Standing(models.TextChoices):
    STUDENT = "student", _("Student")
    GRADUATE = "graduate", _("Graduate")


class InternshipApplication(models.Model):
    """What staff see of an applicant: a code, coarse facts, redacted words, the decision."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        NOT_SELECTED = "not_selected", _("Not selected")

    id = models.BigIntegerField(
        primary_key=True, default=random_internship_application_id, editable=False
    )
    internship = models.ForeignKey(
        Internship,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("internship"),
    )
    code = models.CharField(_("anonymous code"), max_length=16, unique=True, editable=False)
    standing = models.CharField(_("standing"), max_length=16, choices=Standing.choices)
    level = models.PositiveSmallIntegerField(_("level of education"))
    field = models.CharField(_("field of study"), max_length=32)
    year_of_study = models.PositiveSmallIntegerField(_("year of study"), null=True, blank=True)
    years_since_graduation = models.PositiveSmallIntegerField(
        _("years since graduation"), null=True, blank=True
    )
    motivation_redacted = models.TextField(_("motivation (redacted)"), blank=True, default="")
    redaction_count = models.PositiveSmallIntegerField(_("details redacted"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    note = models.TextField(_("selection note"), blank=True, default="")

    class Meta:
        verbose_name = _("internship application")
        verbose_name_plural = _("internship applications")
        # By code, which is random: never by the order in which people applied.
        ordering = ["internship", "code"]
        indexes = [models.Index(fields=["internship", "status"])]

    def __str__(self) -> str:
        return self.code


class InternshipIdentity(models.Model):
    """The only link from an internship application to its applicant (see the module)."""

    application_id = models.BigIntegerField(unique=True)
    internship_id = models.BigIntegerField(db_index=True)
    owner_index = models.CharField(max_length=64, db_index=True)
    owner = EncryptedTextField()
    motivation = EncryptedTextField(blank=True, default="")
    status_document = models.FileField(upload_to="internships/%Y/%m/")
    document_content_type = models.CharField(max_length=64)
    document_sha256 = models.CharField(max_length=64)
    # For the applicant's own page only; no staff page shows it.
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["internship_id", "owner_index"], name="one_application_per_internship"
            )
        ]

    def __str__(self) -> str:
        return f"identity of internship application #{self.application_id}"


class InternshipReveal(models.Model):
    application = models.ForeignKey(
        InternshipApplication,
        on_delete=models.PROTECT,
        related_name="reveals",
        verbose_name=_("internship application"),
    )
    reason = models.TextField(_("reason"))
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revealed by"),
    )
    revealed_at = models.DateTimeField(_("revealed"), default=timezone.now)

    class Meta:
        verbose_name = _("internship identity reveal")
        verbose_name_plural = _("internship identity reveals")
        ordering = ["-revealed_at"]

    def __str__(self) -> str:
        return f"{self.application.code} · {self.revealed_at:%Y-%m-%d}"
