"""No English on a Kazakh or Russian page.

With the demo data seeded, a crawler follows every link an anonymous visitor and the demo
candidate can reach under /kk/ and /ru/ (and the forms a visitor posts: registration with a
weak password, a failed sign-in, an empty and a filed ethics report, following a report by
its receipt code, a citizen's rating code), takes the text a person sees, and fails on any
English word left in it, or on a sentence ending in two full stops ("5:53 a.m..").

What counts as visible: text outside <script>, <style>, <template> and <noscript>, plus the
attributes people read (placeholder, title, alt, aria-label, the label of a submit button).
Text inside an element whose ``lang`` names another language is not a leak (the language
switcher's "English" is marked lang="en").

What is allowed (removed before looking for English), and why:
- e-mail addresses and URLs;
- codes with digits or hyphens: KZ-2026-MDAI-0001, K7-4QMX-9TZ2, EQYZ-MET5-STAR, B-4;
- acronyms of up to five capital letters (PDF, JPEG, KPI, QR): they are written so in kk/ru;
- the brand "eQyzmet" and the degree "PhD" (written so in Kazakh and Russian);
- words of one or two letters (Latin category letters "A", "B");
- what people typed: lines of at least 12 characters stored in a text field that is not a
  translated variant (an ethics report, an appeal and its answer, a service's name). A
  person writes in their own language; the interface around it must still be kk/ru.
  Fields with a language suffix (title_en, text_en) are not exempt: showing the English
  variant on a Kazakh page is a leak.
Everything else written in Latin letters of three or more is an English leak.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from eqyzmet.models import StateBody, User
from ethics.models import REPORT_CATEGORIES
from tests.browser_pages import seed_demo
from tests.recruitment.crawler import crawl

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip
READ_ATTRIBUTES = ("placeholder", "title", "alt", "aria-label")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|www\.)\S+|/[\w./?=&%-]*[\w/]")
# A code has digits or is capitals joined by hyphens; "e-mail" or "read-only" is a word.
CODE = re.compile(r"\b\w*\d\w*(?:[-.]\w+)*\b|\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b")
ACRONYM = re.compile(r"\b[A-Z]{1,5}s?\b")
BRAND = re.compile(r"\b(?:eQyzmet|PhD)\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
DOUBLE_STOP = re.compile(r"\S{0,12}(?<!\.)\.\.(?!\.)")
LANGUAGE_VARIANT = re.compile(r"_(kk|ru|en)$")
PROJECT_APPS = {"eqyzmet", "recruitment", "testing_center", "evaluation", "ethics"}


class VisibleText(HTMLParser):
    """The text of a page a person reads, in the page's own language."""

    def __init__(self, page_language: str):
        super().__init__(convert_charrefs=True)
        self.page_language = page_language
        # One entry per open element: is its content hidden or in another language?
        self.stack: list[bool] = []
        self.parts: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = (attributes.get("lang") or self.page_language).split("-")[0]
        skip = tag in HIDDEN_ELEMENTS or lang != self.page_language
        if not self.skipping and not skip:
            self.parts.extend(
                attributes[name] or "" for name in READ_ATTRIBUTES if name in attributes
            )
            if tag == "input" and attributes.get("type") in ("submit", "button"):
                self.parts.append(attributes.get("value") or "")
        if tag not in VOID_ELEMENTS:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_parts(html: str, language: str) -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    return parser.parts


def visible_text(html: str, language: str) -> str:
    return " ".join(" ".join(part.split()) for part in visible_parts(html, language))


def english_words(html: str, *, language: str, typed: tuple[str, ...] = ()) -> list[str]:
    """The English words a person would see on a page that should be in ``language``."""
    leaks = []
    for part in visible_parts(html, language):
        text = " ".join(part.split())
        for line in typed:
            text = text.replace(line, " ")
        for pattern in (EMAIL, URL, BRAND, CODE, ACRONYM):
            text = pattern.sub(" ", text)
        leaks.extend(LATIN_WORD.findall(text))
    return leaks


def test_the_detector_catches_english_and_lets_codes_and_marked_languages_through():
    page = (
        '<html lang="kk"><head><title>Бос орындар · eQyzmet</title><style>body{}</style></head>'
        '<body><script>var x = "hello";</script><p>KZ-2026-MDAI-0001 · K7-4QMX-9TZ2 · B-4 · PDF'
        " · candidate@demo.eqyzmet.kz · https://eqyzmet.gov.kz</p>"
        '<button lang="en">English</button><input placeholder="Іздеу"></body></html>'
    )
    assert english_words(page, language="kk") == []
    assert english_words('<p>Ашық <button type="submit">Open it</button></p>', language="kk") == [
        "Open"
    ]
    assert english_words('<input type="submit" value="Search">', language="ru") == ["Search"]
    assert english_words('<a title="Sign in">→</a>', language="ru") == ["Sign"]
    assert english_words("<p>380000–480000 tenge</p>", language="ru") == ["tenge"]
    assert english_words("<p>C-O-5 · e-mail</p>", language="ru") == ["mail"]
    typed = ("Gift requested to speed up a licence",)
    assert (
        english_words("<h1>Gift requested to speed up a licence</h1>", language="kk", typed=typed)
        == []
    )
    assert DOUBLE_STOP.findall(visible_text("<p>до 5:53 a.m..</p>", "ru")) == ["a.m.."]
    assert DOUBLE_STOP.findall(visible_text("<p>Жүктелуде...</p>", "kk")) == []


