"""Candidate-side reads: open vacancies for the public search, one's own profile and
documents, and one's own applications (found through the identity escrow by the owner's
blind index, never by a foreign key). Every read runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import get_language

from eqyzmet.models import StateBody
from recruitment import eligibility, services
from recruitment.eligibility import reason_text
from recruitment.models import (
    Appeal,
    Application,
    ApplicationDraft,
    CandidateProfile,
    Competition,
    Document,
    IdentityEscrow,
    Stage,
    StageResult,
    Vacancy,
)
from recruitment.public import owner_index
from recruitment.services.profiles import _declared_facts

# --- Vacancies ---------------------------------------------------------------------------


def open_competitions() -> QuerySet[Competition]:
    """Competitions accepting applications at this moment."""
    now = timezone.now()
    return Competition.objects.filter(
        status=Competition.Status.PUBLISHED,
        applications_open_at__lte=now,
        applications_close_at__gt=now,
    )


def _language() -> str:
    lang = (get_language() or "kk")[:2]
    return lang if lang in ("kk", "ru", "en") else "kk"


def _text_search(queryset: QuerySet[Vacancy], words: str) -> QuerySet[Vacancy]:
    """Title and duties in the reader's language. PostgreSQL ranks by full-text match (with
    stemming for Russian and English; Kazakh has no dictionary there, so it also matches
    parts of the title); other databases match the words as substrings."""
    lang = _language()
    title, duties = f"title_{lang}", f"duties_{lang}"
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        config = {"ru": "russian", "en": "english"}.get(lang, "simple")
        vector = SearchVector(title, weight="A", config=config) + SearchVector(
            duties, weight="B", config=config
        )
        query = SearchQuery(words, search_type="websearch", config=config)
        return queryset.annotate(search=vector, relevance=SearchRank(vector, query)).filter(
            Q(search=query) | Q(**{f"{title}__icontains": words})
        )
    condition = Q()
    for word in words.split():
        condition &= Q(**{f"{title}__icontains": word}) | Q(**{f"{duties}__icontains": word})
    return queryset.filter(condition)


def _open_moments(competitions: QuerySet[Competition]) -> dict:
    """Per vacancy, over its competitions open now: when it was published (the later of the
    announcement and the opening of applications; an open competition's status last changed
    when it was published) and the earliest deadline. Subqueries of the listing's own query."""
    through = Competition.vacancies.through.objects.filter(
        vacancy_id=OuterRef("pk"), competition__in=competitions
    ).values("vacancy_id")
    published = Greatest("competition__applications_open_at", "competition__status_changed_at")
    return {
        "published_at": Subquery(through.annotate(at=Max(published)).values("at")[:1]),
        "closes_at": Subquery(
            through.annotate(at=Min("competition__applications_close_at")).values("at")[:1]
        ),
    }


def vacancies_open(
    *,
    words: str = "",
    state_body: StateBody | None = None,
    region: str = "",
    category: str = "",
    competition_kind: str = "",
    employment: str = "",
    min_salary: int | None = None,
    sort: str = "",
    published_after: dt.datetime | None = None,
) -> QuerySet[Vacancy]:
    """Vacancies of competitions accepting applications now, filtered and sorted; each
    carries ``open_competitions`` (prefetched), ``published_at`` and ``closes_at``. Three
    queries for a page, whatever the data.

    ``min_salary`` keeps the vacancies whose pay range reaches it (the top of the range is
    at least the amount); ``published_after`` those published since a moment (alerts)."""
    competitions = open_competitions()
    if competition_kind:
        competitions = competitions.filter(kind=competition_kind)
    in_open = Competition.vacancies.through.objects.filter(competition__in=competitions)
    queryset = (
        Vacancy.objects.filter(pk__in=in_open.values("vacancy_id"))
        .annotate(**_open_moments(competitions))
        .select_related("state_body")
        .prefetch_related(
            Prefetch(
                "competitions",
                queryset=competitions.select_related("contract_project").order_by(
                    "applications_close_at"
                ),
                to_attr="open_competitions",
            )
        )
    )
    if state_body is not None:
        queryset = queryset.filter(state_body__path__startswith=state_body.path)
    if region:
        queryset = queryset.filter(region=region)
    if category:
        queryset = queryset.filter(category=category)
    if employment:
        queryset = queryset.filter(employment=employment)
    if min_salary:
        queryset = queryset.filter(salary_max__gte=min_salary)
    if published_after is not None:
        queryset = queryset.filter(published_at__gt=published_after)
    words = " ".join(words.split())
    if words:
        queryset = _text_search(queryset, words)
    return queryset.order_by(*_ordering(sort or ("relevance" if words else "newest"), words))


