"""The explorer's item bank: 30 work-interest statements (five for each of the six types in
the RIASEC tradition) and 12 work-value statements (two for each value), answered on a
five-point scale. Written for this portal in English, Kazakh and Russian (the translations
live in the message catalogues); they are guidance items, not a validated instrument.

An item's ``key`` is stored nowhere (results keep scores only) but names the form field,
so keys are stable: change an item's wording freely, never reuse a key for another scale.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INTEREST = "interest"
VALUE = "value"

# The six interest types, in the order of the hexagon (R, I, A, S, E, C).
INTEREST_TYPES: dict[str, Promise] = {
    "R": _("Realistic: practical, hands-on work"),
    "I": _("Investigative: analysing and finding out"),
    "A": _("Artistic: creating and expressing"),
    "S": _("Social: helping and teaching people"),
    "E": _("Enterprising: leading and persuading"),
    "C": _("Conventional: order, rules and accuracy"),
}

WORK_VALUES: dict[str, Promise] = {
    "stability": _("Stability"),
    "helping": _("Helping people"),
    "influence": _("Influence"),
    "expertise": _("Expertise"),
    "variety": _("Variety"),
    "autonomy": _("Independence"),
}

# (score, label) — the Likert scale of each kind of item.
INTEREST_SCALE: tuple[tuple[int, Promise], ...] = (
    (1, _("Strongly dislike")),
    (2, _("Dislike")),
    (3, _("Neither like nor dislike")),
    (4, _("Like")),
    (5, _("Strongly like")),
)
VALUE_SCALE: tuple[tuple[int, Promise], ...] = (
    (1, _("Not important")),
    (2, _("Slightly important")),
    (3, _("Moderately important")),
    (4, _("Important")),
    (5, _("Very important")),
)


@dataclass(frozen=True)
class Item:
    key: str
    kind: str  # INTEREST or VALUE
    dimension: str  # an interest letter or a value key
    text: Promise

    @property
    def scale(self) -> tuple[tuple[int, Promise], ...]:
        return INTEREST_SCALE if self.kind == INTEREST else VALUE_SCALE


def _interest(key: str, text: Promise) -> Item:
    return Item(key=key, kind=INTEREST, dimension=key[0], text=text)


def _value(key: str, dimension: str, text: Promise) -> Item:
    return Item(key=key, kind=VALUE, dimension=dimension, text=text)


INTEREST_ITEMS: tuple[Item, ...] = (
    _interest("R1", _("Set up and repair computers, networks or equipment")),
    _interest("R2", _("Inspect roads, buildings or farms on site")),
    _interest("R3", _("Work outdoors checking that rules are kept")),
    _interest("R4", _("Operate instruments or machines to measure something")),
    _interest("R5", _("Organise the practical side of an emergency response")),
    _interest("I1", _("Analyse data to find out why a problem occurs")),
    _interest("I2", _("Study how a new law would change people's lives")),
    _interest("I3", _("Check the facts and figures in a report for errors")),
    _interest("I4", _("Learn in detail how a complex system works")),
    _interest("I5", _("Compare several solutions and test which one works best")),
    _interest("A1", _("Write a text that explains a public decision in plain words")),
    _interest("A2", _("Design a poster, a web page or a presentation")),
    _interest("A3", _("Come up with new ideas for a public service")),
    _interest("A4", _("Prepare a speech or a video for citizens")),
    _interest("A5", _("Translate or edit texts from one language into another")),
    _interest("S1", _("Help a person with a problem find a way out")),
    _interest("S2", _("Explain the rules to citizens patiently")),
    _interest("S3", _("Teach or train a group of people")),
    _interest("S4", _("Work with families, older people or people with disabilities")),
    _interest("S5", _("Listen to complaints and settle them fairly")),
    _interest("E1", _("Lead a team towards a goal")),
    _interest("E2", _("Persuade others to support a project")),
    _interest("E3", _("Represent your organisation at a meeting")),
    _interest("E4", _("Take decisions and answer for the results")),
    _interest("E5", _("Negotiate an agreement between two sides")),
    _interest("C1", _("Keep records and documents in perfect order")),
    _interest("C2", _("Check that a budget is spent according to the rules")),
    _interest("C3", _("Follow a clear procedure step by step")),
    _interest("C4", _("Fill in tables and registers accurately")),
    _interest("C5", _("Plan a schedule and keep to deadlines")),
)

VALUE_ITEMS: tuple[Item, ...] = (
    _value("V1", "stability", _("A steady job with a reliable salary")),
    _value("V2", "stability", _("Knowing clearly what is expected of me")),
    _value("V3", "helping", _("Work that makes life better for other people")),
    _value("V4", "helping", _("Serving my community and my country")),
    _value("V5", "influence", _("Having a say in important decisions")),
    _value("V6", "influence", _("Being responsible for people or resources")),
    _value("V7", "expertise", _("Becoming an expert in my field")),
    _value("V8", "expertise", _("Learning all the time and improving my skills")),
    _value("V9", "variety", _("Different tasks from day to day")),
    _value("V10", "variety", _("Meeting many different people")),
    _value("V11", "autonomy", _("Deciding myself how to do my work")),
    _value("V12", "autonomy", _("Being free to try my own ideas")),
)

ITEMS: tuple[Item, ...] = INTEREST_ITEMS + VALUE_ITEMS
ITEMS_BY_KEY: dict[str, Item] = {item.key: item for item in ITEMS}
