"""Migration operations of our own."""

from __future__ import annotations

from django.db.migrations.operations.base import Operation


class SetFillFactor(Operation):
    """Keep ``percent`` of each page of a model's table filled (PostgreSQL only; nothing
    elsewhere), so an update that changes no indexed column can write the row's new version
    beside the old one and touch no index (a "HOT" update). For tables whose rows are
    rewritten often: the answered items of a running paper, applications being ranked.
    Rows already written keep their pages until the table is next rewritten."""

    reversible = True

    def __init__(self, model_name: str, percent: int):
        if not 10 <= percent <= 100:
            raise ValueError("fillfactor is between 10 and 100")
        self.model_name = model_name
        self.percent = percent

    def deconstruct(self):
        return self.__class__.__name__, [self.model_name, self.percent], {}

    def state_forwards(self, app_label, state):
        pass

    def _set(self, app_label, schema_editor, state, clause: str) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = state.apps.get_model(app_label, self.model_name)._meta.db_table
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} {clause}")

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._set(app_label, schema_editor, to_state, f"SET (fillfactor = {int(self.percent)})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._set(app_label, schema_editor, to_state, "RESET (fillfactor)")

    def describe(self):
        return f"Keep {self.percent} % of each page of {self.model_name} filled"
