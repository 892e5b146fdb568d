"""The observer reads the ledger as sentences in their language, never raw audit keys."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from django.utils.translation import override

from recruitment import services
from recruitment.ledger import SENTENCES, event_sentence
from recruitment.models import Application, Competition, IdentityReveal, Stage
from recruitment.public import stage_result_record
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db

S = Competition.Status

# One example of every action a competition writes, with the details its service records.
EXAMPLES = {
    "competition.created": [{"fields": []}],
    "competition.edited": [{"fields": ["applications_close_at", "reserve_size"]}],
    "competition.status_changed": [
        {"from": "draft", "to": "published"},
        {"from": "published", "to": "applications_closed"},
        {"from": "applications_closed", "to": "testing", "stage": "legislation_test"},
        {"from": "testing", "to": "essay", "stage": "essay"},
        {"from": "essay", "to": "written_locked", "shortlist": 3},
        {"from": "written_locked", "to": "interview", "stage": "interview"},
        {"from": "interview", "to": "ranking_locked", "ranked": 12},
        {"from": "interview", "to": "ranking_locked"},
        {"from": "ranking_locked", "to": "results_published"},
        {"from": "results_published", "to": "closed"},
        {"from": "essay", "to": "cancelled", "reason": "The post was abolished by decree"},
        {"from": "essay", "to": "some_future_status"},
    ],
    "competition.reranked": [
        {
            "ranks": {"K7-4QMX-9TZ2": [None, 2], "K7-8PLA-1QQ3": [2, 3]},
            "places": {"K7-4QMX-9TZ2": ["eliminated", "reserve"]},
            "reason": "Essay mark corrected on appeal",
        },
        {"ranks": {}, "places": {}},
    ],
    "stage.results_published": [
        {"stage": "personal_qualities", "position": 2, "passed": 14, "failed": 6},
        {},
    ],
    "stage_result.recorded": [
        {"code": "K7-4QMX-9TZ2", "stage": "essay", "score": "4.500", "passed": True},
        {"code": "K7-4QMX-9TZ2", "stage": "interview", "score": "2.000", "passed": False},
    ],
    "commission.declared": [
        {"competition": "KZ-2026-MDAI-0003", "has_conflict": False},
        {"competition": "KZ-2026-MDAI-0003", "has_conflict": True},
    ],
    "commission.marked": [{"code": "K7-4QMX-9TZ2", "stage": "interview", "score": "4"}],
    "identity.revealed": [
        {"code": "K7-4QMX-9TZ2", "purpose": "interview", "reason": "Interview shortlist"}
    ],
    "application.submitted": [{"code": "K7-4QMX-9TZ2", "eligible": True}],
    "application.withdrawn": [{"code": "K7-4QMX-9TZ2"}],
    "application.disqualified": [{"code": "K7-4QMX-9TZ2", "reason": "Forged diploma"}],
    "application.appointed": [{"code": "K7-4QMX-9TZ2"}],
    "appeal.submitted": [{"code": "K7-4QMX-9TZ2", "stage": "essay"}],
    "appeal.decided": [
        {
            "code": "K7-4QMX-9TZ2",
            "stage": "interview",
            "upheld": True,
            "corrected_score": "4.5",
            "previous_score": "2.500",
        },
        {"code": "K7-4QMX-9TZ2", "upheld": True, "corrected_score": "4.5"},
        {"code": "K7-4QMX-9TZ2", "upheld": True, "corrected_score": None},
        {"code": "K7-4QMX-9TZ2", "upheld": False, "corrected_score": None},
    ],
}

# What an audit key or a Python value looks like when it leaks onto a page.
RAW = re.compile(r"[{}_]|'from'|\bNone\b|\bTrue\b|\bFalse\b")


def _event(action: str, details: dict) -> SimpleNamespace:
    return SimpleNamespace(
        seq=1,
        created_at=timezone.now(),
        action=action,
        details=details,
        target_type="recruitment.competition",
        target_id="1",
    )


def _cases():
    return [
        pytest.param(action, details, id=f"{action}-{n}")
        for action, examples in EXAMPLES.items()
        for n, details in enumerate(examples)
    ]


def test_every_action_with_a_sentence_has_an_example_here():
    assert set(SENTENCES) == set(EXAMPLES)


@pytest.mark.parametrize(("action", "details"), _cases())
def test_every_known_action_reads_as_a_translated_sentence(action, details):
    event = _event(action, details)
    with override("en"):
        english = event_sentence(event)
    with override("ru"):
        russian = event_sentence(event)
    for sentence in (english, russian):
        assert sentence.strip()
        assert not RAW.search(sentence), sentence
        assert action not in sentence
    assert russian != english


def test_sentences_carry_the_numbers_a_reader_needs():
    with override("en"):
        assert (
            event_sentence(
                _event(
                    "stage.results_published",
                    {"stage": "personal_qualities", "position": 2, "passed": 14, "failed": 6},
                )
            )
            == "Stage 2 (Personal-qualities test): results published, 14 codes passed, 6 did not"
        )
        assert (
            event_sentence(
                _event(
                    "competition.status_changed",
                    {"from": "interview", "to": "ranking_locked", "ranked": 12},
                )
            )
            == "Ranking locked: 12 codes ranked"
        )
        assert event_sentence(_event("appeal.decided", EXAMPLES["appeal.decided"][0])) == (
            "Appeal of the “Interview” result by code K7-4QMX-9TZ2 upheld: score corrected "
            "from 2.50 to 4.50"
        )
        revealed = event_sentence(_event("identity.revealed", EXAMPLES["identity.revealed"][0]))
        assert "K7-4QMX-9TZ2 revealed by the HR officer" in revealed
        assert "Interview shortlist" in revealed


def test_scores_are_written_the_readers_way():
    event = _event("commission.marked", {"code": "K7-4QMX-9TZ2", "stage": "essay", "score": "4.5"})
    with override("en"):
        assert "4.50" in event_sentence(event)
    with override("ru"):
        assert "4,50" in event_sentence(event)


@pytest.mark.parametrize(
    "details", [{}, {"weird": {"nested": [1, 2]}}, "not a dict", {"to": {"x": 1}}]
)
def test_an_unknown_action_or_odd_details_fall_back_to_words(details):
    for action in ("essay.double_marking", "competition.status_changed"):
        event = _event(action, details)
        with override("en"):
            english = event_sentence(event)
        with override("ru"):
            russian = event_sentence(event)
        for sentence in (english, russian):
            assert not RAW.search(sentence), sentence
            assert "{" not in sentence
    with override("en"):
        assert "essay double marking" in event_sentence(_event("essay.double_marking", {}))


# --- The observer's page, after a whole competition ----------------------------------------


def _close_window(competition):
    Competition.objects.filter(pk=competition.pk).update(
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
        applications_open_at=timezone.now() - dt.timedelta(days=1),
    )
    competition.refresh_from_db()


def _record(competition, kind, scores, passed=None):
    stage = competition.stages.get(kind=kind)
    for application, score in scores.items():
        stage_result_record(
            application_id=application.pk,
            stage_id=stage.pk,
            score=Decimal(score),
            passed=True if passed is None else passed(application),
        )


def _mark_all(competition, scores):
    for member in competition.commission.all():
        for application, score in scores.items():
            services.commission_mark(member=member, application=application, score=Decimal(score))


def _age_appeal_windows(competition):
    for stage in competition.stages.exclude(results_published_at=None):
        Stage.objects.filter(pk=stage.pk).update(
            results_published_at=stage.results_published_at
            - dt.timedelta(days=competition.appeal_window_days + 1)
        )


def _whole_procedure(staff):
    """Publish, apply, two tests, essay, interview with reveals, an upheld interview appeal
    that re-ranks, results, a disqualification, the appointment and the close."""
    competition = make_competition(staff=staff)
    vacancy = competition.vacancies.get()
    services.competition_publish(competition=competition, actor=staff.hr)
    candidates = [make_candidate() for _ in range(5)]
    applications = [
        services.application_submit(
            user=c.user, competition=competition, vacancy=vacancy, consent=True
        )
        for c in candidates
    ]
    _close_window(competition)
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    _record(
        competition,
        Stage.Kind.LEGISLATION_TEST,
        dict.fromkeys(applications, 40),
        passed=lambda a: a != applications[-1],
    )
    services.competition_advance(competition=competition, actor=staff.hr)
    _record(competition, Stage.Kind.PERSONAL_QUALITIES, dict.fromkeys(applications[:4], 80))
    services.competition_advance(competition=competition, actor=staff.hr)
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
    _mark_all(competition, dict(zip(applications[:4], [5, 4, 4, 3], strict=True)))
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == S.WRITTEN_LOCKED
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    # Best essay first, so the best interview keeps the winner's place after the appeal.
    shortlist = sorted(
        Application.objects.filter(
            competition=competition, current_stage__kind="interview", status="admitted"
        ),
        key=lambda a: (-a.results.get(stage=essay).score, a.code),
    )
    for application in shortlist:
        services.application_reveal(
            application=application,
            actor=staff.hr,
            purpose=IdentityReveal.Purpose.INTERVIEW,
            reason="Interview shortlist for the commission",
        )
    services.competition_advance(competition=competition, actor=staff.hr)
    _mark_all(competition, dict(zip(shortlist, [5, 4, 2], strict=True)))
    services.competition_lock_ranking(competition=competition, actor=staff.hr)
    # The last of the shortlist failed the interview with 2; HR upholds the appeal with 4.5.
    low = shortlist[-1]
    interview = competition.stages.get(kind=Stage.Kind.INTERVIEW)
    Stage.objects.filter(pk=interview.pk).update(results_published_at=timezone.now())
    owner = next(c for c, a in zip(candidates, applications, strict=True) if a.pk == low.pk)
    appeal = services.appeal_submit(
        user=owner.user,
        application=low,
        stage=interview,
        text="My interview answers were marked without the rubric.",
    )
    services.appeal_decide(
        appeal=appeal,
        actor=staff.hr,
        upheld=True,
        answer="Upheld: the rubric gives 4.5.",
        corrected_score=Decimal("4.5"),
    )
    services.competition_publish_results(competition=competition, actor=staff.hr)
    winner = Application.objects.get(competition=competition, status="winner")
    services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    _age_appeal_windows(competition)
    services.application_appoint(application=winner, actor=staff.hr)
    services.competition_close(competition=competition, actor=staff.hr)
    return competition, appeal


def _ledger_rows(client, competition) -> list[str]:
    """Every row of the observer's ledger, page after page, as the text of its event cell."""
    rows, page = [], 1
    while True:
        response = client.get(f"/en/staff/observe/{competition.pk}/?page={page}")
        assert response.status_code == 200
        html = response.content.decode()
        for raw in ("competition.status_changed", "identity.revealed", "{&#x27;", "{'"):
            assert raw not in html
        rows += re.findall(r'data-testid="ledger-line">.*?<td>.*?</td><td>(.*?)</td></tr>', html)
        if f"?page={page + 1}" not in html:
            return rows
        page += 1


