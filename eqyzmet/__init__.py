"""eQyzmet: anonymised competitive hiring into the civil service."""

from eqyzmet.celery import app as celery_app

__all__ = ("celery_app",)
