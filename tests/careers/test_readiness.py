"""Readiness practice: instant essay feedback (exact messages for crafted texts, hostile
input refused with a clear message, nothing stored) and the personal-qualities practice
questionnaire (feedback only, no "correct answer")."""

from __future__ import annotations

import pytest

from eqyzmet.errors import ApplicationError
from testing_center.public import essay_practice_feedback

# fmt: off
# 165 words (whitespace-separated), 12 sentences, 4 paragraphs; linking words: firstly,
# secondly, for example, moreover, however, in conclusion.
GOOD_ESSAY = """Trust in the civil service grows when citizens see honest and open work. I believe that every servant can earn it through daily actions.

Firstly, a servant should explain decisions in plain words. For example, a clear answer to a letter shows respect for the person who wrote it. Secondly, open data about budgets lets people check how public money is spent. Moreover, quick online services save time for families and small firms, so they feel the state works for them.

However, technology alone is not enough. Officials must keep promises, admit mistakes and treat everyone equally, whoever they are. When a citizen meets fairness at the desk, that memory lasts longer than any advertising campaign. Training in ethics and regular feedback from citizens help keep this standard high across every region of the country.

In conclusion, trust is built step by step: by clear answers, open information and fair treatment. Each of us who serves the public is responsible for it every working day."""  # noqa: E501
# fmt: on


def _messages(feedback) -> dict[str, tuple[bool, str]]:
    return {p.key: (p.ok, p.message) for p in feedback.points}


def test_a_well_shaped_essay_gets_every_point_met():
    feedback = essay_practice_feedback(GOOD_ESSAY, "en")
    assert (feedback.words, feedback.paragraphs, feedback.sentences) == (165, 4, 12)
    assert feedback.average_sentence_words == 13.8 and feedback.longest_sentence_words == 19
    assert _messages(feedback) == {
        "length": (True, "Length: 165 words, within the expected 150–250."),
        "paragraphs": (True, "Paragraphs: 4, a clear structure."),
        "introduction": (True, "Introduction: a short first paragraph opens the topic."),
        "conclusion": (True, "Conclusion: the last paragraph sums up your position."),
        "linking": (
            True,
            "Linking words: 6 different ones (however, moreover, firstly, secondly, for "
            "example, in conclusion); they guide the reader.",
        ),
        "readability": (True, "Readability: 13.8 words per sentence on average, easy to follow."),
        "variety": (True, "Vocabulary: varied, few repetitions."),
    }


def test_a_two_sentence_note_gets_what_to_fix():
    feedback = essay_practice_feedback("I like my job. It is good.", "en")
    assert _messages(feedback) == {
        "length": (
            False,
            "Length: 7 words, short of the expected 150–250; develop your arguments further.",
        ),
        "paragraphs": (
            False,
            "Paragraphs: 1. Use 3 to 5: an introduction, the body and a conclusion, each "
            "starting on a new line.",
        ),
        "introduction": (
            False,
            "Introduction: not found. Open with a short first paragraph (one to three "
            "sentences) that states your position.",
        ),
        "conclusion": (
            False,
            "Conclusion: not found. End with a separate short paragraph that sums up, for "
            "example starting with “in conclusion”.",
        ),
        "linking": (
            False,
            "Linking words: 0 different ones. Use at least 3 to connect your ideas, such as: "
            "however, therefore, for example.",
        ),
        "readability": (True, "Readability: 3.5 words per sentence on average, easy to follow."),
    }


def test_one_endless_repeated_sentence_over_the_limit():
    feedback = essay_practice_feedback("служба " * 260, "ru")
    messages = _messages(feedback)
    assert messages["length"] == (
        False,
        "Length: 260 words, over the limit of 250; in a competition, shorten it to fit.",
    )
    assert messages["readability"] == (
        False,
        "Readability: 260 words per sentence on average, the longest has 260. Split long "
        "sentences: aim for under 20 words.",
    )
    assert messages["variety"] == (
        False,
        "Vocabulary: many repetitions (“служба” appears 260 times); vary your words.",
    )
    assert messages["linking"][1].endswith("such as: однако, поэтому, например.")


def test_a_long_introduction_and_russian_linking_words_and_conclusion():
    text = (
        "Доверие важно. Оно растёт медленно. Его легко потерять. Его трудно вернуть.\n"
        "Во-первых, служащий отвечает ясно. Кроме того, он соблюдает сроки. Например, "
        "ответ на письмо приходит вовремя.\n"
        "Таким образом, доверие строится каждый день."
    )
    messages = _messages(essay_practice_feedback(text, "ru"))
    assert messages["introduction"] == (
        False,
        "Introduction: the first paragraph has 4 sentences; keep it to one to three and move "
        "the details to the body.",
    )
    assert messages["conclusion"][0] is True
    assert messages["linking"] == (
        True,
        "Linking words: 4 different ones (кроме того, во-первых, например, таким образом); "
        "they guide the reader.",
    )
    assert messages["paragraphs"] == (True, "Paragraphs: 3, a clear structure.")


