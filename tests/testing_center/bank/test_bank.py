"""The question bank: edit history, status rules, import/export, the shipped demo bank."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from eqyzmet.errors import ApplicationError
from eqyzmet.models import AuditEvent
from testing_center.bank import bank_import, question_save, question_set_status
from testing_center.bank import io as bank_io
from testing_center.demo import BANK_DIR, seed_blueprints
from testing_center.models import Blueprint, Question, QuestionRevision, Topic
from tests.testing_center.factories import make_question, make_topic

pytestmark = pytest.mark.django_db

GOOD = {
    "format": "eqyzmet-question-bank",
    "version": 1,
    "topics": [{"code": "law", "name_ru": "Право", "name_kk": "Құқық", "name_en": "Law"}],
    "questions": [
        {
            "id": "law-1",
            "topic": "law",
            "kind": "single",
            "status": "active",
            "text": {"ru": "Столица?", "en": "Capital?"},
            "options": [{"id": "a", "ru": "Астана"}, {"id": "b", "ru": "Алматы"}],
            "key": ["a"],
        },
        {
            "id": "law-2",
            "topic": "law",
            "kind": "short_text",
            "status": "draft",
            "text": {"ru": "Год Конституции?"},
            "key": ["1995"],
        },
    ],
}


def test_an_edit_makes_a_new_version_with_history_and_an_audit_event():
    topic = make_topic()
    q = question_save(
        actor=None,
        topic=topic,
        external_id="x-1",
        fields={
            "kind": "single",
            "text_ru": "Вопрос",
            "options": GOOD["questions"][0]["options"],
            "key": ["a"],
            "points": 1,
        },
    )
    assert q.version == 1 and q.status == "draft"
    q = question_save(
        actor=None, topic=topic, external_id="x-1", question=q, fields={"text_ru": "Вопрос 2"}
    )
    assert q.version == 2
    assert list(QuestionRevision.objects.filter(question=q).values_list("version", flat=True)) == [
        2,
        1,
    ]
    assert QuestionRevision.objects.get(question=q, version=1).snapshot["text_ru"] == "Вопрос"
    assert AuditEvent.objects.filter(action="question.edited", target_id=str(q.pk)).count() == 1
    # Saving the same content again is not a new version.
    same = question_save(
        actor=None, topic=topic, external_id="x-1", question=q, fields={"text_ru": "Вопрос 2"}
    )
    assert same.version == 2


def test_status_follows_its_transition_table():
    q = make_question(make_topic(), status="draft")
    q = question_set_status(actor=None, question=q, status="active")
    q = question_set_status(actor=None, question=q, status="retired")
    with pytest.raises(ApplicationError) as exc:
        question_set_status(actor=None, question=q, status="draft")
    assert exc.value.code == "illegal_transition"


def test_an_invalid_question_is_refused_and_nothing_changes():
    with pytest.raises(ApplicationError):
        question_save(
            actor=None,
            topic=make_topic(),
            external_id="bad",
            fields={
                "kind": "single",
                "text_ru": "?",
                "options": [{"id": "a", "ru": "x"}],
                "key": ["z"],
            },
        )
    assert not Question.objects.exists()


def test_a_json_file_imports_and_a_second_import_changes_nothing():
    data = json.dumps(GOOD).encode()
    report = bank_import(actor=None, data=data, filename="bank.json")
    assert report.ok and report.created == 2 and report.topics_created == 1
    assert Question.objects.get(external_id="law-1").status == "active"
    again = bank_import(actor=None, data=data, filename="bank.json")
    assert again.unchanged == 2 and again.created == 0


def test_a_file_with_any_bad_row_imports_nothing_and_names_each_row():
    doc = json.loads(json.dumps(GOOD))
    doc["questions"][1]["key"] = []
    doc["questions"].append(
        {"id": "law-3", "topic": "nowhere", "kind": "essay", "text": {"ru": "?"}}
    )
    report = bank_import(actor=None, data=json.dumps(doc).encode(), filename="b.json")
    assert not report.ok
    assert {(e.row, e.field) for e in report.errors} == {(2, "key"), (3, "topic")}
    assert not Question.objects.exists() and not Topic.objects.exists()


def test_csv_round_trip_and_row_errors_by_line():
    bank_import(actor=None, data=json.dumps(GOOD).encode(), filename="bank.json")
    questions = list(Question.objects.select_related("topic").order_by("external_id"))
    text = bank_io.export_csv(questions)
    parsed = bank_io.parse_csv(text.encode())
    assert not parsed.errors
    assert [q.as_fields()["key"] for q in parsed.questions] == [["a"], ["1995"]]
    broken = text.replace("law-2,law,short_text", "law-2,law,riddle")
    report = bank_import(actor=None, data=broken.encode(), filename="bank.csv")
    assert [(e.row, e.field) for e in report.errors] == [(3, "kind")]


def test_the_import_command_refuses_a_bad_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError):
        call_command("testing_bank_import", str(bad))
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD))
    call_command("testing_bank_import", str(good))
    assert Question.objects.count() == 2


def test_the_shipped_bank_covers_the_legislation_test_and_seeds_its_blueprint():
    call_command("testing_bank_import", "--seed")
    counts = Counter(Question.objects.filter(status="active").values_list("topic__code", flat=True))
    for code in ("constitution", "civil-service", "anti-corruption"):
        assert counts[code] >= 15
    assert counts["ethics"] >= 10
    assert counts["personal-qualities"] >= 10 and counts["essay"] == 2
    legislation = Blueprint.objects.get(code="kz-legislation")
    assert legislation.time_limit_seconds == 55 * 60 and legislation.pass_min_correct == 30
    assert [(s.topic.code, s.item_count, s.min_correct) for s in legislation.sections.all()] == [
        ("constitution", 15, 5),
        ("civil-service", 15, 5),
        ("anti-corruption", 15, 5),
        ("ethics", 10, 5),
    ]
    essay = Blueprint.objects.get(code="kz-essay")
    assert (essay.essay_max_words, essay.time_limit_seconds) == (250, 45 * 60)
    practice = Blueprint.objects.get(code="practice-legislation")
    assert all(s.topic.is_practice for s in practice.sections.all())
    pq_practice = Blueprint.objects.get(code="practice-personal-qualities")
    assert all(s.topic.is_practice for s in pq_practice.sections.all())
    seed_blueprints()
    assert Blueprint.objects.count() == 5
    assert (BANK_DIR / "FORMAT.md").exists()
