"""Class codes: a teacher or career adviser hands a code to a class; students take the
explorer and the practice test under it without an account; the adviser sees aggregates.

Privacy rules, all enforced here and tested:

- a class's page belongs to its creator alone (anyone else gets 404);
- nothing countable is shown while fewer than ``MIN_CLASS_SIZE`` students took part — the
  explorer and the practice test are judged separately;
- only aggregates leave this module: counts per top interest type and per top family,
  value averages, the practice test's mean and distribution. No single result, no time;
- the totals cover whole batches of five (the first 5, 10, 15… in the order they came), so
  comparing the report before and after one more student took part reveals nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from careers.explorer_items import INTEREST_TYPES, WORK_VALUES
from careers.families import FAMILIES, FAMILIES_BY_SLUG, JobFamily
from careers.models import ClassGroup, ExplorerResult
from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError

MIN_CLASS_SIZE = 5
MAX_CLASSES_PER_ADVISER = 100
CODE_LENGTH = 8
# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read aloud or copied from a board survives.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CLASS_SESSION_KEY = "careers_class"


def code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalise(raw: str) -> str:
    """What a student typed, as stored: capitals, without spaces and hyphens."""
    return "".join(ch for ch in str(raw).upper() if ch not in " -\t")


def code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def practice_tag(group: ClassGroup) -> str:
    """The tag the class's practice attempts carry in the testing center."""
    return f"class-{group.code}"


@transaction.atomic
def class_create(*, adviser, name: str) -> ClassGroup:
    name = " ".join(str(name).split())
    if not name:
        raise ApplicationError(_("Give the class a name, for example 11 A."), code="no_name")
    if len(name) > 120:
        raise ApplicationError(
            _("The class name is too long (at most 120 characters)."), code="long_name"
        )
    if ClassGroup.objects.filter(adviser=adviser).count() >= MAX_CLASSES_PER_ADVISER:
        raise ApplicationError(
            _("You have reached the limit of class codes for one account."), code="too_many"
        )
    for _attempt in range(10):
        try:
            with transaction.atomic():
                group = ClassGroup.objects.create(code=code_new(), name=name, adviser=adviser)
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 25^8 codes: ten collisions in a row do not happen
        raise ApplicationError(_("Could not create a class code; try again."), code="collision")
    audit_record(action="careers.class_created", actor=adviser, target=group)
    return group


def class_by_code(raw: str) -> ClassGroup | None:
    code = code_normalise(raw)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return ClassGroup.objects.filter(code=code).first()


def classes_of(*, adviser):
    return ClassGroup.objects.filter(adviser=adviser).order_by("-created_at")


def class_of_adviser(*, adviser, code: str) -> ClassGroup | None:
    """The class if ``adviser`` created it; None for everyone else (the page answers 404)."""
    if not getattr(adviser, "is_authenticated", False):
        return None
    return ClassGroup.objects.filter(adviser=adviser, code=code_normalise(code)).first()


# --- A student's browser in a class --------------------------------------------------------


def session_class(request) -> ClassGroup | None:
    pk = request.session.get(CLASS_SESSION_KEY)
    if not pk:
        return None
    return ClassGroup.objects.filter(pk=pk).first()


def session_class_join(request, group: ClassGroup) -> None:
    from testing_center.public import practice_tag_set

    request.session[CLASS_SESSION_KEY] = group.pk
    practice_tag_set(request, practice_tag(group))


def session_class_leave(request) -> None:
    from testing_center.public import practice_tag_clear

    request.session.pop(CLASS_SESSION_KEY, None)
    practice_tag_clear(request)


# --- The adviser's aggregates ------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    label: object
    count: int
    percent: int


@dataclass(frozen=True)
class ClassAggregates:
    explorer_count: int
    explorer_shown: bool
    top_types: list[Share] = field(default_factory=list)
    top_families: list[tuple[JobFamily, Share]] = field(default_factory=list)
    value_means: list[tuple[object, int]] = field(default_factory=list)
    interest_means: list[tuple[object, int]] = field(default_factory=list)
    practice_count: int = 0
    practice_shown: bool = False
    practice_mean: float | None = None
    practice_passed: int = 0
    practice_bands: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def anything_shown(self) -> bool:
        return self.explorer_shown or self.practice_shown


def _percent(count: int, total: int) -> int:
    return round(count * 100 / total) if total else 0


def top_type(interests: dict) -> str:
    """The highest interest type; a tie goes to the first in R, I, A, S, E, C order."""
    return max(INTEREST_TYPES, key=lambda k: (interests.get(k, 0), -list(INTEREST_TYPES).index(k)))


def class_aggregates(*, group: ClassGroup) -> ClassAggregates:
    """The class's aggregates, each part empty below ``MIN_CLASS_SIZE``. Two queries."""
    from testing_center.public import practice_aggregates

    rows = list(
        ExplorerResult.objects.filter(class_group=group)
        .order_by("pk")
        .values_list("interests", "work_values", "families")
    )
    # Whole batches only: a report changes when five more students took part, never one.
    rows = rows[: len(rows) - len(rows) % MIN_CLASS_SIZE]
    practice = practice_aggregates(tag=practice_tag(group), batch=MIN_CLASS_SIZE)
    n = len(rows)
    explorer_shown = n >= MIN_CLASS_SIZE
    practice_shown = practice.sittings >= MIN_CLASS_SIZE
    result = {
        "explorer_count": n if explorer_shown else 0,
        "explorer_shown": explorer_shown,
        "practice_count": practice.sittings if practice_shown else 0,
        "practice_shown": practice_shown,
    }
    if explorer_shown:
        type_counts = dict.fromkeys(INTEREST_TYPES, 0)
        family_counts = {f.slug: 0 for f in FAMILIES}
        for interests, _values, families in rows:
            type_counts[top_type(interests)] += 1
            if families and families[0] in family_counts:
                family_counts[families[0]] += 1
        result["top_types"] = [
            Share(label=INTEREST_TYPES[k], count=c, percent=_percent(c, n))
            for k, c in sorted(type_counts.items(), key=lambda kv: -kv[1])
        ]
        result["top_families"] = [
            (
                FAMILIES_BY_SLUG[slug],
                Share(label=FAMILIES_BY_SLUG[slug].name, count=c, percent=_percent(c, n)),
            )
            for slug, c in sorted(family_counts.items(), key=lambda kv: -kv[1])
            if c
        ]
        result["value_means"] = [
            (WORK_VALUES[k], round(sum(v.get(k, 0) for _i, v, _f in rows) / n)) for k in WORK_VALUES
        ]
        result["interest_means"] = [
            (INTEREST_TYPES[k], round(sum(i.get(k, 0) for i, _v, _f in rows) / n))
            for k in INTEREST_TYPES
        ]
    if practice_shown:
        result["practice_mean"] = practice.mean_percent
        result["practice_passed"] = practice.passed
        result["practice_bands"] = [
            (low, high - 1 if high < 100 else 100, count, _percent(count, practice.sittings))
            for low, high, count in practice.distribution
        ]
    return ClassAggregates(**result)
