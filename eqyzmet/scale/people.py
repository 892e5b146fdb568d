"""State bodies, accounts with their roles, and candidates with encrypted profiles.

Every personal value is encrypted on its own (a fresh Fernet token per value, under the
vault's keys) and every IIN is a different valid number: the vault and the one-profile-per-
IIN rule hold for the seeded people as for registered ones.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from eqyzmet.roles import ADMIN_ROLES, SCOPED_ROLES, Role
from eqyzmet.scale import words
from eqyzmet.scale.loader import AuditLog, Loader, model
from eqyzmet.scale.plan import DEPARTMENTS_PER_MINISTRY, Plan
from eqyzmet.vault import blind_index, encrypt_text
from recruitment.iin import iin_with_check_digit

EMAIL_DOMAIN = "scale.eqyzmet.kz"
LANGUAGE_WEIGHTS = (("kk", 5), ("ru", 4), ("en", 1))


@dataclass(frozen=True, slots=True)
class Body:
    id: int
    path: str
    region: str
    top_id: int  # the ministry, akimat or agency at the root of its branch


@dataclass(slots=True)
class Candidate:
    """What the seed needs to know of a candidate to apply on their behalf: the structured
    declaration (no names), as ``recruitment.services.profiles`` reads it from the profile."""

    user_id: int
    education: list[dict]
    experience: list[dict]  # sector, field, from, to (ISO dates; "to" None while current)
    languages: dict[str, int]
    civil_servant: bool
    current_body_path: str | None
    competitions: set[int] = field(default_factory=set)


def unusable_password() -> str:
    """As ``make_password(None)``: nobody signs in with a password to a seeded account (the
    benchmark signs people in by session)."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def role_groups() -> dict[str, int]:
    from eqyzmet.services import roles_setup

    roles_setup()
    group = model("auth.Group")
    return dict(group.objects.filter(name__in=Role.values).values_list("name", "pk"))


def bodies_create(*, loader: Loader, audit: AuditLog, plan: Plan, run: int, now) -> list[Body]:
    state_body = model("eqyzmet.StateBody")
    first = loader.ids(state_body, plan.bodies)
    rows, bodies = [], []
    next_id = first
    for m in range(plan.ministries):
        top_id = next_id
        next_id += 1
        region = words.REGIONS[m % len(words.REGIONS)]
        if m < len(words.MINISTRIES):
            kk, ru, en = words.MINISTRIES[m]
            kind = "ministry"
        else:
            n = m - len(words.MINISTRIES) + 1
            kk, ru, en = (
                f"{region} әкімдігі {n}",
                f"Акимат {region} {n}",
                f"Akimat of {region} {n}",
            )
            kind = "akimat"
        code = f"s{run}-b{m + 1:03d}"
        top = Body(top_id, f"/{top_id}/", region, top_id)
        bodies.append(top)
        rows.append((top_id, code, kk, ru, en, kind, region, None, top.path))
        for d in range(DEPARTMENTS_PER_MINISTRY):
            dkk, dru, den = words.DEPARTMENTS[(m + d) % len(words.DEPARTMENTS)]
            body = Body(next_id, f"{top.path}{next_id}/", region, top_id)
            bodies.append(body)
            rows.append(
                (
                    next_id,
                    f"{code}-d{d + 1}",
                    f"{kk}: {dkk}",
                    f"{ru}: {dru}",
                    f"{en}: {den}",
                    "department",
                    region,
                    top_id,
                    body.path,
                )
            )
            next_id += 1
    loader.copy(
        state_body,
        ["id", "code", "name_kk", "name_ru", "name_en", "kind", "region", "parent", "path"],
        rows,
    )
    for body in bodies:
        audit.add(
            "state_body.created",
            at=now,
            target_type="eqyzmet.statebody",
            target_id=body.id,
            state_body_id=body.id,
        )
    return bodies


def users_create(
    *,
    loader: Loader,
    rng: random.Random,
    count: int,
    email: str,
    joined: list[dt.datetime],
    staff: bool = False,
) -> int:
    """``count`` accounts with e-mails ``email.format(n=…)``; returns the first id."""
    user = model("eqyzmet.User")
    first = loader.ids(user, count)
    names, weights = zip(*LANGUAGE_WEIGHTS, strict=True)
    languages = rng.choices(names, weights=weights, k=count)
    loader.copy(
        user,
        [
            "id",
            "password",
            "is_superuser",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "language",
        ],
        (
            (
                first + n,
                unusable_password(),
                False,
                email.format(n=n + 1),
                staff,
                True,
                joined[n],
                languages[n],
            )
            for n in range(count)
        ),
    )
    return first


