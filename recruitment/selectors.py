"""Reads for recruitment. Staff-facing selectors return anonymous models only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from eqyzmet.models import AuditEvent
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from recruitment.ledger import LedgerContext, StageRef, ledger_lines
from recruitment.models import (
    Appeal,
    Application,
    CandidateProfile,
    CommissionMark,
    CommissionMember,
    Competition,
    IdentityEscrow,
    Stage,
    StageResult,
)
from testing_center.public import essays_for_marking


def applications_admitted_to_stage(*, stage_id: int) -> QuerySet[Application]:
    return Application.objects.filter(
        current_stage_id=stage_id, status=Application.Status.ADMITTED
    ).order_by("code")


def competitions_for_staff(*, user, role: Role = Role.HR_OFFICER) -> QuerySet[Competition]:
    """Competitions of the bodies where ``user`` holds ``role`` (and their sub-bodies)."""
    return Competition.objects.filter(
        state_body__in=state_bodies_in_scope(user=user, role=role)
    ).select_related("state_body")


def applications_for_review(*, competition: Competition) -> QuerySet[Application]:
    """The staff view of a competition's applications: codes, results, ranks. Three queries
    whatever the number of applications."""
    return (
        Application.objects.filter(competition=competition)
        .select_related("vacancy", "current_stage")
        .prefetch_related(Prefetch("results", queryset=StageResult.objects.select_related("stage")))
        .order_by("rank", "code")
    )


@dataclass(frozen=True)
class DocumentRef:
    pk: int
    kind: str
    content_type: str
    size: int


@dataclass(frozen=True)
class RevealedIdentity:
    """Who stands behind a code, for staff, after an audited reveal only."""

    code: str
    full_name: str
    iin: str
    birth_date: object
    phone: str
    email: str
    documents: list[DocumentRef]


def revealed_identity(*, application: Application) -> RevealedIdentity | None:
    """The only staff-side path from a code to a person: it answers ``None`` unless the code
    has been revealed (``application_reveal``)."""
    if not any(True for _reveal in application.reveals.all()):
        return None
    escrow = IdentityEscrow.objects.get(application_id=application.pk)
    profile = (
        CandidateProfile.objects.select_related("user")
        .prefetch_related("documents")
        .get(user_id=int(escrow.owner))
    )
    return RevealedIdentity(
        code=application.code,
        full_name=profile.full_name,
        iin=profile.iin,
        birth_date=profile.birth_date,
        phone=profile.phone,
        email=profile.user.email,
        documents=[
            DocumentRef(
                pk=d.pk, kind=d.get_kind_display(), content_type=d.content_type, size=d.size
            )
            for d in profile.documents.all()
        ],
    )


def commission_seats(*, user) -> QuerySet[CommissionMember]:
    return (
        CommissionMember.objects.filter(user=user)
        .exclude(competition__status__in=[Competition.Status.DRAFT, Competition.Status.CANCELLED])
        .select_related("competition__state_body")
        .order_by("-competition__applications_open_at")
    )


@dataclass(frozen=True)
class MarkingRow:
    application: Application
    mark: CommissionMark | None
    essay: object | None  # testing_center.public.EssayForMarking at an essay stage


def marking_queue(*, member: CommissionMember) -> list[MarkingRow]:
    """The codes at the competition's current essay/interview stage, with this member's own
    mark if given and, at an essay stage, the essay's marking route (blind double marking
    first). Members never see each other's marks here. Four queries at most."""
    applications = list(
        Application.objects.filter(
            competition_id=member.competition_id,
            status=Application.Status.ADMITTED,
            current_stage__kind__in=[Stage.Kind.ESSAY, Stage.Kind.INTERVIEW],
        )
        .select_related("current_stage")
        .order_by("code")
    )
    own = {
        (m.application_id, m.stage_id): m
        for m in CommissionMark.objects.filter(
            member=member, application__in=[a.pk for a in applications]
        )
    }
    essays: dict[int, object] = {}
    essay_stage = next(
        (a.current_stage_id for a in applications if a.current_stage.kind == Stage.Kind.ESSAY),
        None,
    )
    if essay_stage is not None:
        essays = essays_for_marking(
            stage_id=essay_stage,
            application_ids=[a.pk for a in applications if a.current_stage_id == essay_stage],
        )
    rows = [
        MarkingRow(a, own.get((a.pk, a.current_stage_id)), essays.get(a.pk)) for a in applications
    ]
    # Unmarked double-marking essays first: they hold the stage result up.
    return sorted(
        rows,
        key=lambda r: (r.mark is not None, not (r.essay and r.essay.is_double), r.application.code),
    )


