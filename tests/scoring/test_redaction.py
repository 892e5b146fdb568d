import pytest

from benchmarks.redaction_eval import evaluate
from testing_center.redaction import redact_text
from tests.scoring.redaction_cases import CASES


def test_every_language_has_at_least_twenty_cases():
    for language in ("ru", "kk", "en"):
        assert sum(1 for case in CASES if case[0] == language) >= 20


@pytest.fixture(scope="module")
def figures():
    return evaluate()


@pytest.mark.parametrize("kind", ["IIN", "PHONE", "EMAIL", "URL", "HANDLE"])
def test_pattern_identifiers_are_always_redacted(figures, kind):
    assert figures[f"all/{kind}"]["recall"] == 1.0
    assert figures[f"all/{kind}"]["precision"] == 1.0


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_names_places_and_organisations_are_mostly_redacted(figures, language):
    assert figures[f"{language}/entities"]["recall"] >= 0.8
    assert figures[f"{language}/entities"]["precision"] >= 0.75


def test_redacted_text_replaces_spans_of_the_original_with_tokens():
    text = "Меня зовут Айгерим Нурланқызы, тел. +7 (701) 234-56-78, ИИН 900101300123."
    result = redact_text(text)
    assert result.text == "Меня зовут [NAME], тел. [PHONE], ИИН [IIN]."
    assert [(r.kind, text[r.start : r.end]) for r in result.redactions] == [
        ("NAME", "Айгерим Нурланқызы"),
        ("PHONE", "+7 (701) 234-56-78"),
        ("IIN", "900101300123"),
    ]
    assert result.possible_self_identification


def test_kazakh_self_introduction_is_redacted():
    result = redact_text("Менің атым Ерлан Серікұлы, мен Алматы қаласында тұрамын.")
    assert result.text == "Менің атым [NAME], мен [PLACE] қаласында тұрамын."


def test_english_contacts_are_redacted_without_the_russian_model():
    result = redact_text("My name is Daniyar Bekov, write to d.bekov@example.com or @dbekov.")
    assert result.text == "My name is [NAME], write to [EMAIL] or [HANDLE]."
    assert {r.source for r in result.redactions} <= {"pattern", "heuristic"}


def test_plain_essay_text_raises_no_flag():
    for text in (
        "Государственная служба Республики Казахстан основана на принципе законности.",
        "Мемлекеттік қызмет адалдық пен ашықтыққа негізделуі тиіс.",
        "Score 12 of 55 items; the 2024 plan has 3 stages.",
    ):
        result = redact_text(text)
        assert result.text == text and not result.possible_self_identification


def test_empty_text_is_returned_unchanged():
    assert redact_text("").text == "" and redact_text("").redactions == ()
