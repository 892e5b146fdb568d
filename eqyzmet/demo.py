"""Demo data for the kernel: state bodies and one account per role.

Each app may add its own ``<app>/demo.py`` with a ``seed(stdout)`` function;
``seed_demo`` calls them in dependency order. Every seed is idempotent.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password

from eqyzmet.models import StateBody, User
from eqyzmet.roles import Role
from eqyzmet.services import roles_setup, staff_assign, state_body_create

# Published in the README on purpose: demo accounts exist only in `make run` databases.
DEMO_PASSWORD = "demo-Qyzmet-2026"  # noqa: S105

# The published password hashed once per hasher: every demo account shares it anyway, and
# one Argon2 hash per account was a fifth of `make run`'s seeding (48 accounts, ~0.12 s each).
_DEMO_HASHES: dict[str, str] = {}


def demo_account(email: str, *, superuser: bool = False) -> User:
    """The demo account ``email``, made with the demo password when it does not exist."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    hasher = settings.PASSWORD_HASHERS[0]
    if hasher not in _DEMO_HASHES:
        _DEMO_HASHES[hasher] = make_password(DEMO_PASSWORD)
    make = User.objects.create_superuser if superuser else User.objects.create_user
    user = make(email, None)
    user.password = _DEMO_HASHES[hasher]
    user.save(update_fields=["password"])
    return user


STATE_BODIES = [
    # code, kind, region, parent code, kk, ru, en
    (
        "asda",
        "agency",
        "Astana",
        None,
        "Қазақстан Республикасының Мемлекеттік қызмет істері агенттігі",
        "Агентство Республики Казахстан по делам государственной службы",
        "Agency of the Republic of Kazakhstan for Civil Service Affairs",
    ),
    (
        "mdai",
        "ministry",
        "Astana",
        None,
        "Цифрлық даму, инновациялар және аэроғарыш өнеркәсібі министрлігі",
        "Министерство цифрового развития, инноваций и аэрокосмической промышленности",
        "Ministry of Digital Development, Innovations and Aerospace Industry",
    ),
    (
        "mdai-egov",
        "department",
        "Astana",
        "mdai",
        "Электрондық үкімет департаменті",
        "Департамент электронного правительства",
        "E-Government Department",
    ),
    (
        "minfin",
        "ministry",
        "Astana",
        None,
        "Қаржы министрлігі",
        "Министерство финансов",
        "Ministry of Finance",
    ),
    (
        "minfin-kgd",
        "committee",
        "Astana",
        "minfin",
        "Мемлекеттік кірістер комитеті",
        "Комитет государственных доходов",
        "State Revenue Committee",
    ),
    (
        "akimat-almaty",
        "akimat",
        "Almaty",
        None,
        "Алматы қаласының әкімдігі",
        "Акимат города Алматы",
        "Akimat of Almaty",
    ),
]

# email, role, state body code (None for roles that are not scoped)
DEMO_ACCOUNTS = [
    ("admin@demo.eqyzmet.kz", None, None),
    ("candidate@demo.eqyzmet.kz", Role.CANDIDATE, None),
    ("hr@demo.eqyzmet.kz", Role.HR_OFFICER, "mdai"),
    ("commission@demo.eqyzmet.kz", Role.COMMISSION_MEMBER, "mdai"),
    ("observer@demo.eqyzmet.kz", Role.OBSERVER, "mdai"),
    ("ethics@demo.eqyzmet.kz", Role.ETHICS_COMMISSIONER, "mdai"),
    ("adjustments@demo.eqyzmet.kz", Role.ADJUSTMENTS_OFFICER, "mdai"),
    ("manager@demo.eqyzmet.kz", Role.MANAGER, "mdai-egov"),
    ("employee@demo.eqyzmet.kz", Role.EMPLOYEE, "mdai-egov"),
    ("hr.finance@demo.eqyzmet.kz", Role.HR_OFFICER, "minfin"),
    ("authorised@demo.eqyzmet.kz", Role.AUTHORISED_BODY, None),
]


def seed(stdout) -> None:
    roles_setup()
    bodies: dict[str, StateBody] = {b.code: b for b in StateBody.objects.all()}
    for code, kind, region, parent, kk, ru, en in STATE_BODIES:
        if code not in bodies:
            bodies[code] = state_body_create(
                code=code,
                kind=kind,
                region=region,
                parent=bodies[parent] if parent else None,
                name_kk=kk,
                name_ru=ru,
                name_en=en,
            )
    stdout.write(f"State bodies: {len(bodies)}")

    stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role, body_code in DEMO_ACCOUNTS:
        user = demo_account(email, superuser=role is None)
        if role is not None:
            staff_assign(user=user, role=role, state_body=bodies[body_code] if body_code else None)
        label = role.value if role else "platform administrator"
        where = f" @ {body_code}" if body_code else ""
        stdout.write(f"  {email:32} {label}{where}")
