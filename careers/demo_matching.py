"""Demo data for "posts you can win": three demo candidates whose matches differ.

- candidate@ (a law master's degree, public administration work and two years of private IT)
  chose the region of the open posts, asked for e-mail alerts and kept an explorer result
  strongest in organising and leading work, so the budget post comes first for her;
- dana@ (law degree, four years of private-sector IT) kept an explorer result strongest in
  investigative and organising work, so IT posts come first for her;
- arman@ (law degree, five years in public administration) named no region.

Run by ``manage.py seed_demo`` after the apps' own demo data; idempotent (the matches are
recomputed from the data each time, the preferences and the explorer result are kept).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from careers.matching import services
from careers.models import ExplorerResult
from careers.models_matching import MatchPreference
from recruitment.public import open_vacancy_regions

DOMAIN = "demo.eqyzmet.kz"
# Interest scores of kept explorer results (RIASEC letter → 0–100).
CANDIDATE_INTERESTS = {"R": 22, "I": 48, "A": 30, "S": 55, "E": 74, "C": 81}
DANA_INTERESTS = {"R": 35, "I": 82, "A": 28, "S": 40, "E": 45, "C": 77}


def seed(stdout) -> None:
    users = {
        u.email.split("@")[0]: u
        for u in get_user_model().objects.filter(
            email__in=[f"{name}@{DOMAIN}" for name in ("candidate", "dana", "arman")]
        )
    }
    if len(users) < 3:
        return  # the recruitment demo did not run
    regions = open_vacancy_regions()
    preference, _ = MatchPreference.objects.get_or_create(user=users["candidate"])
    if not preference.regions and regions:
        preference.regions = regions[:1]
        preference.alerts_enabled = True
        preference.save(update_fields=["regions", "alerts_enabled", "updated_at"])
    MatchPreference.objects.get_or_create(user=users["arman"])
    MatchPreference.objects.get_or_create(user=users["dana"])
    for name, interests in (("candidate", CANDIDATE_INTERESTS), ("dana", DANA_INTERESTS)):
        if not ExplorerResult.objects.filter(user=users[name]).exists():
            ExplorerResult.objects.create(
                user=users[name], language="ru", interests=interests, families=[]
            )
    counts = {name: services.matches_refresh(user_id=u.pk) for name, u in sorted(users.items())}
    stdout.write(
        "Posts you can win: "
        + ", ".join(f"{name}@ {count}" for name, count in counts.items())
        + " matches"
    )
