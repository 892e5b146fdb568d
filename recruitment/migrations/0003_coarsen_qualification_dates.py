"""Existing application snapshots lose their dates: a job's start and end become its length
in months (as of the day the application was sent), an education entry loses its year of
graduation. Eligibility was decided when they were sent and is kept as it is.

The rule is copied here rather than imported, so this migration means the same thing
whatever the services become later. Running it twice changes nothing.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import migrations


def _months(start: dt.date, end: dt.date) -> int:
    if end <= start:
        return 0
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def _coarse(snapshot: dict, as_of: dt.date) -> dict:
    education = [{"level": e["level"], "field": e["field"]} for e in snapshot.get("education", [])]
    experience = []
    for item in snapshot.get("experience", []):
        if "months" in item:
            experience.append(
                {"sector": item["sector"], "field": item["field"], "months": item["months"]}
            )
            continue
        start = dt.date.fromisoformat(item["from"])
        end = dt.date.fromisoformat(item["to"]) if item.get("to") else as_of
        experience.append(
            {
                "sector": item["sector"],
                "field": item["field"],
                "months": _months(start, min(end, as_of)),
            }
        )
    return {
        **snapshot,
        "education": sorted(education, key=lambda e: (-e["level"], e["field"])),
        "experience": sorted(experience, key=lambda x: (x["sector"], x["field"], -x["months"])),
    }


def coarsen_snapshots(apps, schema_editor):
    Application = apps.get_model("recruitment", "Application")
    for application in Application.objects.only("pk", "qualifications", "submitted_at").iterator(
        chunk_size=500
    ):
        snapshot = application.qualifications or {}
        coarse = _coarse(snapshot, application.submitted_at.date())
        if coarse != snapshot:
            Application.objects.filter(pk=application.pk).update(qualifications=coarse)


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0002_profile_iin_hold_random_application_ids")]

    operations = [migrations.RunPython(coarsen_snapshots, migrations.RunPython.noop)]