def _ordering(sort: str, words: str) -> list:
    """The public search's orders. "relevance" is PostgreSQL's full-text rank; without words
    (or on another database) it is the newest first, as is anything unknown."""
    newest = [F("published_at").desc(nulls_last=True), "-created_at", "pk"]
    if sort == "closing":
        return [F("closes_at").asc(nulls_last=True), *newest]
    if sort == "salary":
        return ["-salary_max", "-salary_min", *newest]
    if sort == "relevance" and words and connection.vendor == "postgresql":
        return ["-relevance", *newest]
    return newest


def vacancy_filter_choices() -> tuple[list[StateBody], list[str]]:
    """The state bodies that have open vacancies, with the bodies above them (choosing a
    ministry finds its departments' vacancies too), and the regions: three queries."""
    in_open = Competition.vacancies.through.objects.filter(competition__in=open_competitions())
    open_vacancies = Vacancy.objects.filter(pk__in=in_open.values("vacancy_id"))
    paths = StateBody.objects.filter(pk__in=open_vacancies.values("state_body_id")).values_list(
        "path", flat=True
    )
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    bodies = list(StateBody.objects.filter(pk__in=ids).order_by("path"))
    regions = sorted(set(open_vacancies.values_list("region", flat=True)))
    return bodies, regions


@dataclass(frozen=True)
class VacancyPage:
    vacancy: Vacancy
    competitions: list[Competition]  # announced ones, each with ``stage_plan``

    @property
    def open_competitions(self) -> list[Competition]:
        now = timezone.now()
        return [
            c
            for c in self.competitions
            if c.status == Competition.Status.PUBLISHED
            and c.applications_open_at <= now < c.applications_close_at
        ]


def vacancy_page(*, vacancy_id: int) -> VacancyPage | None:
    """A vacancy of an announced competition, with its competitions and their stages.
    ``None`` for a vacancy nobody has announced (drafts stay hidden)."""
    vacancy = Vacancy.objects.select_related("state_body").filter(pk=vacancy_id).first()
    if vacancy is None:
        return None
    competitions = list(
        vacancy.competitions.exclude(
            status__in=[Competition.Status.DRAFT, Competition.Status.CANCELLED]
        )
        .select_related("contract_project")
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("position"), to_attr="stage_plan")
        )
        .order_by("-applications_open_at")
    )
    if not competitions:
        return None
    return VacancyPage(vacancy=vacancy, competitions=competitions)


def open_competition_for(*, vacancy_id: int, competition_id: int) -> tuple | None:
    """(competition, vacancy) if the vacancy is in that competition and it accepts
    applications now."""
    competition = open_competitions().select_related("state_body").filter(pk=competition_id).first()
    if competition is None:
        return None
    vacancy = competition.vacancies.select_related("state_body").filter(pk=vacancy_id).first()
    return None if vacancy is None else (competition, vacancy)


# --- Profile and documents ---------------------------------------------------------------


def profile_of(*, user) -> CandidateProfile | None:
    """The signed-in person's profile with everything the profile page lists: 5 queries."""
    return (
        CandidateProfile.objects.filter(user=user)
        .select_related("current_body")
        .prefetch_related("education", "experience", "languages", "documents")
        .first()
    )