def roles_grant(
    *,
    loader: Loader,
    audit: AuditLog,
    groups: dict[str, int],
    grants: list[tuple[int, str, int | None]],
    at: dt.datetime,
) -> None:
    """As ``staff_assign`` for each (user id, role, state body id): the group, and for a
    scoped role the assignment and its audit event."""
    membership = model("eqyzmet.User")._meta.get_field("groups").remote_field.through
    first = loader.ids(membership, len(grants))
    loader.copy(
        membership,
        ["id", "user", "group"],
        ((first + n, user_id, groups[role]) for n, (user_id, role, _b) in enumerate(grants)),
    )
    scoped = [(u, r, b) for u, r, b in grants if Role(r) in SCOPED_ROLES]
    if not scoped:
        return
    assignment = model("eqyzmet.StaffAssignment")
    first = loader.ids(assignment, len(scoped))
    loader.copy(
        assignment,
        ["id", "user", "role", "state_body", "created_at"],
        ((first + n, u, r, b, at) for n, (u, r, b) in enumerate(scoped)),
    )
    for n, (user_id, role, body_id) in enumerate(scoped):
        audit.add(
            "staff.assigned",
            at=at,
            target_type="eqyzmet.staffassignment",
            target_id=first + n,
            state_body_id=body_id,
            details={"user_id": user_id, "role": role},
        )
    admins = sorted({u for u, r, _b in grants if Role(r) in ADMIN_ROLES})
    if admins:
        model("eqyzmet.User").objects.filter(pk__in=admins).update(is_staff=True)


def _iin(rng: random.Random, born: dt.date, woman: bool, taken: set[str]) -> tuple[str, str]:
    """A valid IIN for the birth date and sex, and its blind index, unlike any in ``taken``
    (blind indexes: the vault's own uniqueness key)."""
    century = (3 if born.year < 2000 else 5) + (1 if woman else 0)
    while True:
        iin = iin_with_check_digit(f"{born:%y%m%d}{century}{rng.randrange(10000):04d}")
        if iin is None:
            continue
        index = blind_index(iin, purpose="iin")
        if index not in taken:
            taken.add(index)
            return iin, index


def _career(rng: random.Random, today: dt.date, born: dt.date) -> tuple[list, list, dict]:
    levels = rng.choices((2, 3, 4, 5), weights=(5, 60, 30, 5))[0]
    fields = [d[3] for d in words.DIVISIONS]
    field = rng.choice(fields)
    graduated = min(born.year + 22 + (levels - 3), today.year)
    education = [{"level": levels, "field": field, "year": graduated}]
    if levels >= 4 and rng.random() < 0.3:
        education.append({"level": 3, "field": rng.choice(fields), "year": graduated - 2})
    experience = []
    start = dt.date(graduated, 9, 1) + dt.timedelta(days=rng.randrange(0, 200))
    for _job in range(rng.choices((0, 1, 2, 3), weights=(10, 40, 35, 15))[0]):
        if start >= today:
            break
        length = dt.timedelta(days=rng.randrange(200, 2500))
        end = start + length
        current = end >= today
        experience.append(
            {
                "sector": rng.choices(
                    ("public", "quasi_public", "private", "non_profit"), weights=(45, 15, 35, 5)
                )[0],
                "field": rng.choice(fields) if rng.random() < 0.4 else field,
                "from": start.isoformat(),
                "to": None if current else end.isoformat(),
            }
        )
        if current:
            break
        start = end + dt.timedelta(days=rng.randrange(0, 120))
    languages = {"kk": rng.choice((2, 3, 4, 4)), "ru": rng.choice((3, 4, 4))}
    if rng.random() < 0.5:
        languages["en"] = rng.choice((1, 2, 3))
    return education, experience, languages


