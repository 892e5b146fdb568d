"""Reads of a candidate's saved searches: the page that lists them, and a saved search
turned back into the filters of the public vacancy search (``vacancies_open``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from eqyzmet.models import StateBody
from recruitment.models import Competition, SavedSearch, Vacancy
from recruitment.selectors_candidate import vacancies_open

# The public search's parameters a saved search keeps, in the order of the search form.
CRITERIA = ("q", "state_body", "region", "category", "kind", "employment", "min_salary", "sort")


def bodies_of(searches) -> dict[int, StateBody]:
    """The state bodies the searches filter by, in one query."""
    ids = {s.criteria.get("state_body") for s in searches} - {None, ""}
    return StateBody.objects.in_bulk([int(pk) for pk in ids]) if ids else {}


def search_filters(criteria: dict, bodies: dict[int, StateBody]) -> dict:
    """``vacancies_open``'s keyword arguments for a saved search. A state body deleted since
    is no filter at all rather than an error (its vacancies are gone with it anyway)."""
    body_id = criteria.get("state_body")
    return {
        "words": criteria.get("q") or "",
        "state_body": bodies.get(int(body_id)) if body_id else None,
        "region": criteria.get("region") or "",
        "category": criteria.get("category") or "",
        "competition_kind": criteria.get("kind") or "",
        "employment": criteria.get("employment") or "",
        "min_salary": criteria.get("min_salary") or None,
        "sort": criteria.get("sort") or "",
    }


def saved_search_vacancies(
    saved_search: SavedSearch, bodies: dict[int, StateBody], *, published_after=None
) -> QuerySet[Vacancy]:
    return vacancies_open(
        **search_filters(saved_search.criteria, bodies), published_after=published_after
    )


def criteria_query(criteria: dict) -> str:
    """The query string of the public search page that shows the saved search."""
    query = QueryDict(mutable=True)
    for key in CRITERIA:
        value = criteria.get(key)
        if value not in (None, ""):
            query[key] = str(value)
    return query.urlencode()


def criteria_summary(criteria: dict, bodies: dict[int, StateBody]) -> list[str]:
    """The filters in words, in the reader's language."""
    lines = []
    if criteria.get("q"):
        lines.append(_("Words: %(words)s") % {"words": criteria["q"]})
    body_id = criteria.get("state_body")
    if body_id and int(body_id) in bodies:
        lines.append(_("State body: %(name)s") % {"name": bodies[int(body_id)].name})
    if criteria.get("region"):
        lines.append(_("Region: %(region)s") % {"region": criteria["region"]})
    if criteria.get("category") in Vacancy.Category.values:
        lines.append(Vacancy.Category(criteria["category"]).label)
    if criteria.get("kind") in Competition.Kind.values:
        lines.append(Competition.Kind(criteria["kind"]).label)
    if criteria.get("employment") in Vacancy.Employment.values:
        lines.append(Vacancy.Employment(criteria["employment"]).label)
    if criteria.get("min_salary"):
        lines.append(
            _("Salary at least %(amount)s tenge")
            % {"amount": number_format(criteria["min_salary"], force_grouping=True)}
        )
    return lines or [_("All open vacancies")]


@dataclass(frozen=True)
class SavedSearchRow:
    saved_search: SavedSearch
    summary: list[str]
    query: str


def own_saved_searches(*, user) -> list[SavedSearchRow]:
    """The person's saved searches, oldest first, with their filters in words: 2 queries."""
    searches = list(SavedSearch.objects.filter(user=user).order_by("created_at", "pk"))
    bodies = bodies_of(searches)
    return [
        SavedSearchRow(
            saved_search=s,
            summary=criteria_summary(s.criteria, bodies),
            query=criteria_query(s.criteria),
        )
        for s in searches
    ]


def own_saved_search(*, user, saved_search_id: int) -> SavedSearch | None:
    """One of the person's own saved searches; someone else's is indistinguishable from a
    missing one."""
    return SavedSearch.objects.filter(pk=saved_search_id, user=user).first()
