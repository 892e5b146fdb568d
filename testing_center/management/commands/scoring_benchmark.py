"""Benchmark the product answer scorer on a graded-answer CSV (train split → test split).

    python manage.py scoring_benchmark FILE.csv [--train-split train] [--test-split test]
        [--seed N] [--limit-questions N] [--baseline] [--review-share 0.2]

Prints one line per question; then the agreement (Fisher-z mean and plain mean of the
per-question QWK, pooled QWK) without review and with the routed answers marked by people,
under one global confidence threshold and under per-question thresholds; then each
question's review share under both; and as its last line one JSON object (see
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
        parser.add_argument(
            "--review-share",
            type=float,
            default=0.2,
            help="share of answers routed to people (0.2 = 20%%)",
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
        if not 0 <= options["review_share"] <= 1:
            raise CommandError("--review-share must be within [0, 1]")

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
            review_share=options["review_share"],
        )
        if not outcome.questions:
            raise CommandError(
                f"no question has both {options['train_split']!r} and "
                f"{options['test_split']!r} rows"
            )
        self._figures(outcome.summary)
        self.stdout.write(json.dumps(outcome.summary, sort_keys=True))

    def _figures(self, summary: dict) -> None:
        def fmt(value) -> str:
            return "-" if value is None else f"{value:.4f}"

        rows = [
            ("no review", summary),
            ("review, global threshold", summary["with_review_global_threshold"]),
            ("review, per-question thresholds", summary["with_review_per_question"]),
        ]
        self.stdout.write("agreement\tfisher_z_mean_qwk\tplain_mean_qwk\tpooled_qwk\treview_share")
        for name, figures in rows:
            share = figures.get("review_share") if figures is not summary else 0.0
            self.stdout.write(
                f"{name}\t{fmt(figures['mean_qwk'])}\t{fmt(figures['mean_qwk_plain'])}"
                f"\t{fmt(figures['pooled_qwk'])}\t{fmt(share)}"
            )
        globally = summary["with_review_global_threshold"]["review_share_by_question"]
        own = summary["with_review_per_question"]["review_share_by_question"]
        self.stdout.write(
            f"review share by question (target {summary['review_share']:.2f})"
            "\tglobal_threshold\tper_question_threshold"
        )
        for question in own:
            self.stdout.write(f"{question}\t{globally[question]:.4f}\t{own[question]:.4f}")