def has_profile(*, user) -> bool:
    return CandidateProfile.objects.filter(user=user).exists()


def own_entry(model, *, user, pk: int):
    """One education/experience/language/document entry of the person's own profile, or
    ``None`` (someone else's entry is indistinguishable from a missing one)."""
    return model.objects.filter(pk=pk, profile__user=user).first()


def own_document(*, user, document_id: int) -> Document | None:
    return own_entry(Document, user=user, pk=document_id)


# --- My applications ---------------------------------------------------------------------


@dataclass
class ResultRow:
    stage: Stage
    result: StageResult
    appeal_deadline: dt.datetime | None
    appeals: list[Appeal]

    @property
    def may_appeal(self) -> bool:
        """Whether to offer the appeal form; ``appeal_submit`` still decides."""
        return (
            self.appeal_deadline is not None
            and timezone.now() <= self.appeal_deadline
            and not any(a.status == Appeal.Status.SUBMITTED for a in self.appeals)
        )


@dataclass
class MyApplication:
    application: Application
    results: list[ResultRow] = field(default_factory=list)

    @property
    def competition(self) -> Competition:
        return self.application.competition

    @property
    def results_published(self) -> bool:
        return self.competition.status in (
            Competition.Status.RESULTS_PUBLISHED,
            Competition.Status.CLOSED,
        )

    @property
    def may_withdraw(self) -> bool:
        """Whether to offer withdrawal; ``application_withdraw`` still decides."""
        return self.competition.status not in services.RANKED and self.application.status in (
            Application.Status.ADMITTED,
            Application.Status.INELIGIBLE,
        )

    @property
    def reserve_until(self) -> dt.date | None:
        entry = getattr(self.application, "reserve_entry", None)
        if entry is None or entry.withdrawn_at is not None:
            return None
        return entry.valid_until

    @property
    def eligible(self) -> bool:
        return all(r["met"] for r in self.application.eligibility_reasons)

    @property
    def eligibility(self) -> list[tuple[bool, str]]:
        """Each requirement, met or not, as a sentence in the reader's language."""
        return [(r["met"], reason_text(r)) for r in self.application.eligibility_reasons]


def _own_application_ids(user) -> QuerySet:
    return IdentityEscrow.objects.filter(owner_index=owner_index(user.pk)).values("application_id")


def _applications(ids) -> QuerySet[Application]:
    published = StageResult.objects.filter(stage__results_published_at__isnull=False)
    return (
        Application.objects.filter(pk__in=ids)
        .select_related(
            "competition__state_body", "vacancy__state_body", "current_stage", "reserve_entry"
        )
        .prefetch_related(
            Prefetch(
                "results",
                queryset=published.select_related("stage__competition").order_by("stage__position"),
                to_attr="published_results",
            ),
            Prefetch("appeals", queryset=Appeal.objects.order_by("submitted_at")),
        )
        .order_by("-submitted_at", "-pk")
    )


def _row(application: Application) -> MyApplication:
    appeals: dict[int, list[Appeal]] = {}
    for appeal in application.appeals.all():
        appeals.setdefault(appeal.stage_id, []).append(appeal)
    return MyApplication(
        application=application,
        results=[
            ResultRow(
                stage=result.stage,
                result=result,
                appeal_deadline=services.appeal_deadline(stage=result.stage),
                appeals=appeals.get(result.stage_id, []),
            )
            for result in application.published_results
        ],
    )


def my_applications(*, user) -> list[MyApplication]:
    """Every application of the signed-in person, newest first: three queries however
    many there are."""
    return [_row(a) for a in _applications(_own_application_ids(user))]


def my_application(*, user, application_id: int) -> MyApplication | None:
    """One of the person's own applications, or ``None`` for anyone else's."""
    ids = _own_application_ids(user).filter(application_id=application_id)
    application = _applications(ids).first()
    return None if application is None else _row(application)


