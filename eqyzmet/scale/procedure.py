"""Applicants through the procedure: applying, the stages their competition has reached, the
ranking and the places, with every row and audit event the services write on the way.

The rules are the services' rules, applied in memory to seeded applicants (each with a
hidden ability that decides their answers and marks):

- applying: the qualification snapshot without dates, eligibility by
  ``recruitment.eligibility.assess``, a random code and id, the identity escrow;
- a test stage: a paper (``papers``) or, past the answer-row budget, its result alone;
  pass with 30 correct and 5 per section; no paper by the window's end is a fail;
- a commission stage: two or three members' marks, the score their mean, valid at quorum;
- ending a stage: the failed are eliminated, results published, the next stage's shortlist
  cut by this stage's score (ties widen it); the rest are not selected;
- the interview: the shortlist revealed to the commission first (audited, and an ethics
  case), then marked; the ranking lock ranks the rest per vacancy with the services' order;
- results: winner, reserve (with its entry) and not selected down each ladder; the winner
  revealed, and in a closed competition appointed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from eqyzmet.codes import new_code
from eqyzmet.scale import papers as paper_module
from eqyzmet.scale.bank import Bank, Test
from eqyzmet.scale.competitions import RANKED, Competition, Seat, StageRow
from eqyzmet.scale.loader import Loader, model
from eqyzmet.scale.people import Candidate
from recruitment.eligibility import assess
from recruitment.services.ranking import shortlist

HOUR = dt.timedelta(hours=1)
THOUSANDTH = Decimal("0.001")
STAGE_STATUS = {
    "legislation_test": "testing",
    "personal_qualities": "testing",
    "essay": "essay",
    "interview": "interview",
}
INTERVIEW_REASON = (
    "The commission interviews the shortlisted candidates in person (procedure, interview stage)."
)
WINNER_REASON = "Document check of the winner before the appointment order."
CANCEL_REASON = "The post was abolished when the body's structure was reorganised."
# Competition.appeal_window_days as the competitions are seeded: appointing waits for it.
APPEAL_WINDOW_DAYS = 3


@dataclass(slots=True)
class Result:
    score: Decimal
    passed: bool
    at: dt.datetime
    details: dict
    marks: list[tuple[Seat, Decimal, dt.datetime]] = field(default_factory=list)
    # A commission result below the quorum is marks only, not yet a stage result.
    valid: bool = True
    attempt_id: int | None = None


@dataclass(slots=True)
class Applicant:
    id: int
    code: str
    user_id: int
    vacancy_id: int
    submitted_at: dt.datetime
    qualifications: dict
    reasons: list[dict]
    eligible: bool
    status: str
    ability: float
    current: StageRow | None = None
    results: dict[int, Result] = field(default_factory=dict)  # stage id -> result
    final_score: Decimal | None = None
    rank: int | None = None


@dataclass
class Outcome:
    """Everything the procedure produced, to be written in bulk."""

    applicants: list[tuple[Competition, Applicant]] = field(default_factory=list)
    reveals: list[tuple] = field(default_factory=list)  # (competition, applicant, purpose, at)
    reserve: list[tuple[Applicant, dt.date, dt.datetime]] = field(default_factory=list)
    appointed: list[tuple[Competition, Applicant, dt.datetime]] = field(default_factory=list)
    publications: list[tuple[Competition, StageRow, int, int]] = field(default_factory=list)
    sittings: list[tuple] = field(default_factory=list)
    papers: list[paper_module.Paper] = field(default_factory=list)
    answer_rows: int = 0


class Procedure:
    def __init__(
        self,
        *,
        loader: Loader,
        rng: random.Random,
        bank: Bank,
        candidates: list[Candidate],
        answer_budget: int,
        now: dt.datetime,
    ):
        self.now = now
        self.loader = loader
        self.rng = rng
        self.bank = bank
        self.candidates = candidates
        self.civil_servants = [n for n, c in enumerate(candidates) if c.civil_servant]
        self.budget = answer_budget
        self.out = Outcome()
        application = model("recruitment.Application")
        self.new_id = application._meta.pk.default
        self.new_code = new_code
        self.assess = assess
        self.shortlist = shortlist
        self.ids_taken = set(application.objects.values_list("pk", flat=True))
        self.codes_taken = set(application.objects.values_list("code", flat=True))
        self.sitting_model = model("testing_center.Sitting")
        self.attempt_model = model("testing_center.Attempt")

    # --- Applying ---------------------------------------------------------------------

    def _unique(self, make, taken: set):
        while True:
            value = make()
            if value not in taken:
                taken.add(value)
                return value

    def _snapshot(self, c: Candidate, competition: Competition, today: dt.date):
        of_body = bool(
            c.civil_servant
            and c.current_body_path
            and c.current_body_path.startswith(competition.body.path)
        )
        declared = {
            "education": c.education,
            "experience": [
                {"sector": x["sector"], "field": x["field"], "from": x["from"], "to": x["to"]}
                for x in c.experience
            ],
            "languages": c.languages,
            "civil_servant": c.civil_servant,
            "civil_servant_of_body": of_body,
        }
        experience = []
        for x in c.experience:
            start = dt.date.fromisoformat(x["from"])
            end = min(dt.date.fromisoformat(x["to"]) if x["to"] else today, today)
            delta = relativedelta(end, start) if end > start else relativedelta()
            experience.append(
                {
                    "sector": x["sector"],
                    "field": x["field"],
                    "months": delta.years * 12 + delta.months,
                }
            )
        stored = {
            **declared,
            "education": sorted(c.education, key=lambda e: (-e["level"], e["field"])),
            "experience": sorted(experience, key=lambda x: (x["sector"], x["field"], -x["months"])),
        }
        return declared, stored

    def _apply(self, competition: Competition, now: dt.datetime) -> list[Applicant]:
        rng = self.rng
        internal = competition.kind == "internal_all"
        pool = (
            self.civil_servants
            if internal and len(self.civil_servants) >= competition.applications
            else range(len(self.candidates))
        )
        chosen = rng.sample(pool, competition.applications)
        end = min(competition.close_at, now)
        span = (end - competition.open_at).total_seconds()
        out = []
        for n, index in enumerate(chosen):
            submitted = competition.open_at + dt.timedelta(seconds=rng.uniform(0, span * 0.98))
            vacancy_id = rng.choice(competition.vacancies)
            candidate = self.candidates[index]
            stored, eligible, reasons = self._assessed(
                candidate, competition, vacancy_id, submitted
            )
            # The first applicant is strong and qualified (another person is drawn until one
            # is), so a competition that has reached a stage always has someone in it.
            tries = 0
            while n == 0 and not eligible and tries < 500:
                tries += 1
                index = rng.choice(pool)
                if index in chosen:
                    continue
                chosen[0] = index
                candidate = self.candidates[index]
                stored, eligible, reasons = self._assessed(
                    candidate, competition, vacancy_id, submitted
                )
            out.append(
                Applicant(
                    id=self._unique(self.new_id, self.ids_taken),
                    code=self._unique(self.new_code, self.codes_taken),
                    user_id=candidate.user_id,
                    vacancy_id=vacancy_id,
                    submitted_at=submitted,
                    qualifications=stored,
                    reasons=[r.as_json() for r in reasons],
                    eligible=eligible,
                    status="admitted" if eligible else "ineligible",
                    ability=2.5 if n == 0 else rng.gauss(0, 1),
                )
            )
        return out

    def _assessed(self, candidate: Candidate, competition: Competition, vacancy_id, submitted):
        declared, stored = self._snapshot(candidate, competition, submitted.date())
        eligible, reasons = self.assess(
            vacancy=competition.vacancy_rules[vacancy_id],
            competition_kind=competition.kind,
            snapshot=declared,
            as_of=submitted.date(),
        )
        return stored, eligible, reasons

    # --- Stages -------------------------------------------------------------------------

    def _test_result(
        self, stage: StageRow, a: Applicant, sitting: int | None, attempt_id: int | None
    ) -> Result:
        rng = self.rng
        legislation = stage.kind == "legislation_test"
        test: Test = self.bank.legislation if legislation else self.bank.qualities
        window = stage.closes_at - stage.opens_at
        started = min(stage.opens_at + window * rng.uniform(0, 0.8), self.now - 2 * HOUR)
        submitted = started + dt.timedelta(seconds=rng.uniform(0.45, 1.0) * test.time_limit)
        ability = a.ability if legislation else rng.gauss(a.ability * 0.5, 0.9)
        paper = paper_module.Paper(
            attempt_id=attempt_id or 0,
            sitting_id=sitting or 0,
            application_id=a.id,
            seed=rng.getrandbits(48),
            ability=ability,
            test=test,
            language=rng.choice(("kk", "ru")),
            started_at=started,
            submitted_at=submitted,
        )
        paper.outcome = paper_module.outcome(paper_module.draw(paper, self.bank), test)
        details = {
            "correct": paper.outcome.correct,
            "items": sum(s.items for s in test.sections),
            "sections": [
                {"topic": r["topic"], "correct": r["correct"], "items": r["items"], "ok": r["ok"]}
                for r in paper.outcome.sections
            ],
        }
        if attempt_id is not None:
            details["attempt"] = attempt_id
            self.out.papers.append(paper)
        return Result(
            score=paper.outcome.score,
            passed=paper.outcome.passed,
            at=submitted + dt.timedelta(seconds=2),
            details=details,
            attempt_id=attempt_id,
        )

    def _commission_result(
        self, competition: Competition, stage: StageRow, a: Applicant, complete: bool
    ) -> Result | None:
        """Marks of two or three members; a valid score needs the quorum (two of three)."""
        rng = self.rng
        voters = [s for s in competition.seats if s.role != "secretary"]
        needed = math.ceil(len(voters) * 2 / 3)
        count = rng.choice((needed, len(voters))) if complete else rng.randrange(0, needed + 1)
        base = 3.4 + 0.8 * a.ability
        marks = []
        end = min(stage.closes_at, self.now - HOUR)
        for seat in rng.sample(voters, count):
            mark = Decimal(max(0, min(10, round((base + rng.gauss(0, 0.5)) * 2)))) / 2
            marks.append(
                (seat, mark, stage.opens_at + (end - stage.opens_at) * rng.uniform(0.1, 1))
            )
        if len(marks) < needed:
            return (
                Result(Decimal(0), False, stage.opens_at, {}, marks, valid=False) if marks else None
            )
        mean = (sum((m for _s, m, _t in marks), Decimal(0)) / len(marks)).quantize(
            THOUSANDTH, rounding=ROUND_HALF_UP
        )
        return Result(
            score=mean,
            passed=stage.pass_score is None or mean >= stage.pass_score,
            at=max(t for _s, _m, t in marks),
            details={"marks": len(marks), "quorum": needed},
            marks=marks,
        )

    def _sitting(self, competition: Competition, stage: StageRow, with_papers: bool) -> int | None:
        if stage.kind not in ("legislation_test", "personal_qualities"):
            return None
        test = self.bank.legislation if stage.kind == "legislation_test" else self.bank.qualities
        pk = self.loader.ids(self.sitting_model, 1)
        self.out.sittings.append(
            (
                pk,
                stage.id,
                test.blueprint_id,
                stage.opens_at - 2 * HOUR,
                competition.body.id,
                stage.kind,
                competition.hr_id,
                test.code,
            )
        )
        return pk if with_papers else None

    def _items_per_paper(self, stage: StageRow) -> int:
        test = self.bank.legislation if stage.kind == "legislation_test" else self.bank.qualities
        return sum(s.items for s in test.sections)

    def run(self, competition: Competition, now: dt.datetime) -> None:
        competition.moves = []
        status = competition.status
        if status == "draft":
            return
        applicants = self._apply(competition, now)
        self.out.applicants += [(competition, a) for a in applicants]
        competition.moves.append((competition.open_at - HOUR, "published", {}))
        if status == "published":
            for a in applicants:
                if a.eligible and self.rng.random() < 0.02:
                    a.status = "withdrawn"
            return
        competition.moves.append((competition.close_at + HOUR, "applications_closed", {}))
        if status == "applications_closed":
            return
        if status == "cancelled":
            competition.moves.append(
                (competition.close_at + 2 * HOUR, "cancelled", {"reason": CANCEL_REASON})
            )
            return
        self._stages(competition, applicants, now)

    def _stages(self, competition: Competition, applicants: list[Applicant], now) -> None:
        rng = self.rng
        running = [a for a in applicants if a.status == "admitted"]
        stages = [s for s in competition.stages if s.opens_at is not None]
        for index, stage in enumerate(stages):
            finished = stage.locked_at is not None
            live = stage.closes_at > now
            if stage.kind == "interview":
                self._written_locked(competition, stage, running)
                if competition.status == "written_locked":
                    return
                for a in running:
                    self.out.reveals.append((competition, a, "interview", stage.opens_at - HOUR))
            for a in running:
                a.current = stage
            competition.moves.append(
                (
                    stage.opens_at,
                    STAGE_STATUS[stage.kind],
                    {"stage": stage.kind, "admitted": len(running)},
                )
            )
            if stage.commission_scored:
                for a in running:
                    result = self._commission_result(
                        competition, stage, a, complete=finished or rng.random() < 0.6
                    )
                    if result is not None:
                        a.results[stage.id] = result
            else:
                sitters = [a for a in running if finished or not live or rng.random() < 0.7]
                sitters = [a for a in sitters if a is running[0] or rng.random() > 0.02]
                rows = len(sitters) * self._items_per_paper(stage)
                with_papers = rows <= self.budget and sitters
                if with_papers:
                    self.budget -= rows
                    self.out.answer_rows += rows
                sitting = self._sitting(competition, stage, bool(with_papers))
                first = self.loader.ids(self.attempt_model, len(sitters)) if sitting else None
                for n, a in enumerate(sitters):
                    attempt = first + n if first is not None else None
                    a.results[stage.id] = self._test_result(stage, a, sitting, attempt)
            if not finished:
                return
            # Ending the stage: no valid result is a fail; the failed are eliminated.
            passed_count = sum(1 for a in running if _passed(a, stage))
            failed = [a for a in running if not _passed(a, stage)]
            for a in failed:
                a.status = "eliminated"
            running = [a for a in running if a.status == "admitted"]
            # The last stage of a ranked competition is published with the final results,
            # which is no stage publication of its own.
            if stage.published_at is not None and stage is not competition.stages[-1]:
                self.out.publications.append(
                    (
                        competition,
                        stage,
                        passed_count,
                        sum(1 for a in applicants if stage.id in a.results) - passed_count,
                    )
                )
            later = stages[index + 1 :] or [
                s for s in competition.stages if s.position > stage.position
            ]
            following = later[0] if later else None
            if following is not None and following.shortlist is not None:
                scored = [(a.id, a.results[stage.id].score) for a in running]
                admitted = self.shortlist(scored, following.shortlist)
                for a in running:
                    if a.id not in admitted:
                        a.status = "not_selected"
                running = [a for a in running if a.status == "admitted"]
        if competition.status in RANKED:
            self._rank_and_place(competition, applicants, running)

    def _written_locked(self, competition: Competition, stage: StageRow, shortlist) -> None:
        previous = competition.stages[stage.position - 2]
        for a in shortlist:
            a.current = stage
        competition.moves.append(
            (previous.locked_at + HOUR, "written_locked", {"shortlist": len(shortlist)})
        )

    def _rank_and_place(self, competition: Competition, applicants, running) -> None:
        stages = competition.stages
        last = stages[-1]
        weights = {s.id: s.weight for s in stages}
        for a in running:
            total = sum((weights[sid] * r.score for sid, r in a.results.items()), Decimal(0))
            a.final_score = total.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)
        ladders: dict[int, list[Applicant]] = {}
        for a in running:
            ladders.setdefault(a.vacancy_id, []).append(a)
        for ladder in ladders.values():
            ladder.sort(
                key=lambda a: (
                    -(a.final_score or Decimal(0)),
                    *[
                        -(a.results[s.id].score if s.id in a.results else Decimal(0))
                        for s in reversed(stages)
                    ],
                    a.code,
                )
            )
            for position, a in enumerate(ladder, start=1):
                a.rank = position
        locked = last.locked_at
        competition.moves.append((locked, "ranking_locked", {"ranked": len(running)}))
        if competition.status == "ranking_locked":
            return
        published = locked + dt.timedelta(days=1)
        competition.moves.append((published, "results_published", {}))
        valid_until = (published + relativedelta(months=12)).date()
        for ladder in ladders.values():
            for position, a in enumerate(ladder):
                if position == 0:
                    a.status = "winner"
                elif position <= 2:
                    a.status = "reserve"
                    self.out.reserve.append((a, valid_until, published))
                else:
                    a.status = "not_selected"
            winner = ladder[0]
            if competition.status == "closed" or self.rng.random() < 0.7:
                self.out.reveals.append((competition, winner, "winner", published + HOUR))
            if competition.status == "closed":
                appointed = published + dt.timedelta(days=APPEAL_WINDOW_DAYS + 2)
                winner.status = "appointed"
                self.out.appointed.append((competition, winner, appointed))
        if competition.status == "closed":
            closed_at = published + dt.timedelta(days=APPEAL_WINDOW_DAYS + 3)
            competition.moves.append((closed_at, "closed", {}))


def _passed(applicant: Applicant, stage: StageRow) -> bool:
    """A valid result that passes; no result by the end of a stage is a fail."""
    result = applicant.results.get(stage.id)
    return result is not None and result.valid and result.passed
