"""Item analysis of closed sittings: Moodle's quiz statistics (``statistics``: pure
functions over a score matrix) and the service that computes and stores them per sitting
(``sittings``).

Reads what delivery and scoring stored (scored first attempts) through the models only.
"""

from testing_center.analysis.sittings import (
    ANALYSE_JOB,
    sitting_analyse,
    sitting_analyse_run,
    sittings_analysis_queue,
    sittings_due_for_analysis,
)

__all__ = [
    "ANALYSE_JOB",
    "sitting_analyse",
    "sitting_analyse_run",
    "sittings_analysis_queue",
    "sittings_due_for_analysis",
]