# --- Before applying: eligibility, a live application, the draft -------------------------


@dataclass(frozen=True)
class Requirement:
    state: str  # eligibility.MET, UNMET or MISSING
    text: str
    section: str  # the part of the profile that answers it: education, experience, ...

    @property
    def fix(self) -> str:
        return str(eligibility.FIX_MESSAGES[self.section])


@dataclass
class ApplyCheck:
    """Everything the apply page needs to decide before anything is submitted."""

    profile: CandidateProfile | None
    live_application: Application | None
    requirements: list[Requirement]
    draft: ApplicationDraft | None

    @property
    def eligible(self) -> bool:
        return self.profile is not None and all(
            r.state == eligibility.MET for r in self.requirements
        )

    @property
    def sections_to_fix(self) -> list[str]:
        """The parts of the profile to complete, each once, in the order of the list."""
        return list(
            dict.fromkeys(r.section for r in self.requirements if r.state != eligibility.MET)
        )

    @property
    def documents(self) -> list[Document]:
        return list(self.profile.documents.all()) if self.profile else []


def live_application(*, user, competition_id: int) -> Application | None:
    """The person's application in the competition that is still live (an active escrow),
    or ``None``."""
    ids = IdentityEscrow.objects.filter(
        owner_index=owner_index(user.pk), competition_id=competition_id, active=True
    ).values("application_id")
    return Application.objects.filter(pk__in=ids).first()


def apply_check(*, user, competition: Competition, vacancy: Vacancy) -> ApplyCheck:
    """Each requirement of the vacancy against the profile as it is now (met, not met, or
    nothing declared to judge it by), the live application in this competition if any, and
    the person's draft for it: eight queries."""
    profile = profile_of(user=user)
    live = live_application(user=user, competition_id=competition.pk)
    draft = None
    requirements: list[Requirement] = []
    if profile is not None:
        draft = (
            ApplicationDraft.objects.filter(profile=profile, competition=competition)
            .prefetch_related("documents")
            .first()
        )
        facts = _declared_facts(profile=profile, competition=competition)
        _eligible, reasons = eligibility.assess(
            vacancy=vacancy,
            competition_kind=competition.kind,
            snapshot=facts,
            as_of=timezone.localdate(),
        )
        requirements = [
            Requirement(
                state=eligibility.requirement_state(reason, facts),
                text=reason_text(reason.as_json()),
                section=eligibility.PROFILE_SECTION[reason.code],
            )
            for reason in reasons
        ]
    return ApplyCheck(
        profile=profile, live_application=live, requirements=requirements, draft=draft
    )


def my_drafts(*, user) -> list[ApplicationDraft]:
    """The person's unsubmitted applications, newest change first, each marked
    ``is_open`` while its competition still accepts applications: one query."""
    now = timezone.now()
    drafts = list(
        ApplicationDraft.objects.filter(profile__user=user)
        .select_related("competition", "vacancy__state_body")
        .order_by("-updated_at", "-pk")
    )
    for draft in drafts:
        competition = draft.competition
        draft.is_open = (
            competition.status == Competition.Status.PUBLISHED
            and competition.applications_open_at <= now < competition.applications_close_at
        )
    return drafts


def own_draft(*, user, draft_id: int) -> ApplicationDraft | None:
    return own_entry(ApplicationDraft, user=user, pk=draft_id)


def sent_with(*, user, application_id: int) -> tuple[str, list[Document]]:
    """The motivation letter and the documents the person sent with their application."""
    escrow = IdentityEscrow.objects.filter(
        owner_index=owner_index(user.pk), application_id=application_id
    ).first()
    if escrow is None:
        return "", []
    documents = Document.objects.filter(profile__user=user, pk__in=escrow.document_ids or [])
    return escrow.motivation, list(documents)
