"""Recruitment tables. The candidate's identity lives only in ``CandidateProfile``'s
encrypted vault fields; nothing staff can reach points here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.vault import EncryptedDateField, EncryptedTextField


class CandidateProfile(models.Model):
    """One profile per candidate: the identity escrow.

    Every personal field is encrypted at rest; ``iin_index`` is a keyed blind index that
    lets the service enforce one profile per IIN without storing the IIN in clear.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    full_name = EncryptedTextField(_("full name"))
    iin = EncryptedTextField(_("IIN"))
    iin_index = models.CharField(max_length=64, unique=True, editable=False)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("candidate profile")
        verbose_name_plural = _("candidate profiles")

    def __str__(self) -> str:
        # Never the name: a profile may be printed in a log.
        return f"CandidateProfile #{self.pk}"
