"""How far down a ranking identities may open: one more code per disqualification, in rank
order, whatever the purpose an officer picks and in whatever order they act."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from eqyzmet.errors import ApplicationError
from recruitment import services
from recruitment.models import Application, Competition, IdentityReveal
from tests.recruitment.factories import make_staff
from tests.recruitment.test_rules import _to_essay

pytestmark = pytest.mark.django_db

PURPOSES = ("winner", "reserve", "document_check")
REASON = "Document check for the appointment"


def _ranked(staff, *, n: int, reserve_size: int = 2, publish: bool = True):
    """A locked (and by default published) competition with ``n`` codes ranked 1..n."""
    competition, applications = _to_essay(staff, n=n)
    Competition.objects.filter(pk=competition.pk).update(reserve_size=reserve_size)
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for i, application in enumerate(applications):
            # Distinct scores from 5 down, so rank i+1 belongs to applications[i].
            score = Decimal(5) - Decimal(i) * Decimal("0.25")
            services.commission_mark(member=member, application=application, score=score)
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED
    if publish:
        services.competition_publish_results(competition=competition, actor=staff.hr)
    return competition, [Application.objects.get(pk=a.pk) for a in applications]


def _by_rank(competition) -> dict[int, Application]:
    return {a.rank: a for a in Application.objects.filter(competition=competition)}


def _reveal(staff, application, purpose):
    return services.application_reveal(
        application=Application.objects.get(pk=application.pk),
        actor=staff.hr,
        purpose=purpose,
        reason=REASON,
    )


def test_one_disqualification_opens_exactly_one_more_code_for_the_document_check(roles):
    """The attack: winner revealed and disqualified, then document-check reveals were
    accepted for ranks 2, 3, 4 and 5."""
    staff = make_staff()
    competition, _ = _ranked(staff, n=6, reserve_size=2)
    ranks = _by_rank(competition)
    _reveal(staff, ranks[1], "winner")
    services.application_disqualify(
        application=ranks[1], actor=staff.hr, reason="Diploma is not genuine, checked"
    )
    _reveal(staff, ranks[2], "document_check")
    for rank in (3, 4, 5, 6):
        with pytest.raises(ApplicationError, match="cannot be revealed"):
            _reveal(staff, ranks[rank], "document_check")
    # The reserve window moved down by exactly one place too: ranks 3 and 4, not 5.
    _reveal(staff, ranks[4], "reserve")
    for rank in (5, 6):
        with pytest.raises(ApplicationError, match="cannot be revealed"):
            _reveal(staff, ranks[rank], "reserve")
    revealed = set(
        IdentityReveal.objects.filter(application__competition=competition).values_list(
            "application__rank", flat=True
        )
    )
    assert revealed == {1, 2, 4}


def test_no_document_check_reveal_without_a_disqualification(roles):
    staff = make_staff()
    competition, _ = _ranked(staff, n=4, reserve_size=1)
    ranks = _by_rank(competition)
    for rank in (1, 2, 3):
        with pytest.raises(ApplicationError, match="cannot be revealed"):
            _reveal(staff, ranks[rank], "document_check")


def test_a_disqualification_before_publication_passes_the_win_to_the_next_code(roles):
    staff = make_staff()
    competition, _ = _ranked(staff, n=4, reserve_size=1, publish=False)
    ranks = _by_rank(competition)
    _reveal(staff, ranks[1], "winner")
    services.application_disqualify(
        application=ranks[1], actor=staff.hr, reason="Diploma is not genuine, checked"
    )
    services.competition_publish_results(competition=competition, actor=staff.hr)
    statuses = {rank: a.status for rank, a in _by_rank(competition).items()}
    assert statuses == {
        1: Application.Status.DISQUALIFIED,
        2: Application.Status.WINNER,
        3: Application.Status.RESERVE,
        4: Application.Status.NOT_SELECTED,
    }
    _reveal(staff, ranks[2], "winner")
    with pytest.raises(ApplicationError, match="cannot be revealed"):
        _reveal(staff, ranks[4], "reserve")


# --- The invariant, for any order of actions ----------------------------------------------

N_CODES = 6
RESERVE_SIZE = 2


class RevealLadder(RuleBasedStateMachine):
    """HR reveals any code for any purpose and disqualifies revealed codes in any order.
    After every step the revealed set is exactly what the rules allow: the first
    1 + reserve_size standing codes, plus the codes struck out above them; and a reveal was
    accepted exactly when the model says it should be."""

    staff = None
    competition = None

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.staff = make_staff()
        self.competition, _ = _ranked(self.staff, n=N_CODES, reserve_size=RESERVE_SIZE)
        self.ranks = _by_rank(self.competition)
        self.disqualified: set[int] = set()
        self.revealed: set[int] = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _standing(self) -> list[int]:
        return [r for r in range(1, N_CODES + 1) if r not in self.disqualified]

    def _allowed(self, rank: int, purpose: str) -> bool:
        if rank in self.disqualified:
            return False
        position = self._standing().index(rank)
        struck_above = sum(1 for d in self.disqualified if d < rank)
        if purpose == "winner":
            return position == 0
        if purpose == "document_check":
            return position == 0 and struck_above > 0
        return 1 <= position <= RESERVE_SIZE

    @rule(rank=st.integers(1, N_CODES), purpose=st.sampled_from(PURPOSES))
    def reveal(self, rank, purpose):
        expected = self._allowed(rank, purpose)
        try:
            _reveal(self.staff, self.ranks[rank], purpose)
        except ApplicationError:
            assert not expected, f"rank {rank} for {purpose} was refused but is allowed"
        else:
            assert expected, f"rank {rank} for {purpose} was revealed but is not allowed"
            self.revealed.add(rank)

    @rule(rank=st.integers(1, N_CODES))
    def disqualify(self, rank):
        try:
            services.application_disqualify(
                application=self.ranks[rank], actor=self.staff.hr, reason="False declaration found"
            )
        except ApplicationError:
            assert rank not in self.revealed
        else:
            assert rank in self.revealed
            self.disqualified.add(rank)

    @invariant()
    def revealed_codes_are_exactly_the_allowed_ones(self):
        if self.competition is None:
            return
        in_db = set(
            IdentityReveal.objects.filter(application__competition=self.competition)
            .values_list("application__rank", flat=True)
            .distinct()
        )
        assert in_db == self.revealed
        window = self._standing()[: 1 + RESERVE_SIZE]
        allowed = set(window) | {d for d in self.disqualified if d < max(window, default=0)}
        assert in_db <= allowed
        # Each disqualification opens one more place, no more.
        assert max(in_db, default=0) <= 1 + RESERVE_SIZE + len(self.disqualified)


def test_reveals_follow_the_ladder_in_any_order_of_actions(roles):
    run_state_machine_as_test(
        RevealLadder,
        settings=settings(
            max_examples=12,
            stateful_step_count=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