def test_the_observer_reads_a_whole_competition_as_sentences(client, roles):
    staff = make_staff()
    competition, appeal = _whole_procedure(staff)
    code = appeal.application.code
    appointed = Application.objects.get(competition=competition, status="appointed").code
    client.force_login(staff.observer)
    rows = _ledger_rows(client, competition)
    # One row for every event the observer may see, each a sentence.
    from recruitment.selectors import competition_ledger

    assert len(rows) == competition_ledger(competition=competition).count() > 40
    for row in rows:
        assert not RAW.search(row.replace("&#x27;", "'")), row
        assert "competition." not in row and "appeal." not in row and "identity." not in row
    text = "\n".join(rows)
    assert "Competition announced: applications are open" in text
    assert "Written stages locked: 3 codes shortlisted for the interview" in text
    assert f"Code {code} revealed by the HR officer" in text
    assert f"Appeal of the “Interview” result by code {code} upheld: score corrected" in text
    assert "Competition re-ranked after an appeal: code " in text
    assert "Stage 2 (Personal-qualities test): results published" in text
    assert f"Code {appointed} appointed to the post" in text
    assert "Competition closed" in text
    # The candidates' own acts (an application, an appeal, the moment a test was handed in)
    # stay off the observer's ledger.
    assert "Application received" not in text
    assert "appealed the" not in text
    assert "“Legislation test” result" not in text
    assert "“Personal-qualities test” result" not in text


def test_the_observer_page_stays_within_its_query_budget_with_appeals_on_the_page(
    client, roles, django_assert_max_num_queries
):
    staff = make_staff()
    competition, _appeal = _whole_procedure(staff)
    client.force_login(staff.observer)
    with django_assert_max_num_queries(16):
        assert client.get(f"/en/staff/observe/{competition.pk}/").status_code == 200
