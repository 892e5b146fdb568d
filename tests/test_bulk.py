"""``eqyzmet.bulk.bulk_update_rows``: many rows' fields written, in one statement on
PostgreSQL however many rows there are (so ranking's query count stays flat with the size
of a competition)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eqyzmet.bulk import bulk_update_rows

pytestmark = pytest.mark.django_db


def test_every_row_gets_its_own_values():
    groups = Group.objects.bulk_create(Group(name=f"g-{n}") for n in range(450))
    for group in groups:
        group.name = f"renamed-{group.pk}-'quote\"s"

    written = bulk_update_rows(groups, ["name"])

    assert written == 450
    names = dict(Group.objects.values_list("pk", "name"))
    assert names == {group.pk: f"renamed-{group.pk}-'quote\"s" for group in groups}


def test_nothing_to_write_runs_no_statement():
    with CaptureQueriesContext(connection) as captured:
        assert bulk_update_rows([], ["name"]) == 0
    assert captured.captured_queries == []


def test_thousands_of_rows_are_one_statement_on_postgresql(postgresql_only):
    groups = Group.objects.bulk_create(Group(name=f"h-{n}") for n in range(5000))
    for group in groups:
        group.name = f"moved-{group.pk}"

    with CaptureQueriesContext(connection) as captured:
        written = bulk_update_rows(groups, ["name"])

    assert written == 5000
    assert len(captured.captured_queries) == 1
    assert Group.objects.filter(name__startswith="moved-").count() == 5000
