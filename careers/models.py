"""Explorer results and class codes (see the package docstring)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ClassGroup(models.Model):
    """A class code a teacher or career adviser hands to students.

    Students take the explorer and the practice test under the code without an account;
    the adviser sees only the class's aggregates, and nothing below the minimum class size.
    """

    code = models.CharField(_("class code"), max_length=12, unique=True, editable=False)
    name = models.CharField(_("class"), max_length=120)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="career_classes",
        verbose_name=_("teacher or career adviser"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("class code")
        verbose_name_plural = _("class codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ExplorerResult(models.Model):
    """One completed explorer questionnaire: scores only, never the answers themselves.

    ``interests`` maps each RIASEC letter to 0–100, ``work_values`` each value key to 0–100;
    ``families`` lists the job-family slugs in order of fit. ``user`` is set only when a
    signed-in person chose to keep the result for matching; ``class_group`` only when it was
    taken under a class code. Neither is ever shown to staff.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="explorer_results",
    )
    class_group = models.ForeignKey(
        ClassGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="results"
    )
    language = models.CharField(max_length=8)
    interests = models.JSONField()
    work_values = models.JSONField(default=dict)
    families = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="explorer_user_latest")]

    def __str__(self) -> str:
        return f"explorer {self.pk}"


from careers.models_internships import *  # noqa: E402, F403
from careers.models_matching import Match, MatchAlert, MatchPreference  # noqa: E402, F401
