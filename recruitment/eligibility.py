"""Automatic eligibility: a vacancy's structured requirements against a frozen snapshot of
the candidate's declared qualifications. Pure functions over plain data, so the same rule
runs at application time, in the admin and in tests.

The snapshot holds only structured, non-identifying facts (levels, fields, sectors, dates,
language levels); names of institutions and employers never enter it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext_lazy as _

from recruitment.models import EducationLevel, LanguageSkill

REASON_MESSAGES = {
    "education_level": _("Education: at least %(required)s required."),
    "education_field": _("Education: a degree in one of the accepted fields is required."),
    "experience_years": _(
        "Work experience: %(required)s years required, %(counted)s years counted."
    ),
    "civil_servant": _("This internal competition is open to civil servants only."),
    "civil_servant_of_body": _(
        "This internal competition is open to civil servants of the announcing body only."
    ),
    "language": _("Language: %(language)s at level %(required)s or above is required."),
}


@dataclass(frozen=True)
class Reason:
    code: str
    met: bool
    params: dict

    def as_json(self) -> dict:
        return {"code": self.code, "met": self.met, "params": self.params}


def reason_text(reason: dict) -> str:
    """The translated sentence for a stored reason, in the reader's language."""
    params = dict(reason.get("params", {}))
    if reason["code"] == "education_level":
        params["required"] = EducationLevel(params["required"]).label
    if reason["code"] == "language":
        params["language"] = dict(LanguageSkill._meta.get_field("language").choices).get(
            params["language"], params["language"]
        )
    return str(REASON_MESSAGES[reason["code"]]) % params


def _years(days: int) -> Decimal:
    return (Decimal(days) / Decimal("365.25")).quantize(Decimal("0.1"), rounding=ROUND_DOWN)


def counted_experience_days(
    experience: list[dict], *, fields: list[str], private_counts: bool, as_of: dt.date
) -> int:
    """Days of experience that count, with overlapping periods merged (two jobs at once
    count once)."""
    periods = []
    for item in experience:
        if item["sector"] == "private" and not private_counts:
            continue
        if fields and item["field"] not in fields:
            continue
        start = dt.date.fromisoformat(item["from"])
        end = dt.date.fromisoformat(item["to"]) if item.get("to") else as_of
        end = min(end, as_of)
        if end > start:
            periods.append((start, end))
    periods.sort()
    total, current_start, current_end = 0, None, None
    for start, end in periods:
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).days
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).days
    return total


def assess(
    *, vacancy, competition_kind: str, snapshot: dict, as_of: dt.date
) -> tuple[bool, list[Reason]]:
    """Every requirement of the vacancy, met or not, with the numbers that decided it."""
    reasons: list[Reason] = []
    education = snapshot.get("education", [])
    best_level = max((e["level"] for e in education), default=0)
    reasons.append(
        Reason(
            "education_level",
            best_level >= vacancy.min_education_level,
            {"required": vacancy.min_education_level},
        )
    )
    if vacancy.education_fields:
        reasons.append(
            Reason(
                "education_field",
                any(
                    e["field"] in vacancy.education_fields
                    and e["level"] >= vacancy.min_education_level
                    for e in education
                ),
                {},
            )
        )
    days = counted_experience_days(
        snapshot.get("experience", []),
        fields=vacancy.experience_fields,
        private_counts=vacancy.private_sector_counts,
        as_of=as_of,
    )
    counted = _years(days)
    reasons.append(
        Reason(
            "experience_years",
            counted >= vacancy.min_experience_years,
            {"required": str(vacancy.min_experience_years), "counted": str(counted)},
        )
    )
    if competition_kind == "internal_all":
        reasons.append(Reason("civil_servant", bool(snapshot.get("civil_servant")), {}))
    if competition_kind == "internal_body":
        reasons.append(
            Reason("civil_servant_of_body", bool(snapshot.get("civil_servant_of_body")), {})
        )
    languages = snapshot.get("languages", {})
    for language, level in sorted((vacancy.required_languages or {}).items()):
        reasons.append(
            Reason(
                "language",
                languages.get(language, 0) >= int(level),
                {"language": language, "required": int(level)},
            )
        )
    return all(r.met for r in reasons), reasons


# --- Before applying ---------------------------------------------------------------------

MET, UNMET, MISSING = "met", "unmet", "missing"

# Which part of the profile answers each requirement, and what to do there.
PROFILE_SECTION = {
    "education_level": "education",
    "education_field": "education",
    "experience_years": "experience",
    "language": "language",
    "civil_servant": "personal",
    "civil_servant_of_body": "personal",
}
FIX_MESSAGES = {
    "education": _("Add your education (level and field) to your profile, or correct it."),
    "experience": _("Add your periods of work to your profile, or correct them."),
    "language": _("Add the language and your level to your profile."),
    "personal": _("If you serve in a state body now, say so in your personal data, with the body."),
}


def requirement_state(reason: Reason, facts: dict) -> str:
    """``met``; ``missing`` when the profile says nothing the requirement could be judged
    on (no education, no work, the language not declared); otherwise ``unmet``."""
    if reason.met:
        return MET
    section = PROFILE_SECTION[reason.code]
    if section == "education" and not facts.get("education"):
        return MISSING
    if section == "experience" and not facts.get("experience"):
        return MISSING
    if section == "language" and reason.params["language"] not in facts.get("languages", {}):
        return MISSING
    return UNMET
