"""The running paper's questions and question panel, written in Python.

The paper page is what saturates first on exam day (README, capacity plan): every
candidate opens it at the start, 55 items at once. Drawn by template loops, its ~2,100
variables (each resolved, escaped and localised by the template engine) were most of its
CPU. ``paper_item`` and ``panel_link`` write the same markup with f-strings.

**Every value from outside this module is escaped** with ``html.escape`` (what Django's
``escape`` calls) or ``linebreaksbr`` (the template's own filter); integers are written
with ``int()`` so they can hold nothing else. ``tests/testing_center/delivery/
test_paper_markup.py`` checks the escaping with hostile question and option texts, and the
markup of every kind of question.

The translated words come in once a page (``{% texts %}``), never per item.
"""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def texts(**words) -> dict[str, str]:
    """``{% texts flag=t_flag ... as words %}``: the page's translated words, once a page."""
    return words


def _text(value) -> str:
    return escape(str(value))


def _options(item, position: int) -> str:
    kind = "checkbox" if item.kind == "multiple" else "radio"
    chosen = set(item.chosen)
    return "\n    ".join(
        f'<label class="tc-option"><span class="tc-key" aria-hidden="true">{n}</span>'
        f'<input type="{kind}" name="item-{position}" value="{_text(label)}"'
        f"{' checked' if label in chosen else ''}> <span>{_text(text)}</span></label>"
        for n, (label, text) in enumerate(item.options, 1)
    )


def _answer_field(item, position: int, words: dict, essay_max_words) -> str:
    """One question's answer field: options, a text line or an essay box."""
    if item.kind in ("single", "likert"):
        likert = " tc-likert" if item.kind == "likert" else ""
        return f'<div class="tc-options{likert}">\n    {_options(item, position)}\n  </div>'
    if item.kind == "multiple":
        return (
            f'<input type="hidden" name="multi-{position}" value="1">\n'
            f'  <p class="tc-hint" data-testid="multiple-hint">{_text(words["choose_all"])}</p>\n'
            f'  <div class="tc-options">\n    {_options(item, position)}\n  </div>'
        )
    answer = "" if item.answer is None else _text(item.answer)
    if item.kind == "short_text":
        return (
            f'<input class="tc-text" type="text" name="item-{position}" value="{answer}" '
            f'maxlength="500" autocomplete="off" aria-label="{_text(words["your_answer"])}">'
        )
    limit = "" if essay_max_words is None else int(essay_max_words)
    shown_limit = f" / {limit}" if essay_max_words else ""
    return (
        f'<textarea class="tc-essay" name="item-{position}" rows="14" '
        f'aria-label="{_text(words["your_essay"])}"\n'
        f'            data-max-words="{limit}">{answer}</textarea>\n'
        f'  <p class="tc-hint"><span class="tc-words">{int(item.words)}</span>{shown_limit} '
        f"{_text(words['words'])}</p>"
    )


@register.simple_tag
def paper_item(item, words: dict, essay_max_words=None) -> SafeString:
    """One question of the running paper (a ``selectors.PaperItem``) as a fieldset: the
    question, its answer field, the flag button and the saved-state line."""
    position = int(item.position)
    flagged = bool(item.flagged)
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<fieldset class="tc-item" id="item-{position}" tabindex="-1" '
        f'data-position="{position}"\n'
        f'              data-kind="{_text(item.kind)}" data-version="{int(item.version)}" '
        f'data-changed-at="{int(item.changed_at_ms)}"\n'
        f'              data-flagged="{"1" if flagged else "0"}">\n'
        f'      <legend><span class="tc-number">{position}.</span> '
        f"{linebreaksbr(item.text, autoescape=True)}</legend>\n"
        f"      {_answer_field(item, position, words, essay_max_words)}\n"
        f'      <div class="tc-item-foot">\n'
        f'        <button type="button" class="tc-flag" data-position="{position}" '
        f'aria-pressed="{"true" if flagged else "false"}"\n'
        f'                aria-keyshortcuts="F" hidden data-testid="flag">\n'
        f'          <span class="tc-flag-icon" aria-hidden="true">⚑</span> '
        f"{_text(words['flag'])}\n"
        f'          <span class="tc-flag-on" aria-hidden="true"{"" if flagged else " hidden"}>'
        f"· {_text(words['flagged'])}</span>\n"
        f"        </button>\n"
        f'        <p class="tc-item-state" aria-live="polite" data-testid="item-state"></p>\n'
        f"      </div>\n"
        f"    </fieldset>"
    )


@register.simple_tag
def panel_link(item, words: dict) -> SafeString:
    """One question's entry in the question panel: its number, and its state in an icon
    and in words for screen readers (never by colour alone)."""
    position = int(item.position)
    answered, flagged = bool(item.answered), bool(item.flagged)
    classes = (" tc-answered" if answered else "") + (" tc-flagged" if flagged else "")
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<li><a class="tc-nav-q{classes}"\n'
        f'             href="#item-{position}" data-position="{position}" '
        f'id="tc-nav-{position}">\n'
        f'        <span class="visually-hidden">{_text(words["question"])} </span>'
        f'<span class="tc-nav-number">{position}</span>\n'
        f'        <span class="tc-mark-answered"{"" if answered else " hidden"}>'
        f'<span aria-hidden="true">✓</span><span class="visually-hidden">, '
        f"{_text(words['answered'])}</span></span>\n"
        f'        <span class="tc-mark-unanswered"{" hidden" if answered else ""}>'
        f'<span class="visually-hidden">, {_text(words["not_answered"])}</span></span>\n'
        f'        <span class="tc-mark-flagged"{"" if flagged else " hidden"}>'
        f'<span aria-hidden="true">⚑</span><span class="visually-hidden">, '
        f"{_text(words['flagged'])}</span></span>\n"
        f'        <span class="tc-mark-current" hidden><span class="visually-hidden">, '
        f"{_text(words['current'])}</span></span>\n"
        f"      </a></li>"
    )
