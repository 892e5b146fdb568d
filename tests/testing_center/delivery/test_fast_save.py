"""Autosave's one-statement path answers and stores exactly what the full path does.

Two candidates sit the same test; one's saves may take the fast path, the other's are
forced down the full one. Random sequences of saves — right and wrong labels, unknown
positions, older and newer changes, clocks that run past the deadline and the grace —
must give both the same responses and leave both papers in the same state."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from testing_center import selectors
from testing_center.delivery.fast_save import PREPARED_NAME
from testing_center.models import Attempt, AttemptItem, option_labels
from tests.testing_center.factories import make_application, make_candidate
from tests.testing_center.helpers import stamp

pytestmark = pytest.mark.django_db


def _start(client, user, contest):
    client.force_login(user)
    assert client.post(f"/ru/tests/sitting/{contest.sitting.pk}/start/").status_code == 302
    return Attempt.objects.get(sitting=contest.sitting, application__in=user_applications(user))


def user_applications(user):
    from recruitment.models import Application, IdentityEscrow
    from recruitment.public import owner_index

    ids = IdentityEscrow.objects.filter(owner_index=owner_index(user.pk)).values("application_id")
    return Application.objects.filter(pk__in=ids)


def _labels(attempt) -> dict[int, dict[str, str]]:
    return {
        item.position: option_labels(
            seed=attempt.seed, position=item.position, option_order=item.option_order
        )
        for item in attempt.items.all()
    }


def _post(client, attempt, position, answer, changed_at):
    return client.post(
        f"/en/tests/attempt/{attempt.pk}/save/",
        {"position": position, "answer": json.dumps(answer), "changed_at": changed_at},
    )


def test_the_owners_save_is_one_statement_after_the_first(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest)
    labels = _labels(attempt)
    assert _post(client, attempt, 1, labels[1]["a"], stamp()).json()["saved"] is True
    with CaptureQueriesContext(connection) as captured:
        body = _post(client, attempt, 2, labels[2]["b"], stamp()).json()
    assert body["saved"] is True and body["answer"] == labels[2]["b"]
    sql = [q["sql"] for q in captured.captured_queries]
    on_papers = [
        s for s in sql if "testing_center_" in s or "recruitment_" in s or PREPARED_NAME in s
    ]
    # One conditional UPDATE … RETURNING (on PostgreSQL prepared once per connection and
    # executed by name); nothing read about the paper or its owner.
    assert len(on_papers) == 1, sql
    assert on_papers[0].startswith(("UPDATE", f"EXECUTE {PREPARED_NAME}")), sql
    # The rest is the session and the signed-in user (both from the cache with Redis).
    assert len(sql) <= 3, sql
    assert AttemptItem.objects.get(attempt=attempt, position=2).answer == "b"


def test_someone_elses_paper_is_still_not_found(client, contest, admitted, candidate):
    attempt = _start(client, candidate, contest)
    other = make_candidate()
    make_application(contest, user=other)
    client.force_login(other)
    assert _post(client, attempt, 1, "a", stamp()).status_code == 404
    assert not AttemptItem.objects.filter(attempt=attempt, answer__isnull=False).exists()


@pytest.mark.parametrize("stale", ["seed", "application_id"])
def test_facts_left_in_the_cache_by_another_paper_never_save(
    client, contest, admitted, candidate, stale
):
    """The cache can outlive the database that it describes: a database restored from a
    backup, or a test database made afresh, gives an attempt's id to a new paper while the
    cache still holds the old paper's facts under it. Those facts (another seed: other
    labels; another application: another owner) must write nothing; the full path, which
    reads the paper itself, answers."""
    import dataclasses

    from django.core.cache import cache

    from testing_center.delivery import fast_save

    attempt = _start(client, candidate, contest)
    labels = _labels(attempt)
    facts = fast_save.paper_facts(attempt.pk)
    order = attempt.items.get(position=1).option_order
    other_seed = next(
        seed
        for seed in (f"{n:016x}" for n in range(100))
        if option_labels(seed=seed, position=1, option_order=order)[labels[1]["a"]] != "a"
    )
    if stale == "seed":
        left_over = dataclasses.replace(facts, seed=other_seed)
    else:
        left_over = dataclasses.replace(facts, application_id=facts.application_id + 1)
    if stale == "application_id":
        # The left-over facts name an application the signed-in person is taken to own.
        from recruitment.public import candidate_application_ids_cache_key

        cache.set(
            candidate_application_ids_cache_key(candidate.pk),
            {contest.sitting.stage.competition_id: left_over.application_id},
        )
    cache.set(fast_save.facts_cache_key(attempt.pk), left_over)
    fast_save.forget_facts_in_process()

    response = _post(client, attempt, 1, labels[1]["a"], stamp())

    item = AttemptItem.objects.get(attempt=attempt, position=1)
    if stale == "seed":
        # The full path read the paper's own seed: the label the candidate chose is kept.
        assert response.json()["saved"] is True
        assert response.json()["answer"] == labels[1]["a"]
        assert item.answer == "a"
    else:
        # The full path found the person does not own this paper.
        assert response.status_code == 404
        assert item.answer is None


OPTION = st.sampled_from(["a", "b", "c", "d"])
STEP = st.one_of(
    st.tuples(st.just("choose"), st.integers(1, 3) | st.integers(1, 7), OPTION, st.integers(-3, 3)),
    st.tuples(
        st.just("junk"), st.integers(1, 7), st.sampled_from(["zz", 5, [1], ""]), st.integers(-3, 3)
    ),
    st.tuples(st.just("wait"), st.integers(0, 700), st.just(None), st.just(0)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=12))
def test_the_fast_path_answers_as_the_full_path_does(client, contest, monkeypatch, steps):
    fast_user, full_user = make_candidate(), make_candidate()
    make_application(contest, user=fast_user)
    make_application(contest, user=full_user)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fast = _start(client, fast_user, contest)
        full = _start(client, full_user, contest)
        real = selectors.paper_facts_for_request
        monkeypatch.setattr(
            selectors,
            "paper_facts_for_request",
            lambda request, pk: None if pk == full.pk else real(request, pk),
        )
        labels = {fast.pk: _labels(fast), full.pk: _labels(full)}
        # Each position's last change time: a negative offset sends an older change.
        changed: dict[tuple[int, int], int] = {}
        for kind, position, value, offset in steps:
            if kind == "wait":
                clock.move_to(timezone.now() + dt.timedelta(seconds=position))
                continue
            bodies = []
            for user, attempt in ((fast_user, fast), (full_user, full)):
                client.force_login(user)
                paper = labels[attempt.pk]
                answer = paper[position][value] if kind == "choose" and position in paper else value
                last = changed.get((attempt.pk, position), int(start.timestamp() * 1000) + 5000)
                at = last + offset * 1000
                changed[(attempt.pk, position)] = at
                response = _post(client, attempt, position, answer, at)
                body = (
                    response.json()
                    if response["Content-Type"].startswith("application/json")
                    else {}
                )
                if body.get("answer") is not None and position in paper:
                    by_label = {lab: oid for oid, lab in paper[position].items()}
                    shown = body["answer"]
                    body["answer"] = (
                        [by_label.get(x, x) for x in shown]
                        if isinstance(shown, list)
                        else by_label.get(shown, shown)
                    )
                bodies.append((response.status_code, body))
            assert bodies[0] == bodies[1], (kind, position, value, offset)
        for a in (fast, full):
            a.refresh_from_db()
        assert fast.status == full.status
        assert list(
            fast.items.order_by("position").values_list(
                "position", "answer", "version", "changed_at_ms"
            )
        ) == list(
            full.items.order_by("position").values_list(
                "position", "answer", "version", "changed_at_ms"
            )
        )
