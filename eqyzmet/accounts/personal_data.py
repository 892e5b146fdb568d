"""What the portal holds about a person, gathered from every app without importing any.

The kernel is the ground layer: it may not import the apps above it. Each app that keeps
personal data registers a source here from its ``AppConfig.ready`` (as ethics receives
conflict declarations): an exporter, and optionally what deleting the account must do in
that app and what stops it.

- ``export(user_id) -> dict | None``: JSON-ready data the person may already see about
  themselves, in the reader's language; ``None`` (or ``{}``) when the app holds nothing.
  Never other people, staff identities, marks by member or internal flags.
- ``blockers(user_id) -> list[Blocker]``: reasons the account cannot be deleted now.
- ``erase(user_id) -> list[str]``: erase what may go now, inside the caller's transaction;
  returns the names of the kinds of record the app keeps (for the audit event).

Anonymous ethics reports are not linked to any account and have no source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Blocker:
    """Something that stops the deletion of an account, told to its owner."""

    message: str
    # A page where the person can remove the obstacle (withdraw an application), if any.
    url_name: str = ""
    url_args: tuple = ()
    link_text: str = ""


@dataclass(frozen=True)
class PersonalDataSource:
    name: str
    export: Callable[[int], dict | None]
    blockers: Callable[[int], list[Blocker]] | None = None
    erase: Callable[[int], list[str]] | None = None


_sources: dict[str, PersonalDataSource] = {}


def personal_data_source_register(
    name: str,
    export: Callable[[int], dict | None],
    *,
    blockers: Callable[[int], list[Blocker]] | None = None,
    erase: Callable[[int], list[str]] | None = None,
) -> None:
    """Called by an app's ``AppConfig.ready``. Registering a name again replaces its source
    (``ready`` may run more than once in tests)."""
    _sources[name] = PersonalDataSource(name=name, export=export, blockers=blockers, erase=erase)


def personal_data_sources() -> list[PersonalDataSource]:
    return [_sources[name] for name in sorted(_sources)]


def personal_data_collect(*, user_id: int) -> dict[str, dict]:
    """``{source name: its export}`` for every source that holds something."""
    collected = {}
    for source in personal_data_sources():
        data = source.export(user_id)
        if data:
            collected[source.name] = data
    return collected


def account_deletion_blockers(*, user_id: int) -> list[Blocker]:
    found: list[Blocker] = []
    for source in personal_data_sources():
        if source.blockers is not None:
            found.extend(source.blockers(user_id))
    return found


def personal_data_erase(*, user_id: int) -> dict[str, list[str]]:
    """Run every source's erasure; ``{source name: kinds of record kept}``."""
    kept = {}
    for source in personal_data_sources():
        if source.erase is not None:
            kept[source.name] = source.erase(user_id)
    return kept
