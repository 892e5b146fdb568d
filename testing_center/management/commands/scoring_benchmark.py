"""Benchmark the product answer scorer on a graded-answer CSV (train split → test split).

    python manage.py scoring_benchmark FILE.csv [--train-split train] [--test-split test]
        [--seed N] [--limit-questions N] [--baseline]

Prints one line per question, then as its last line one JSON object (see
testing_center.scoring.benchmark for the conventions).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from testing_center.scoring import ScoringDataError, read_scored_answers_csv
from testing_center.scoring.benchmark import QuestionResult, run_benchmark


class Command(BaseCommand):
    help = "Train the answer scorer per question on one split and report agreement on another."

    def add_arguments(self, parser):
        parser.add_argument("file", help="graded-answer CSV (shared scoring format)")
        parser.add_argument("--train-split", default="train")
        parser.add_argument("--test-split", default="test")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--limit-questions", type=int, default=None, help="only the first N questions"
        )
        parser.add_argument(
            "--baseline",
            action="store_true",
            help="also measure plain TF-IDF + logistic regression under the same conventions",
        )

    def handle(self, *args, **options):
        try:
            answers = read_scored_answers_csv(options["file"])
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {options['file']}") from exc
        except ScoringDataError as exc:
            raise CommandError(str(exc)) from exc
        if options["limit_questions"] is not None and options["limit_questions"] < 1:
            raise CommandError("--limit-questions must be at least 1")

        def progress(result: QuestionResult) -> None:
            qwk = "undefined" if result.qwk is None else f"{result.qwk:.4f}"
            cv = "-" if result.cv_qwk is None else f"{result.cv_qwk:.4f}"
            self.stdout.write(
                f"{result.question_id}\tqwk={qwk}\tcv_qwk={cv}\ttrain={result.train_size}"
                f"\ttest={result.test_size}\t{result.algorithm}/{result.decision}"
            )

        outcome = run_benchmark(
            answers,
            train_split=options["train_split"],
            test_split=options["test_split"],
            seed=options["seed"],
            limit_questions=options["limit_questions"],
            with_baseline=options["baseline"],
            progress=progress,
        )
        if not outcome.questions:
            raise CommandError(
                f"no question has both {options['train_split']!r} and "
                f"{options['test_split']!r} rows"
            )
        self.stdout.write(json.dumps(outcome.summary, sort_keys=True))
