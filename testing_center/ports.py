"""What the testing center needs from whoever runs competitions — and nothing more.

The testing center is an engine: it holds test papers, attempts and scores, and knows a
competition's stages and applications only by their ids. It never imports the recruitment
app. Instead it states here, as a protocol, the few questions it asks ("is this application
admitted to this stage?", "what is this application's code?") and the one thing it reports
(a stage result). The orchestrator — the recruitment app — registers an implementation when
Django starts (``RecruitmentConfig.ready``), so the dependency points one way only:
recruitment → testing center.

Plain data crosses the border; models do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


@dataclass(frozen=True)
class StageInfo:
    stage_id: int
    competition_id: int
    competition_number: str
    competition_status: str
    state_body_id: int
    kind: str
    opens_at: datetime | None
    closes_at: datetime | None
    max_score: Decimal
    locked: bool

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return (
            not self.locked
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


@dataclass(frozen=True)
class AdmittedCode:
    application_id: int
    code: str


@dataclass(frozen=True)
class ExtraTime:
    """Extra time granted to one application as a reasonable adjustment."""

    percent: int = 0
    minutes: int = 0

    def seconds_for(self, base_seconds: int) -> int:
        """The extra seconds on a test of ``base_seconds``."""
        return int(base_seconds) * int(self.percent) // 100 + int(self.minutes) * 60


NO_EXTRA_TIME = ExtraTime()


class Competitions(Protocol):
    """The questions the testing center asks about competitions, and the result it reports."""

    def stage_info(self, stage_id: int) -> StageInfo: ...

    def admitted_applications(self, stage_id: int) -> list[AdmittedCode]: ...

    def is_admitted(self, *, application_id: int, stage_id: int) -> bool: ...

    def admitted_among(self, *, stage_ids, application_ids) -> set[tuple[int, int]]: ...

    def candidate_application_id(self, *, user, competition_id: int) -> int | None: ...

    def candidate_application_ids(self, *, user) -> dict[int, int]: ...

    def candidate_application_ids_of(self, user_id: int) -> dict[int, int]: ...

    def candidate_application_ids_cache_key(self, user_id: int) -> str: ...

    def application_code(self, application_id: int) -> str: ...

    def application_codes(self, application_ids) -> dict[int, str]: ...

    def locked_stage_scores(self, *, stage_ids) -> dict[tuple[int, int], Decimal]: ...

    def extra_time(self, application_id: int) -> ExtraTime: ...

    def stage_result_record(
        self,
        *,
        application_id: int,
        stage_id: int,
        score: Decimal,
        passed: bool,
        details: dict | None = None,
        actor=None,
    ) -> None: ...


class _RegisteredCompetitions:
    """Stands for the implementation registered at start-up; every attribute is looked up
    on it, so a call reads ``competitions.stage_info(stage_id)``."""

    implementation: Competitions | None = None

    def __getattr__(self, name: str):
        implementation = type(self).implementation
        if implementation is None:
            raise ImproperlyConfigured(
                "No competitions are registered with the testing center: the recruitment "
                "app registers them in RecruitmentConfig.ready (is it in INSTALLED_APPS?)."
            )
        return getattr(implementation, name)


competitions: Competitions = _RegisteredCompetitions()  # type: ignore[assignment]


def competitions_register(implementation: Competitions) -> None:
    """Called once by the orchestrating app when Django starts."""
    missing = [
        name
        for name in Competitions.__dict__
        if not name.startswith("_") and not callable(getattr(implementation, name, None))
    ]
    if missing:
        raise ImproperlyConfigured(
            f"{implementation!r} cannot serve the testing center: it lacks {', '.join(missing)}."
        )
    _RegisteredCompetitions.implementation = implementation
