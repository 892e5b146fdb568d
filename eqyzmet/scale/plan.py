"""How many rows of each kind a scale asks for.

Every count is its figure at scale 1.0 times the scale, rounded, with a floor so that the
smallest scales still hold every status of the procedure once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# The figures at scale 1.0 (issue 19).
FULL = {
    "candidates": 100_000,
    "competitions": 2_000,
    "applications": 200_000,
    "largest_competition": 10_000,
    "answer_rows": 1_000_000,
    "employees": 50_000,
    "ethics_cases": 100_000,
    "ministries": 30,
}
FLOORS = {
    "candidates": 60,
    # One competition in each status of the procedure, and the large one.
    "competitions": 12,
    "applications": 120,
    "largest_competition": 12,
    "answer_rows": 660,
    "employees": 24,
    "ethics_cases": 24,
    "ministries": 2,
}
DEPARTMENTS_PER_MINISTRY = 4
# Legislation test: 55 items (Constitution 15, civil service 15, anti-corruption 15,
# ethics 10); personal qualities: 25 five-point items.
LEGISLATION_ITEMS = 55
QUALITIES_ITEMS = 25


@dataclass(frozen=True)
class Plan:
    scale: float
    candidates: int
    competitions: int
    applications: int
    largest_competition: int
    answer_rows: int
    employees: int
    ethics_cases: int
    ministries: int

    @property
    def bodies(self) -> int:
        return self.ministries * (1 + DEPARTMENTS_PER_MINISTRY)

    def as_dict(self) -> dict:
        return {**asdict(self), "bodies": self.bodies}


def plan_for(scale: float) -> Plan:
    if not 0 < scale <= 10:
        raise ValueError("the scale must be above 0 and at most 10")
    counts = {name: max(FLOORS[name], round(full * scale)) for name, full in FULL.items()}
    # Each application in a competition is a different person.
    counts["largest_competition"] = min(
        counts["largest_competition"], counts["candidates"], counts["applications"] // 2
    )
    return Plan(scale=scale, **counts)
