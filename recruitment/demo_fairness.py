"""Demo data for the adverse-impact statistics (issue 18): a closed competition with a
synthetic cohort of anonymous codes, their stage results and their voluntary equality
answers, so that the ethics commissioner's report and the public statistics have
something to say.

The cohort has no people behind it (no escrow, no profile, no account), like the
testing center's synthetic papers. Women and men are equally able, but the legislation
test passes 45% of the women and 80% of the men: a ratio of 0.56 with Fisher's p far
below 0.05, so the lock raises one adverse-impact case. Idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from eqyzmet.codes import new_code
from recruitment.models import Application, Competition, StageResult
from recruitment.services.equality import equality_record_store
from recruitment.services.fairness import fairness_cases_raise

NUMBER = "KZ-2025-MDAI-FAIR"
SEED = 18
# (gender, people, passed the legislation test)
COHORT = (("female", 60, 27), ("male", 60, 48))
AGE_BANDS = ("18-29", "30-39", "40-49", "50-59")
REGIONS = ("astana", "almaty_city", "karaganda", "turkistan")


def _answers(rng: random.Random, gender: str, n: int) -> dict[str, str]:
    answers = {
        "gender": gender,
        "age_band": AGE_BANDS[n % len(AGE_BANDS)],
        "region": rng.choice(REGIONS),
        "settlement": "rural" if n % 3 == 0 else "urban",
        "native_language": "kk" if n % 2 else "ru",
        "sector": "public" if n % 4 else "private",
    }
    if n % 5 == 0:
        del answers["region"]  # "prefer not to say"
    if n % 15 == 0:
        answers["disability"] = "yes"
    elif n % 15 == 1:
        answers["disability"] = "no"
    return answers


def synthetic_cohort_add(
    *, competition: Competition, cohort=COHORT, seed: int = SEED
) -> list[Application]:
    """Anonymous codes with results at the first two stages and equality answers: each
    ``(gender, people, passed)`` group passes the first stage as given; everyone who did
    passes the second and is ranked."""
    rng = random.Random(seed)  # noqa: S311  (a reproducible demo, not a secret)
    vacancy = competition.vacancies.get()
    stages = list(competition.stages.order_by("position"))
    first, second = stages[0], (stages[1] if len(stages) > 1 else None)
    now = timezone.now()
    applications: list[Application] = []
    results: list[StageResult] = []
    n = 0
    for gender, people, passed in cohort:
        for i in range(people):
            n += 1
            through = i < passed
            application = Application(
                competition=competition,
                vacancy=vacancy,
                code=new_code(),
                status=Application.Status.ADMITTED if through else Application.Status.ELIMINATED,
                qualifications={},
                submitted_at=now - dt.timedelta(days=60),
            )
            applications.append(application)
            score = Decimal(rng.randint(40, 55) if through else rng.randint(20, 38))
            results.append(
                StageResult(application=application, stage=first, score=score, passed=through)
            )
            if through and second is not None:
                quality = Decimal(rng.randint(50, 95))
                results.append(
                    StageResult(application=application, stage=second, score=quality, passed=True)
                )
                application.final_score = quality
            elif through:
                application.final_score = score
            equality_record_store(
                application_id=application.pk,
                competition_id=competition.pk,
                answers=_answers(rng, gender, n),
            )
    ranked = sorted(
        (a for a in applications if a.final_score is not None),
        key=lambda a: (-a.final_score, a.code),
    )
    for rank, application in enumerate(ranked, start=1):
        application.rank = rank
    Application.objects.bulk_create(applications)
    StageResult.objects.bulk_create(results)
    return applications


@transaction.atomic
def fairness_demo_seed(*, competition_factory) -> Competition | None:
    """``competition_factory(number, opens, closes)`` returns (competition, created) with
    the demo's stage plan (``recruitment.demo._competition``). The competition is left
    closed (its ranking locked, its results published) and its adverse-impact
    case raised."""
    now = timezone.now()
    competition, created = competition_factory(
        NUMBER, now - dt.timedelta(days=120), now - dt.timedelta(days=90)
    )
    if not created:
        return None
    synthetic_cohort_add(competition=competition)
    competition.stages.update(locked_at=now, results_published_at=now)
    Competition.objects.filter(pk=competition.pk).update(
        status=Competition.Status.CLOSED, status_changed_at=now
    )
    competition.refresh_from_db()
    fairness_cases_raise(competition=competition)
    return competition