def test_kazakh_linking_words_are_found_in_a_kazakh_essay():
    text = (
        "Біріншіден, қызметші адал болуы керек. Мысалы, ол уәдесін орындайды. "
        "Сондықтан оған сенеді."
    )
    feedback = essay_practice_feedback(text, "kk")
    assert feedback.linking_words == ["сондықтан", "біріншіден", "мысалы"]


def test_the_expected_range_is_a_parameter():
    feedback = essay_practice_feedback("One two three four five.", "en", min_words=3, max_words=5)
    assert _messages(feedback)["length"] == (True, "Length: 5 words, within the expected 3–5.")


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "empty", "Write or paste your essay first."),
        ("   \n\t  ", "empty", "Write or paste your essay first."),
        (
            "a" * 10_001,
            "too_long",
            "The text is too long to check: the limit is 10 000 characters (an essay is up to "
            "250 words).",
        ),
        (
            "An essay\x00 with a null",
            "control_characters",
            "The text contains control characters that are not letters or punctuation; paste "
            "it as plain text.",
        ),
        ("Escape \x1b[31m red", "control_characters", None),
    ],
)
def test_hostile_input_gets_a_clear_message(text, code, message):
    with pytest.raises(ApplicationError) as caught:
        essay_practice_feedback(text, "en")
    assert caught.value.code == code
    if message:
        assert str(caught.value.message) == message


# --- The page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_says_it_is_feedback_never_a_grade(client):
    page = client.get("/en/careers/practice/essay/").content.decode()
    assert "Feedback, never a grade that counts." in page
    assert page.count("<h1") == 1


@pytest.mark.django_db
def test_the_page_gives_feedback_and_stores_nothing(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        response = client.post(
            "/en/careers/practice/essay/", {"language": "en", "text": GOOD_ESSAY}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Length: 165 words, within the expected 150–250." in html
    assert "Conclusion: the last paragraph sums up your position." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "Write or paste your essay first."),
        ("x\x1by\x07", "The text contains control characters"),
        ("word " * 3000, "The text is too long to check"),
    ],
)
def test_the_page_shows_a_clear_message_for_hostile_input(client, text, expected):
    response = client.post("/en/careers/practice/essay/", {"language": "en", "text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html
    assert 'data-testid="feedback"' not in html


@pytest.mark.django_db
def test_a_nul_character_is_refused_by_the_site_wide_guard_with_a_message(client):
    response = client.post("/en/careers/practice/essay/", {"language": "en", "text": "x\x00y"})
    assert response.status_code == 400
    assert "The request contains invalid characters" in response.content.decode()


@pytest.mark.django_db
def test_the_page_speaks_kazakh(client):
    response = client.post("/kk/careers/practice/essay/", {"language": "kk", "text": "Сәлем."})
    assert response.status_code == 200
    assert 'data-testid="feedback"' in response.content.decode()


# --- Personal-qualities practice -----------------------------------------------------------


@pytest.mark.django_db
def test_the_personal_qualities_practice_gives_feedback_without_right_answers(client):
    from testing_center import demo
    from testing_center.models import Attempt, Blueprint
    from tests.testing_center.helpers import label

    demo.load_bank()
    demo.seed_blueprints()
    blueprint = Blueprint.objects.get(code="practice-personal-qualities")
    assert blueprint.is_practice and blueprint.kind == Blueprint.Kind.SCALE
    practice = client.get("/en/tests/practice/").content.decode()
    assert "Practice personal-qualities questionnaire" in practice
    client.post("/en/tests/practice/practice-personal-qualities/start/")
    attempt = Attempt.objects.get(blueprint=blueprint)
    assert attempt.items.count() == 10
    posted = {f"item-{i.position}": label(attempt, i, "d") for i in attempt.items.all()}
    client.post(f"/en/tests/attempt/{attempt.pk}/submit/", posted)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED
    html = client.get(f"/en/tests/attempt/{attempt.pk}/result/").content.decode()
    assert "A questionnaire has no right or wrong answers" in html
    assert "Correct answer" not in html and "Right" not in html and "Wrong" not in html
    # Each statement's feedback: what quality it is about (two of the ten, by their text).
    assert "Civil servants are accountable" in html or "Reliability shows" in html
    assert html.count('class="tc-explanation"') == 10
