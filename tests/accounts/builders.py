"""Candidates with applications in running and finished competitions, built with the real
services where the procedure allows and with plain rows where only a finished state
matters here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eqyzmet.accounts.consent import consent_record
from recruitment import services
from recruitment.models import (
    Appeal,
    Application,
    CommissionMark,
    CommissionMember,
    Competition,
    Document,
    Notification,
    Stage,
    StageResult,
)
from tests.recruitment.factories import make_candidate, make_competition, make_staff


@dataclass
class Applied:
    candidate: object
    running: Application  # in a competition accepting applications
    finished: Application  # in a closed competition, results published


def open_competition(staff):
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    return competition


def finish(competition: Competition) -> None:
    """The competition is over and its first stage's results are published."""
    Competition.objects.filter(pk=competition.pk).update(status=Competition.Status.CLOSED)
    Stage.objects.filter(competition=competition, position=1).update(
        results_published_at=timezone.now(), locked_at=timezone.now()
    )


def apply(candidate, competition) -> Application:
    return services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )


def add_document(candidate, name="diploma.pdf") -> Document:
    return Document.objects.create(
        profile=candidate.profile,
        kind=Document.Kind.DIPLOMA,
        file=SimpleUploadedFile(name, b"%PDF-1.4 test"),
        content_type="application/pdf",
        size=13,
        sha256="a" * 64,
    )


def result(application, *, score: str, stage_position: int = 1, passed=True) -> StageResult:
    stage = application.competition.stages.get(position=stage_position)
    return StageResult.objects.create(
        application=application,
        stage=stage,
        score=Decimal(score),
        passed=passed,
        details={"internal_flag": "timing-anomaly-SECRET"},
    )


def mark(application, *, comment: str) -> CommissionMark:
    """A commission member's mark at the essay stage: never the candidate's to see."""
    member = CommissionMember.objects.filter(competition=application.competition).first()
    stage = application.competition.stages.get(kind=Stage.Kind.ESSAY)
    return CommissionMark.objects.create(
        application=application, stage=stage, member=member, score=Decimal("4"), comment=comment
    )


def two_candidates_with_history():
    """Candidate A and candidate B (the planted other person) each applied to one running
    and one finished competition; A appealed; the commission left marks and comments."""
    staff = make_staff()
    running = open_competition(staff)
    finished = open_competition(staff)
    people = []
    for score, grounds in (("41", "A-GROUNDS my test was unfair"), ("17", "B-GROUNDS unfair")):
        candidate = make_candidate()
        consent_record(user=candidate.user)
        add_document(candidate)
        applied = Applied(
            candidate=candidate,
            running=apply(candidate, running),
            finished=apply(candidate, finished),
        )
        result(applied.finished, score=score)
        mark(applied.finished, comment=f"MARK-COMMENT about {applied.finished.code}")
        Appeal.objects.create(
            application=applied.finished,
            stage=finished.stages.get(position=1),
            text=grounds,
            text_redacted=grounds,
        )
        Notification.objects.create(
            application_id=applied.finished.pk,
            event=Notification.Event.STAGE_RESULT,
            ref=finished.stages.get(position=1).pk,
        )
        people.append(applied)
    Application.objects.filter(pk__in=[p.finished.pk for p in people]).update(
        status=Application.Status.NOT_SELECTED, rank=2, final_score=Decimal("7.5")
    )
    finish(finished)
    return staff, people[0], people[1]
