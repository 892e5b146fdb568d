import json

import numpy as np

from testing_center.integrity.detectors import (
    ANSWER_COPYING,
    NEAR_DUPLICATE_ANSWER,
    RAPID_GUESSING,
    RESPONSE_TIME_ANOMALY,
    AttemptTiming,
    ClosedResponses,
    OpenAnswer,
    answer_copying_flags,
    near_duplicate_answer_flags,
    response_time_flags,
)

ITEMS = [f"q{i:02d}" for i in range(55)]


def simulated_sitting(seed, n=80):
    """A clean sitting: abilities and speeds vary, distractors are unequally attractive."""
    rng = np.random.default_rng(seed)
    key = dict.fromkeys(ITEMS, "A")
    difficulty = rng.normal(0, 1, len(ITEMS))
    ability = rng.normal(0, 1, n)
    distractors = [rng.dirichlet([2, 1, 1]) for _ in ITEMS]
    responses, timings = [], []
    speed = rng.normal(0, 0.25, n)
    for c in range(n):
        choices = {}
        for i, item in enumerate(ITEMS):
            p_correct = 1 / (1 + np.exp(-(ability[c] - difficulty[i] + 0.5)))
            choices[item] = (
                "A" if rng.random() < p_correct else "BCD"[rng.choice(3, p=distractors[i])]
            )
        code = f"K7-{c:04d}"
        responses.append(ClosedResponses(code, choices))
        seconds = {
            item: float(np.exp(rng.normal(3.3 + speed[c] + 0.3 * difficulty[i], 0.35)))
            for i, item in enumerate(ITEMS)
        }
        timings.append(AttemptTiming(code, seconds, sum(seconds.values())))
    return key, responses, timings


def test_clean_sittings_raise_no_flags():
    for seed in range(4):
        key, responses, timings = simulated_sitting(seed)
        assert answer_copying_flags(responses, key) == []
        assert response_time_flags(timings, seed=0) == []


def test_rapid_guessing_and_unusual_timing_are_flagged():
    _, _, timings = simulated_sitting(10)
    timings[5] = AttemptTiming(timings[5].code, dict.fromkeys(ITEMS, 2.0), 110.0)
    slow = {item: t * 6 for item, t in timings[6].item_seconds.items()}
    timings[6] = AttemptTiming(timings[6].code, slow, sum(slow.values()))
    flags = response_time_flags(timings, seed=0)
    found = {(f.kind, f.codes) for f in flags}
    assert found == {
        (RAPID_GUESSING, (timings[5].code,)),
        (RESPONSE_TIME_ANOMALY, (timings[5].code,)),
        (RESPONSE_TIME_ANOMALY, (timings[6].code,)),
    }
    for flag in flags:
        json.dumps(flag.evidence)
    assert response_time_flags(timings, seed=0) == flags  # seeded: same flags again


def test_pair_sharing_improbably_many_wrong_answers_is_flagged():
    key, responses, _ = simulated_sitting(20)
    wrong = [sum(o != key[q] for q, o in r.choices.items()) for r in responses]
    source = int(np.argsort(wrong)[len(wrong) // 2])  # a middling candidate
    copier = (source + 1) % len(responses)
    copied = dict(responses[copier].choices)
    for i, item in enumerate(ITEMS):
        if i % 10 < 8:
            copied[item] = responses[source].choices[item]
    responses[copier] = ClosedResponses(responses[copier].code, copied)
    flags = answer_copying_flags(responses, key)
    assert [(f.kind, f.codes) for f in flags] == [
        (ANSWER_COPYING, tuple(sorted((responses[source].code, responses[copier].code))))
    ]
    evidence = flags[0].evidence
    assert evidence["identical_wrong_answers"] > evidence["expected_under_independence"]
    assert evidence["p_value"] < evidence["bonferroni_threshold"]
    json.dumps(evidence)


def test_near_duplicate_open_answers_between_candidates_are_flagged():
    essay = (
        "Государственный служащий обязан соблюдать нормы этики, быть честным и открытым "
        "перед гражданами, не допускать конфликта интересов."
    )
    answers = [
        OpenAnswer("K7-0001", "E1", essay),
        OpenAnswer("K7-0002", "E1", essay.replace("обязан", "должен").replace(",", ";")),
        OpenAnswer(
            "K7-0003",
            "E1",
            "Главное в службе — профессионализм, ответственность "
            "и уважение к людям, которым мы служим каждый день.",
        ),
        OpenAnswer(
            "K7-0004",
            "E1",
            "Этика важна, потому что доверие граждан к государству "
            "строится на поведении каждого служащего.",
        ),
        OpenAnswer("K7-0005", "E2", essay),  # another item: never compared with E1
    ]
    flags = near_duplicate_answer_flags(answers)
    assert [(f.kind, f.codes) for f in flags] == [(NEAR_DUPLICATE_ANSWER, ("K7-0001", "K7-0002"))]
    assert flags[0].evidence["cosine_similarity"] >= 0.8
    json.dumps(flags[0].evidence)


def test_distinct_open_answers_raise_no_flag():
    answers = [
        OpenAnswer(f"K7-{i:04d}", "E1", text)
        for i, text in enumerate(
            [
                "Открытые конкурсы повышают доверие граждан к государственной службе.",
                "Мемлекеттік қызметтегі ашықтық азаматтардың сенімін арттырады.",
                "Transparency in hiring makes the civil service more trusted by citizens.",
                "Анонимность кандидатов защищает от протекционизма и кумовства.",
            ]
        )
    ]
    assert near_duplicate_answer_flags(answers) == []
