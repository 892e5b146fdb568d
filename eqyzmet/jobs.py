"""Background jobs: long work asked for on a page, done by a worker, visible while it runs.

``job_queue`` checks nothing but "one at a time" and queues; the caller checks its own rules
first so a refusal is shown at once. ``job_run`` (called by the task) claims the job once,
runs the work in the requester's language and records the outcome; an ``ApplicationError``
becomes the job's message for the requester to read. Progress goes to the cache, so a page
sees it even while the work's transaction is still open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.errors import ApplicationError
from eqyzmet.models import Job
from eqyzmet.queueing import enqueue

logger = logging.getLogger("eqyzmet.jobs")

# A job still "running" this long after it started lost its worker: it may be claimed again.
STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
# A job still "queued" this long was probably lost with the broker: the sweeper queues it again.
REQUEUE_AFTER = timedelta(minutes=2)

# ``work(job=…, progress=…)`` returns the message to show when done (or None).
Work = Callable[..., str | None]


def _progress_key(job_id: int) -> str:
    return f"job:{job_id}:progress"


def job_queue(*, kind: str, ref: int, task: str, actor) -> Job:
    """Queue ``task`` (a registered task name; it gets the job's id) for target ``ref``."""
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=kind, ref=ref, task=task, requested_by=actor)
    except IntegrityError:
        raise ApplicationError(
            _("This is already being done; wait until it finishes."), code="job_active"
        ) from None
    enqueue(task, job.pk)
    return job


def job_run(job_id: int, work: Work) -> bool:
    """Claim the job (once), run ``work(job=job, progress=progress)`` and record how it
    ended.

    Returns False when there was nothing to do (already claimed, finished or unknown)."""
    now = timezone.now()
    claimable = Q(state=Job.State.QUEUED) | Q(
        state=Job.State.RUNNING, started_at__lt=now - STALE_AFTER
    )
    if not Job.objects.filter(claimable, pk=job_id).update(state=Job.State.RUNNING, started_at=now):
        return False
    job = Job.objects.select_related("requested_by").get(pk=job_id)

    def progress(percent: int) -> None:
        cache.set(_progress_key(job_id), max(0, min(100, int(percent))), 24 * 3600)

    language = getattr(job.requested_by, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            message = work(job=job, progress=progress) or ""
        except ApplicationError as exc:
            _finish(job_id, Job.State.FAILED, str(exc.message))
            return False
        except Exception:
            logger.exception("job %s (%s #%s) failed", job_id, job.kind, job.ref)
            _finish(
                job_id,
                Job.State.FAILED,
                gettext("An unexpected error stopped this work; it was logged. Try again."),
            )
            return False
    _finish(job_id, Job.State.DONE, str(message), progress=100)
    return True


def _finish(job_id: int, state: str, message: str, *, progress: int | None = None) -> None:
    fields = {"state": state, "message": message[:2000], "finished_at": timezone.now()}
    if progress is not None:
        fields["progress"] = progress
    Job.objects.filter(pk=job_id).update(**fields)
    cache.delete(_progress_key(job_id))


def job_progress(job: Job) -> int:
    """The percentage done: the worker's latest report while it runs, else the record."""
    if job.state == Job.State.RUNNING:
        reported = cache.get(_progress_key(job.pk))
        if reported is not None:
            return int(reported)
    return 100 if job.state == Job.State.DONE else job.progress


def latest_job_field(*, kind: str, field: str = "state") -> Subquery:
    """For annotating a list: ``field`` of the newest job of ``kind`` about each row (a
    correlated subquery on the indexed (kind, ref) pair, so no query per row)."""
    latest = Job.objects.filter(kind=kind, ref=OuterRef("pk")).order_by("-created_at")
    return Subquery(latest.values(field)[:1])


def latest_jobs(*, kind: str, refs) -> dict[int, Job]:
    """The newest job of ``kind`` for each target in ``refs``: one query."""
    latest: dict[int, Job] = {}
    for job in Job.objects.filter(kind=kind, ref__in=list(refs)).order_by("ref", "-created_at"):
        latest.setdefault(job.ref, job)
    return latest


def jobs_requeue_lost() -> int:
    """Queue again the jobs a dead broker left queued (the claim makes a duplicate harmless)."""
    cutoff = timezone.now() - REQUEUE_AFTER
    lost = list(
        Job.objects.filter(state=Job.State.QUEUED, created_at__lt=cutoff).values_list("pk", "task")
    )
    with transaction.atomic():
        for pk, task in lost:
            enqueue(task, pk)
    return len(lost)
