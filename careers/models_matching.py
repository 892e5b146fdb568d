"""Matching's own rows, candidate-side only: a person's preferences, their current matches
(score and the keys of the explanation) and the alerts already sent.

None of these models is registered in the admin, read by a staff selector or serialised by
an API: a match score must never become a back door to identity or a pre-ranking
(``tests/careers/test_no_staff_scores.py``). The vacancy is kept by id, not by a foreign key
into recruitment: careers reads vacancies only through ``recruitment.public``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchPreference(models.Model):
    """What the candidate told the matcher: the regions they would work in (empty: any) and
    whether new matching posts may be e-mailed to them (off until they opt in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="match_preference"
    )
    regions = models.JSONField(_("regions I would work in"), default=list, blank=True)
    alerts_enabled = models.BooleanField(_("e-mail me new posts I can win"), default=False)
    # Only posts published after alerts were turned on are announced: the rest were on the
    # page already.
    alerts_since = models.DateTimeField(default=timezone.now, editable=False)
    # When the person's matches were last computed (None: never, the page asks for them).
    matched_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"match preference {self.pk}"


class Match(models.Model):
    """One open vacancy the candidate is eligible for, with the matcher's score (0–1), its
    plain band and the explanation as message keys with parameters (translated when shown)."""

    class Band(models.TextChoices):
        STRONG = "strong", _("Strong match")
        GOOD = "good", _("Good match")
        POSSIBLE = "possible", _("Possible match")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matches"
    )
    vacancy_id = models.BigIntegerField()
    score = models.FloatField()
    band = models.CharField(max_length=16, choices=Band.choices)
    explanation = models.JSONField(default=list)
    model_version = models.CharField(max_length=32)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "vacancy_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "vacancy_id"], name="one_match_per_post")
        ]
        indexes = [models.Index(fields=["user", "-score"], name="match_user_score")]

    def __str__(self) -> str:
        return f"match {self.pk}"


class MatchAlert(models.Model):
    """The claim that a post was e-mailed to a person: once per person and post, ever."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    vacancy_id = models.BigIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "vacancy_id"], name="one_alert_per_post")
        ]

    def __str__(self) -> str:
        return f"match alert {self.pk}"
