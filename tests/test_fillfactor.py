"""Tables whose rows are rewritten in bulk or in floods keep room on each page for the next
version of a row (``eqyzmet.dbops.SetFillFactor``): answered items (autosave) and
applications (ranking)."""

from __future__ import annotations

import pytest
from django.db import connection

from recruitment.models import Application
from testing_center.models import AttemptItem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "percent"), [(AttemptItem, 70), (Application, 80)])
def test_the_table_keeps_room_for_updates(postgresql_only, model, percent):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [model._meta.db_table])
        options = cursor.fetchone()[0] or []
    assert f"fillfactor={percent}" in options


def test_the_operation_refuses_a_fill_that_postgresql_would():
    from eqyzmet.dbops import SetFillFactor

    with pytest.raises(ValueError):
        SetFillFactor("Application", 5)
