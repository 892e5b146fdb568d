"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit ledger, so even
raw SQL from a compromised account cannot rewrite history without disabling the trigger
(which needs the table owner's rights, and which verify_audit would still catch)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION eqyzmet_audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit ledger is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER eqyzmet_auditevent_append_only
    BEFORE UPDATE OR DELETE ON eqyzmet_auditevent
    FOR EACH ROW EXECUTE FUNCTION eqyzmet_audit_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS eqyzmet_auditevent_append_only ON eqyzmet_auditevent;
DROP FUNCTION IF EXISTS eqyzmet_audit_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("eqyzmet", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
