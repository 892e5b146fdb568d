"""Room on each page of applications for their next version (PostgreSQL only).

An application is rewritten at each step of its competition, and ranking rewrites every
ranked one's score and place at once (10,000 rows for the largest competition). None of
those writes changes an indexed column, so with 20 % of each page free PostgreSQL can keep
each new version on its page and leave the table's seven indexes alone."""

from django.db import migrations

from eqyzmet.dbops import SetFillFactor


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0012_contract_project_names_in_three_languages")]

    operations = [SetFillFactor("Application", 80)]
