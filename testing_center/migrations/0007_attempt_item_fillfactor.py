"""Room on each page of answered items for their next version (PostgreSQL only).

Autosave rewrites one item row every few seconds per candidate and changes no indexed
column: with 30 % of each page free, PostgreSQL writes the new version beside the old one
and touches none of the table's three indexes."""

from django.db import migrations

from eqyzmet.dbops import SetFillFactor


class Migration(migrations.Migration):
    dependencies = [("testing_center", "0006_practice_attempt_group_tag")]

    operations = [SetFillFactor("AttemptItem", 70)]