def own_mark(*, member: CommissionMember, application: Application, stage: Stage):
    return CommissionMark.objects.filter(
        member=member, application=application, stage=stage
    ).first()


# A candidate's own acts would stamp a code with the moment it was sent (an application, an
# appeal), and a withdrawal followed by a new code would link the two codes of one person.
CANDIDATE_ACTIONS = ("application.submitted", "application.withdrawn", "appeal.submitted")
# A test is scored the moment the candidate hands it in, so its result event would carry that
# moment; results marked by the commission are the commission's acts.
COMMISSION_STAGES = (Stage.Kind.ESSAY, Stage.Kind.INTERVIEW)


def competition_ledger(*, competition: Competition) -> QuerySet:
    """The anonymised ledger an observer reads: every audit event about the competition, its
    stages, commission, applications and appeals (codes, stages, scores, reveals with
    reasons, appeal decisions), but not the candidates' own acts: the table of codes shows
    each code's status."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    def ids(queryset):
        return queryset.annotate(pk_text=Cast("pk", CharField())).values("pk_text")

    # One index lookup per kind of target, joined by UNION ALL: OR-ing the five made
    # PostgreSQL walk the whole ledger in seq order (8 s on a 2-million-event ledger; the
    # union: 0.3 s, benchmarks/pages_bench.py). Each lookup leaves out the events an
    # observer does not read as it finds them, so only the ledger's own events are looked
    # up again by id (a competition of 10,000 codes has some 25,000 events about its
    # applications, nearly all of them the candidates' own or test results).
    shown = ~Q(action__in=CANDIDATE_ACTIONS) & (
        ~Q(action="stage_result.recorded") | Q(details__stage__in=COMMISSION_STAGES)
    )
    about = [
        AuditEvent.objects.filter(
            target_type="recruitment.competition", target_id=str(competition.pk)
        ),
        AuditEvent.objects.filter(
            target_type="recruitment.application",
            target_id__in=ids(Application.objects.filter(competition=competition)),
        ),
        AuditEvent.objects.filter(
            target_type="recruitment.stage",
            target_id__in=ids(Stage.objects.filter(competition=competition)),
        ),
        AuditEvent.objects.filter(
            target_type="recruitment.commissionmember",
            target_id__in=ids(CommissionMember.objects.filter(competition=competition)),
        ),
        AuditEvent.objects.filter(
            target_type="recruitment.appeal",
            target_id__in=ids(Appeal.objects.filter(application__competition=competition)),
        ),
    ]
    matching = (
        about[0]
        .filter(shown)
        .order_by()
        .values("pk")
        .union(*(q.filter(shown).order_by().values("pk") for q in about[1:]), all=True)
    )
    return AuditEvent.objects.filter(pk__in=matching).order_by("seq")


def competition_ledger_lines(*, competition: Competition, events) -> list:
    """One page of the ledger as sentences. Two queries whatever the page holds: the
    competition's stages, and the stages of the appeals the page names."""
    events = list(events)
    stages = list(competition.stages.order_by("position").values_list("pk", "kind"))
    number = {pk: index for index, (pk, _kind) in enumerate(stages, start=1)}
    appeal_ids = [e.target_id for e in events if e.target_type == "recruitment.appeal"]
    appeal_stages = {}
    if appeal_ids:
        rows = Appeal.objects.filter(
            pk__in=[int(pk) for pk in appeal_ids if pk.isdigit()],
            application__competition=competition,
        ).values_list("pk", "stage_id", "stage__kind")
        appeal_stages = {
            str(pk): StageRef(position=number.get(stage_id, 0), kind=kind)
            for pk, stage_id, kind in rows
        }
    context = LedgerContext(
        stages={str(pk): StageRef(position=number[pk], kind=kind) for pk, kind in stages},
        appeal_stages=appeal_stages,
    )
    return ledger_lines(events, context)