def candidates_create(
    *,
    loader: Loader,
    audit: AuditLog,
    rng: random.Random,
    plan: Plan,
    run: int,
    bodies: list[Body],
    groups: dict[str, int],
    now: dt.datetime,
) -> list[Candidate]:
    """Accounts, the candidate role, one profile each with education, experience and
    languages; as ``profile_save`` and the profile pages write them."""
    count = plan.candidates
    today = now.date()
    joined = [now - dt.timedelta(days=rng.randrange(30, 900)) for _ in range(count)]
    first_user = users_create(
        loader=loader,
        rng=rng,
        count=count,
        email=f"candidate{{n}}.s{run}@{EMAIL_DOMAIN}",
        joined=joined,
    )
    roles_grant(
        loader=loader,
        audit=audit,
        groups=groups,
        grants=[(first_user + n, Role.CANDIDATE.value, None) for n in range(count)],
        at=now,
    )
    profile = model("recruitment.CandidateProfile")
    first_profile = loader.ids(profile, count)
    taken = set(profile.objects.values_list("iin_index", flat=True))
    candidates: list[Candidate] = []
    profiles, educations, jobs, languages = [], [], [], []
    for n in range(count):
        woman = rng.random() < 0.5
        born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 38))
        iin, iin_index = _iin(rng, born, woman, taken)
        first_name = rng.choice(words.FIRST_NAMES_F if woman else words.FIRST_NAMES_M)
        surname = rng.choice(words.SURNAMES)
        father = rng.choice(words.FATHER_NAMES) + ("қызы" if woman else "ұлы")
        civil_servant = rng.random() < 0.3
        body = rng.choice(bodies) if civil_servant else None
        education, experience, skills = _career(rng, today, born)
        pk = first_profile + n
        created = joined[n] + dt.timedelta(minutes=rng.randrange(5, 600))
        profiles.append(
            (
                pk,
                first_user + n,
                encrypt_text(f"{first_name} {surname} {father}"),
                encrypt_text(iin),
                iin_index,
                False,
                encrypt_text(born.isoformat()),
                encrypt_text(
                    f"+7 70{rng.randrange(10)} {rng.randrange(1000):03d} "
                    f"{rng.randrange(100):02d} {rng.randrange(100):02d}"
                ),
                civil_servant,
                body.id if body else None,
                created,
                created,
            )
        )
        for item in education:
            institution = encrypt_text(rng.choice(words.UNIVERSITIES))
            educations.append((pk, item["level"], item["field"], institution, item["year"]))
        for item in experience:
            jobs.append(
                (
                    pk,
                    item["sector"],
                    item["field"],
                    encrypt_text(rng.choice(words.EMPLOYERS)),
                    dt.date.fromisoformat(item["from"]),
                    dt.date.fromisoformat(item["to"]) if item["to"] else None,
                )
            )
        for language, level in skills.items():
            languages.append((pk, language, level))
        candidates.append(
            Candidate(
                user_id=first_user + n,
                education=[{"level": e["level"], "field": e["field"]} for e in education],
                experience=experience,
                languages=skills,
                civil_servant=civil_servant,
                current_body_path=body.path if body else None,
            )
        )
        audit.add(
            "profile.created",
            at=created,
            target_type="recruitment.candidateprofile",
            target_id=pk,
        )
    loader.copy(
        profile,
        [
            "id",
            "user",
            "full_name",
            "iin",
            "iin_index",
            "iin_conflict",
            "birth_date",
            "phone",
            "is_civil_servant",
            "current_body",
            "created_at",
            "updated_at",
        ],
        profiles,
    )
    _numbered(
        loader,
        model("recruitment.Education"),
        ["profile", "level", "field", "institution", "graduation_year"],
        educations,
    )
    _numbered(
        loader,
        model("recruitment.Experience"),
        ["profile", "sector", "field", "employer", "started_on", "ended_on"],
        jobs,
    )
    _numbered(
        loader, model("recruitment.LanguageSkill"), ["profile", "language", "level"], languages
    )
    return candidates


def _numbered(loader: Loader, model_class, fields: list[str], rows: list[tuple]) -> int:
    """COPY rows that get consecutive new primary keys; returns the first."""
    first = loader.ids(model_class, max(len(rows), 1))
    loader.copy(model_class, ["id", *fields], ((first + n, *row) for n, row in enumerate(rows)))
    return first


@dataclass(frozen=True)
class Staff:
    """Per top body (user ids): the HR officer who ran its competitions, the commission
    members they were drawn from, and the ethics commissioner who handles its cases."""

    hr: dict[int, int]
    commission: dict[int, list[int]]
    ethics: dict[int, int]


def staff_create(
    *,
    loader: Loader,
    audit: AuditLog,
    rng: random.Random,
    run: int,
    tops: list[Body],
    groups: dict[str, int],
    now: dt.datetime,
    members: int = 6,
) -> Staff:
    per_body = members + 2
    count = per_body * len(tops)
    first = users_create(
        loader=loader,
        rng=rng,
        count=count,
        email=f"staff{{n}}.s{run}@{EMAIL_DOMAIN}",
        joined=[now - dt.timedelta(days=800)] * count,
    )
    hr: dict[int, int] = {}
    commission: dict[int, list[int]] = {}
    ethics: dict[int, int] = {}
    grants = []
    for index, top in enumerate(tops):
        base = first + index * per_body
        hr[top.id] = base
        ethics[top.id] = base + 1
        commission[top.id] = [base + 2 + k for k in range(members)]
        grants.append((base, Role.HR_OFFICER.value, top.id))
        grants.append((base + 1, Role.ETHICS_COMMISSIONER.value, top.id))
        grants += [(u, Role.COMMISSION_MEMBER.value, top.id) for u in commission[top.id]]
    roles_grant(loader=loader, audit=audit, groups=groups, grants=grants, at=now)
    return Staff(hr=hr, commission=commission, ethics=ethics)
