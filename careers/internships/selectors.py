"""Internship reads. The public and candidate-side selectors are here; staff read through the
admin (``careers.internships.admin``), which sees ``InternshipApplication`` only, and through
``revealed_applicant`` after a reveal."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from careers.internships.services import owner_index
from careers.models_internships import (
    Internship,
    InternshipApplication,
    InternshipIdentity,
)
from recruitment.public import CandidateContact, candidate_contact


def internships_published(*, region: str = "", field: str = "") -> QuerySet[Internship]:
    """Published internships whose application window has not closed, soonest deadline
    first; ``field`` matches internships that accept it (or every field). One query."""
    queryset = Internship.objects.filter(
        is_published=True, applications_close_at__gt=timezone.now()
    ).select_related("state_body")
    if region:
        queryset = queryset.filter(region=region)
    if field:
        queryset = queryset.filter(Q(fields=[]) | Q(fields__icontains=f'"{field}"'))
    return queryset.order_by("applications_close_at", "pk")


def internship_regions() -> list[str]:
    return list(
        Internship.objects.filter(is_published=True, applications_close_at__gt=timezone.now())
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


def internship_public(*, internship_id: int) -> Internship | None:
    return (
        Internship.objects.filter(pk=internship_id, is_published=True)
        .select_related("state_body")
        .first()
    )


@dataclass(frozen=True)
class MyInternshipApplication:
    application: InternshipApplication
    submitted_at: object


def my_internship_applications(*, user) -> list[MyInternshipApplication]:
    """The signed-in person's internship applications, newest first: two queries."""
    if not user.is_authenticated:
        return []
    identities = {
        i.application_id: i.submitted_at
        for i in InternshipIdentity.objects.filter(owner_index=owner_index(user.pk)).only(
            "application_id", "submitted_at"
        )
    }
    applications = InternshipApplication.objects.filter(pk__in=list(identities)).select_related(
        "internship__state_body"
    )
    rows = [MyInternshipApplication(a, identities[a.pk]) for a in applications]
    return sorted(rows, key=lambda r: r.submitted_at, reverse=True)


def has_applied(*, user, internship_id: int) -> bool:
    return (
        user.is_authenticated
        and InternshipIdentity.objects.filter(
            internship_id=internship_id, owner_index=owner_index(user.pk)
        ).exists()
    )


@dataclass(frozen=True)
class RevealedApplicant:
    contact: CandidateContact | None
    motivation: str
    has_document: bool


def revealed_applicant(*, application: InternshipApplication) -> RevealedApplicant | None:
    """Who stands behind a code, or ``None`` while it is not revealed."""
    if not application.reveals.exists():
        return None
    identity = InternshipIdentity.objects.filter(application_id=application.pk).first()
    if identity is None:
        return None
    return RevealedApplicant(
        contact=candidate_contact(user_id=int(identity.owner)),
        motivation=identity.motivation,
        has_document=bool(identity.status_document),
    )
