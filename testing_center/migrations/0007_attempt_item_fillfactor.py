"""Room on each page of answered items for their next version (PostgreSQL only).

Autosave rewrites one item row every few seconds per candidate. With full pages each new
row version goes to another page and every index on the table gets a new entry; with 30 %
of each page kept free, PostgreSQL writes the new version beside the old one and touches
no index (a "HOT" update), since autosave changes no indexed column. Rows written before
this migration keep their pages until the table is next rewritten."""

from django.db import migrations


def _fillfactor(percent):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        table = apps.get_model("testing_center", "AttemptItem")._meta.db_table
        quoted = schema_editor.quote_name(table)
        if percent is None:
            schema_editor.execute(f"ALTER TABLE {quoted} RESET (fillfactor)")
        else:
            schema_editor.execute(f"ALTER TABLE {quoted} SET (fillfactor = {int(percent)})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("testing_center", "0006_practice_attempt_group_tag")]

    operations = [migrations.RunPython(_fillfactor(70), _fillfactor(None))]