def _typed_lines() -> tuple[str, ...]:
    """Every line people typed into an untranslated text field, longest first."""
    lines: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and not field.choices
            and not LANGUAGE_VARIANT.search(field.name)
        ]
        for row in model._default_manager.values_list(*names) if names else ():
            for value in row:
                for line in str(value or "").splitlines():
                    line = " ".join(line.split())
                    if len(line) >= 12 and LATIN_WORD.search(line):
                        lines.add(line)
    return tuple(sorted(lines, key=len, reverse=True))


def _anonymous_seeds(lang: str) -> list[str]:
    return [
        f"/{lang}/",
        f"/{lang}/vacancies/",
        f"/{lang}/accounts/login/",
        f"/{lang}/accounts/register/",
        f"/{lang}/accounts/password/reset/",
        f"/{lang}/ethics/",
        f"/{lang}/ethics/report/",
        f"/{lang}/ethics/follow/",
        f"/{lang}/evaluation/rate/",
        f"/{lang}/tests/practice/",
    ]


def _candidate_seeds(lang: str) -> list[str]:
    return [
        *_anonymous_seeds(lang)[:2],
        f"/{lang}/my/profile/",
        f"/{lang}/my/applications/",
        f"/{lang}/tests/",
        f"/{lang}/tests/practice/",
        f"/{lang}/ethics/report/",
        f"/{lang}/evaluation/rate/",
    ]


def _posted_pages(client: Client, lang: str) -> dict[str, str]:
    """Pages that open only after a form: their text matters as much as any link's."""
    pages = {}
    weak = client.post(
        f"/{lang}/accounts/register/",
        {"email": "newcomer@example.kz", "password1": "12345", "password2": "12345"},
    )
    pages["registration with a weak password"] = weak.content.decode()
    followed = client.post(f"/{lang}/ethics/follow/", {"code": "4821 7390 1645 2208"}, follow=True)
    pages["an ethics report followed by its receipt"] = followed.content.decode()
    rated = client.post(f"/{lang}/evaluation/rate/", {"code": "EQYZ-MET5-STAR"}, follow=True)
    pages["a citizen's rating form"] = rated.content.decode()
    pages["an empty ethics report"] = client.post(f"/{lang}/ethics/report/", {}).content.decode()
    body = StateBody.objects.get(code="mdai")
    filed = client.post(
        f"/{lang}/ethics/report/",
        {
            "category": REPORT_CATEGORIES[0].value,
            "state_body": body.pk,
            "subject": "Сыйлық сұралды",
            "description": "Лицензия бөлімінің қызметкері сыйлық сұрады.",
        },
        follow=True,
    )
    pages["an ethics report's receipt"] = filed.content.decode()
    wrong = client.post(f"/{lang}/accounts/login/", {"username": "x@example.kz", "password": "x"})
    pages["a failed sign-in"] = wrong.content.decode()
    return pages


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_on_any_page_a_candidate_or_a_visitor_reaches(lang):
    seed_demo()
    typed = _typed_lines()
    leaks: dict[str, list[str]] = {}

    def check(url: str, body: bytes) -> None:
        if not body.lstrip().startswith(b"<"):
            return
        html = body.decode("utf-8", "replace")
        words = english_words(html, language=lang, typed=typed)
        # A sentence that ends in a date or a time ends with one full stop ("5:53 a.m..").
        words += [f"double full stop: …{m}" for m in DOUBLE_STOP.findall(visible_text(html, lang))]
        if words:
            leaks[url] = sorted(set(words))

    visitor = Client()
    visited = crawl(visitor, _anonymous_seeds(lang), check=check, allowed_prefixes=(f"/{lang}/",))
    for what, html in _posted_pages(Client(), lang).items():
        check(f"visitor: {what}", html.encode())

    candidate = Client()
    candidate.force_login(User.objects.get(email="candidate@demo.eqyzmet.kz"))
    visited += crawl(
        candidate, _candidate_seeds(lang), check=check, allowed_prefixes=(f"/{lang}/",)
    )

    # The crawl reached the pages that matter, not only the front page.
    for page in (r"/vacancies/\d+/", r"/my/applications/\w+/", r"/my/profile/", r"/tests/"):
        assert any(re.search(f"^/{lang}{page}$", url) for url in visited), page
    assert not leaks, "\n".join(f"{url}: {', '.join(words)}" for url, words in leaks.items())
