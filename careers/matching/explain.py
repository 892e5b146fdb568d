"""The plain-language reasons shown with a match ("your 4 years of work in information
technology (private sector) count toward the 3 years required").

A match stores its reasons as keys with parameters (codes and numbers, never text), so the
page and the e-mail say them in the reader's language, whatever language the matcher ran in.
The reasons are the facts of the pair, not the model's internals: each one is true of the
candidate's own declaration and the post's published requirements.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from careers.matching.features import Pair
from eqyzmet.places import place_name
from recruitment.public import qualification_label

MAX_LINES = 4

INTEREST_TYPES = {
    "R": _("practical work"),
    "I": _("investigating"),
    "A": _("creative work"),
    "S": _("helping people"),
    "E": _("leading and persuading"),
    "C": _("organising"),
}

MESSAGES = {
    "experience": _(
        "Your %(years)s of work in %(field)s (%(sector)s) count toward the %(required)s required."
    ),
    "experience_plus": _(
        "No minimum experience is asked; your %(years)s of work in %(field)s (%(sector)s) "
        "are a plus."
    ),
    "education_field": _("Your education in %(field)s (%(level)s) is one the post accepts."),
    "education_level": _(
        "Your education (%(level)s) meets the minimum: %(required)s; any field is accepted."
    ),
    "post_field": _("The post's work is in %(field)s, the field of your studies or work."),
    "languages": _("Your languages meet the post's requirements: %(languages)s."),
    "region": _("The post is in %(region)s, a region you chose."),
    "interests": _("It suits the interests your career explorer result shows: %(types)s."),
}


def _years(value: float) -> str:
    """Whole years (or months under a year), in words with the right plural."""
    if value >= 1:
        years = int(value)
        return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}
    months = max(1, round(value * 12))
    return ngettext("%(count)s month", "%(count)s months", months) % {"count": months}


def _required(value) -> str:
    amount = Decimal(str(value)).normalize()
    count = int(amount) if amount == int(amount) else 2
    return ngettext("%(count)s year", "%(count)s years", count) % {"count": f"{amount:f}"}


def explanation(pair: Pair) -> list[dict]:
    """The reasons of one eligible pair, most telling first, as ``{"key", "params"}``."""
    lines: list[dict] = []
    group = pair.best_group
    if group is not None and pair.required_years > 0:
        lines.append(
            {
                "key": "experience",
                "params": {
                    "years": round(group.years, 2),
                    "field": group.field,
                    "sector": group.sector,
                    "required": str(pair.required_years),
                },
            }
        )
    elif group is not None:
        lines.append(
            {
                "key": "experience_plus",
                "params": {
                    "years": round(group.years, 2),
                    "field": group.field,
                    "sector": group.sector,
                },
            }
        )
    if pair.region_state == "chosen":
        lines.append({"key": "region", "params": {"region": pair.region}})
    if pair.explorer_types:
        lines.append({"key": "interests", "params": {"types": list(pair.explorer_types)}})
    education = sorted(pair.accepted_education, key=lambda e: -e["level"])
    in_post_field = [e for e in education if e["field"] == pair.post_field]
    if in_post_field or (education and pair.fields_restricted):
        best = (in_post_field or education)[0]
        lines.append(
            {"key": "education_field", "params": {"field": best["field"], "level": best["level"]}}
        )
    elif education:
        lines.append(
            {
                "key": "education_level",
                "params": {"level": education[0]["level"], "required": pair.required_level},
            }
        )
    said_already = in_post_field or (group is not None and group.field == pair.post_field)
    if (pair.post_field_years > 0 or pair.education_in_post_field) and not said_already:
        lines.append({"key": "post_field", "params": {"field": pair.post_field}})
    if pair.languages_met:
        lines.append({"key": "languages", "params": {"languages": list(pair.languages_met)}})
    return lines[:MAX_LINES]


def line_text(line: dict) -> str:
    """One stored reason in the reader's language."""
    key, params = line["key"], dict(line.get("params", {}))
    if key not in MESSAGES:
        return ""
    if "years" in params:
        params["years"] = _years(float(params["years"]))
    if "required" in params and key.startswith("experience"):
        params["required"] = _required(params["required"])
    if "field" in params:
        params["field"] = qualification_label("field", params["field"]).lower()
    if "sector" in params:
        params["sector"] = qualification_label("sector", params["sector"]).lower()
    if "level" in params:
        params["level"] = qualification_label("level", params["level"]).lower()
    if key == "education_level":
        params["required"] = qualification_label("level", params["required"]).lower()
    if "languages" in params:
        params["languages"] = ", ".join(
            qualification_label("language", code) for code in params["languages"]
        )
    if "region" in params:
        params["region"] = place_name(params["region"])
    if "types" in params:
        params["types"] = ", ".join(
            str(INTEREST_TYPES[t]) for t in params["types"] if t in INTEREST_TYPES
        )
    return str(MESSAGES[key]) % params
