"""What the careers app's matching reads of recruitment, as plain data (``recruitment.public``
re-exports it): a candidate's declared qualifications, the vacancies open now with their
requirements and text, and the eligibility rule itself, so matching filters by exactly the
check an application meets.

Everything here is the candidate's own side: the facts of one person go only to the
computation of that person's matches, never to a staff page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from recruitment import eligibility
from recruitment.models import (
    CandidateProfile,
    Competition,
    EducationLevel,
    Field,
    LanguageSkill,
    Sector,
    Vacancy,
)

LANGUAGES = ("kk", "ru", "en")


def open_competitions():
    """Competitions accepting applications at this moment (as the public search's)."""
    now = timezone.now()
    return Competition.objects.filter(
        status=Competition.Status.PUBLISHED,
        applications_open_at__lte=now,
        applications_close_at__gt=now,
    )


@dataclass(frozen=True)
class CandidateFacts:
    """A candidate's declared qualifications. ``experience`` keeps the declared periods
    (ISO dates) because the eligibility rule merges overlapping jobs; nothing else about the
    person (no names of institutions or employers) is here."""

    user_id: int
    education: tuple[dict, ...]
    experience: tuple[dict, ...]
    languages: dict[str, int]
    civil_servant: bool
    body_path: str

    def snapshot(self, *, competition_body_path: str) -> dict:
        return {
            "education": list(self.education),
            "experience": list(self.experience),
            "languages": dict(self.languages),
            "civil_servant": self.civil_servant,
            "civil_servant_of_body": bool(
                self.civil_servant
                and self.body_path
                and self.body_path.startswith(competition_body_path)
            ),
        }


@dataclass(frozen=True)
class OpenCompetition:
    competition_id: int
    kind: str
    body_path: str
    closes_at: dt.datetime | None
    published_at: dt.datetime | None


@dataclass(frozen=True)
class OpenVacancy:
    """An open vacancy's requirements (the attribute names ``eligibility.assess`` reads) and
    its text in the three languages."""

    vacancy_id: int
    titles: dict[str, str]
    duties: dict[str, str]
    body_names: dict[str, str]
    region: str
    is_managerial: bool
    min_education_level: int
    education_fields: tuple[str, ...]
    min_experience_years: Decimal
    experience_fields: tuple[str, ...]
    private_sector_counts: bool
    required_languages: dict[str, int]
    competitions: tuple[OpenCompetition, ...]

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["ru"]

    def body_name(self, language: str) -> str:
        return self.body_names.get(language) or self.body_names["ru"]

    @property
    def text(self) -> str:
        """Titles and duties in every language: what the matcher compares a profile with."""
        return " ".join([*self.titles.values(), *self.duties.values()])

    @property
    def closes_at(self) -> dt.datetime | None:
        return min((c.closes_at for c in self.competitions if c.closes_at), default=None)

    @property
    def published_at(self) -> dt.datetime | None:
        return max((c.published_at for c in self.competitions if c.published_at), default=None)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    counted_years: Decimal


def _facts(profile: CandidateProfile) -> CandidateFacts:
    return CandidateFacts(
        user_id=profile.user_id,
        education=tuple({"level": e.level, "field": e.field} for e in profile.education.all()),
        experience=tuple(
            {
                "sector": x.sector,
                "field": x.field,
                "from": x.started_on.isoformat(),
                "to": x.ended_on.isoformat() if x.ended_on else None,
            }
            for x in profile.experience.all()
        ),
        languages={lang.language: lang.level for lang in profile.languages.all()},
        civil_servant=profile.is_civil_servant,
        body_path=profile.current_body.path if profile.current_body_id else "",
    )


def candidate_facts(*, user_ids) -> dict[int, CandidateFacts]:
    """``{user_id: facts}`` for those of ``user_ids`` who keep a profile: four queries."""
    profiles = (
        CandidateProfile.objects.filter(user_id__in=list(user_ids))
        .select_related("current_body")
        .prefetch_related("education", "experience", "languages")
    )
    return {p.user_id: _facts(p) for p in profiles}


def candidate_user_ids(*, after: int, limit: int) -> list[int]:
    """Active people with a profile, by user id, the next ``limit`` after ``after``."""
    return list(
        CandidateProfile.objects.filter(user_id__gt=after, user__is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)[:limit]
    )


def _open_vacancy(vacancy: Vacancy) -> OpenVacancy:
    return OpenVacancy(
        vacancy_id=vacancy.pk,
        titles={lang: getattr(vacancy, f"title_{lang}") for lang in LANGUAGES},
        duties={lang: getattr(vacancy, f"duties_{lang}") for lang in LANGUAGES},
        body_names={lang: getattr(vacancy.state_body, f"name_{lang}") for lang in LANGUAGES},
        region=vacancy.region,
        is_managerial=vacancy.is_managerial,
        min_education_level=vacancy.min_education_level,
        education_fields=tuple(vacancy.education_fields or ()),
        min_experience_years=Decimal(vacancy.min_experience_years),
        experience_fields=tuple(vacancy.experience_fields or ()),
        private_sector_counts=vacancy.private_sector_counts,
        required_languages={k: int(v) for k, v in (vacancy.required_languages or {}).items()},
        competitions=tuple(
            OpenCompetition(
                competition_id=c.pk,
                kind=c.kind,
                body_path=c.state_body.path,
                closes_at=c.applications_close_at,
                published_at=max(c.applications_open_at, c.status_changed_at),
            )
            for c in vacancy.open_for_matching
        ),
    )


def open_vacancies(*, vacancy_ids=None, limit: int = 2000) -> list[OpenVacancy]:
    """Vacancies of competitions accepting applications now (all of them, newest first, at
    most ``limit``; or those of ``vacancy_ids`` that are open): two queries."""
    competitions = open_competitions().select_related("state_body")
    in_open = Competition.vacancies.through.objects.filter(competition__in=open_competitions())
    vacancies = Vacancy.objects.filter(pk__in=in_open.values("vacancy_id"))
    if vacancy_ids is not None:
        vacancies = vacancies.filter(pk__in=list(vacancy_ids))
    vacancies = (
        vacancies.select_related("state_body")
        .prefetch_related(
            Prefetch(
                "competitions",
                queryset=competitions.order_by("applications_close_at"),
                to_attr="open_for_matching",
            )
        )
        .order_by("-created_at", "-pk")[:limit]
    )
    return [_open_vacancy(v) for v in vacancies]


def open_vacancy_regions() -> list[str]:
    """The regions of the vacancies open now: one query."""
    in_open = Competition.vacancies.through.objects.filter(competition__in=open_competitions())
    return sorted(
        set(
            Vacancy.objects.filter(pk__in=in_open.values("vacancy_id")).values_list(
                "region", flat=True
            )
        )
    )


def vacancy_eligibility(
    *, facts: CandidateFacts, vacancy: OpenVacancy, as_of: dt.date | None = None
) -> Eligibility:
    """The application's own eligibility check, against each open competition of the
    vacancy: eligible if any would accept the application. ``counted_years`` is the work
    experience the rule counts for this vacancy."""
    as_of = as_of or timezone.localdate()
    competitions = vacancy.competitions or (
        OpenCompetition(
            competition_id=0, kind="general", body_path="/", closes_at=None, published_at=None
        ),
    )
    counted = Decimal("0")
    for competition in competitions:
        eligible, reasons = eligibility.assess(
            vacancy=vacancy,
            competition_kind=competition.kind,
            snapshot=facts.snapshot(competition_body_path=competition.body_path),
            as_of=as_of,
        )
        for reason in reasons:
            if reason.code == "experience_years":
                counted = Decimal(reason.params["counted"])
        if eligible:
            return Eligibility(eligible=True, counted_years=counted)
    return Eligibility(eligible=False, counted_years=counted)


def qualification_label(kind: str, code) -> str:
    """The reader's-language name of a field, sector, education level or language code (the
    code itself if unknown)."""
    if kind == "level":
        return str(EducationLevel(int(code)).label) if int(code) in EducationLevel.values else ""
    choices = {
        "field": Field.choices,
        "sector": Sector.choices,
        "language": LanguageSkill._meta.get_field("language").choices,
    }[kind]
    return str(dict(choices).get(code, code))


def vacancy_ids_opened_since(moment: dt.datetime) -> list[int]:
    """Vacancies of published competitions whose application window opened after
    ``moment`` and is open now (announced earlier, for a later opening): one query."""
    return sorted(
        set(
            Competition.vacancies.through.objects.filter(
                competition__in=open_competitions().filter(applications_open_at__gt=moment)
            ).values_list("vacancy_id", flat=True)
        )
    )
