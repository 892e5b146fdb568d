"""The evaluation app's public surface (OEP-49): what other layers may ask of it.

``employee_personal_data`` is registered with the kernel's personal-data sources
(``EvaluationConfig.ready``) for the "download my data" page.
"""

from __future__ import annotations

from evaluation.models import RESULT_STATUSES, Assessment, Employee


def employee_personal_data(user_id: int) -> dict | None:
    """The employee's own record and results, as their "My evaluation" pages show them:
    no evaluator's identity, no 360 respondent, no ethics case. Two queries."""
    employee = Employee.objects.select_related("state_body").filter(user_id=user_id).first()
    if employee is None:
        return None
    assessments = (
        Assessment.objects.filter(employee=employee)
        .select_related("cycle")
        .order_by("-cycle__period_start")
    )
    rows = []
    for a in assessments:
        row = {"period": a.cycle.label, "status": str(a.get_status_display())}
        if a.status in RESULT_STATUSES:
            row.update(
                {
                    "composite": a.composite,
                    "band": str(a.get_band_display()) if a.band else None,
                    "bonus_tier": a.bonus_tier,
                    "bonus_percent": a.bonus_percent,
                    "result_issued_at": a.finalized_at,
                    "acknowledged_at": a.acknowledged_at,
                    "contested_at": a.contested_at,
                    "contest_grounds": a.contest_reason,
                    "review_outcome": (
                        str(a.get_review_outcome_display()) if a.review_outcome else None
                    ),
                    "review_decision": a.review_note,
                    "reviewed_at": a.reviewed_at,
                }
            )
        rows.append(row)
    return {
        "employee": {
            "position": employee.position,
            "unit": employee.state_body.name,
            "in_service": employee.is_active,
        },
        "assessments": rows,
    }
