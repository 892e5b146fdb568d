"""Training: completed courses recorded by the employee with evidence and confirmed by
their manager; reminders of mandatory training due or overdue (once per due date)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.formats import format_day
from eqyzmet.models import User
from eqyzmet.uploads import upload_check
from evaluation.models import Employee
from evaluation.models_development import (
    Course,
    CourseCompletion,
    FamilyMembership,
    MandatoryTraining,
    TrainingReminderSent,
)
from evaluation.services.development import manages
from evaluation.services.kpis import EVIDENCE_MAX_BYTES, _evidence_name

TRAINING_REMINDER_DAYS = 14
C = CourseCompletion.Status


@transaction.atomic
def completion_record(
    *, employee: Employee, actor: User, course: Course, completed_on: dt.date, evidence=None
) -> CourseCompletion:
    """The employee records a course they completed, with a certificate as evidence."""
    if actor.pk != employee.user_id:
        raise ApplicationError(_("Only the employee records their own training."), code="forbidden")
    if course is None or not course.is_active:
        raise ApplicationError(_("Choose a course from the catalogue."), code="no_course")
    if completed_on is None or completed_on > timezone.localdate():
        raise ApplicationError(_("The completion date cannot be in the future."), code="future")
    if not evidence:
        raise ApplicationError(_("Attach the certificate or other evidence."), code="no_evidence")
    checked = upload_check(evidence, max_bytes=EVIDENCE_MAX_BYTES)
    if CourseCompletion.objects.filter(
        employee=employee, course=course, status__in=[C.RECORDED, C.CONFIRMED]
    ).exists():
        raise ApplicationError(_("This course is already recorded."), code="duplicate")
    completion = CourseCompletion(employee=employee, course=course, completed_on=completed_on)
    completion.evidence.save("evidence", evidence, save=False)
    completion.evidence_name = _evidence_name(evidence, checked.extension)
    completion.evidence_type = checked.content_type
    completion.evidence_size = checked.size
    completion.evidence_sha256 = checked.sha256
    completion.save()
    audit_record(
        action="evaluation.training.recorded",
        actor=actor,
        target=completion,
        state_body=employee.state_body,
        details={"course_id": course.pk, "evidence_sha256": checked.sha256},
    )
    return completion


@transaction.atomic
def completion_decide(
    *, completion: CourseCompletion, actor: User, confirm: bool
) -> CourseCompletion:
    """The employee's manager confirms (or declines) a recorded course."""
    completion = (
        CourseCompletion.objects.select_for_update(of=("self",))
        .select_related("employee", "employee__state_body")
        .get(pk=completion.pk)
    )
    employee = completion.employee
    if actor.pk == employee.user_id or not manages(actor, employee.state_body):
        raise ApplicationError(
            _("Only the employee's manager confirms training."), code="forbidden"
        )
    if completion.status != C.RECORDED:
        raise ApplicationError(_("This record is already decided."), code="decided")
    completion.status = C.CONFIRMED if confirm else C.REJECTED
    completion.decided_by, completion.decided_at = actor, timezone.now()
    completion.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action="evaluation.training.confirmed" if confirm else "evaluation.training.declined",
        actor=actor,
        target=completion,
        state_body=employee.state_body,
        details={"course_id": completion.course_id},
    )
    return completion


def training_due(*, employee_ids=None, until: dt.date) -> list[tuple]:
    """(employee, requirement) pairs of mandatory training due by ``until`` and not done:
    no completion recorded or confirmed. Three queries."""
    memberships = FamilyMembership.objects.filter(employee__is_active=True).select_related(
        "employee__user", "employee__supervisor", "employee__state_body"
    )
    if employee_ids is not None:
        memberships = memberships.filter(employee_id__in=employee_ids)
    memberships = list(memberships)
    requirements: dict[int, list[MandatoryTraining]] = {}
    for req in MandatoryTraining.objects.filter(
        family_id__in={m.family_id for m in memberships}, due_date__lte=until
    ).select_related("course"):
        requirements.setdefault(req.family_id, []).append(req)
    done = set(
        CourseCompletion.objects.filter(
            employee_id__in=[m.employee_id for m in memberships if m.family_id in requirements],
            status__in=[C.RECORDED, C.CONFIRMED],
        ).values_list("employee_id", "course_id")
    )
    return [
        (m.employee, req)
        for m in memberships
        for req in requirements.get(m.family_id, [])
        if (m.employee_id, req.course_id) not in done
    ]


def training_reminders_send(*, today: dt.date | None = None) -> int:
    """Beat entry: remind each employee (copying their supervisor) of mandatory training
    due within 14 days or overdue, once per employee, course and due date."""
    today = today or timezone.localdate()
    sent = 0
    for employee, requirement in training_due(
        until=today + dt.timedelta(days=TRAINING_REMINDER_DAYS)
    ):
        if training_remind(employee=employee, requirement=requirement, today=today):
            sent += 1
    return sent


@transaction.atomic
def training_remind(*, employee: Employee, requirement: MandatoryTraining, today: dt.date) -> bool:
    try:
        with transaction.atomic():
            TrainingReminderSent.objects.create(
                employee=employee, requirement=requirement, due_date=requirement.due_date
            )
    except IntegrityError:
        return False
    recipients = [employee.user.email]
    if employee.supervisor and employee.supervisor.email:
        recipients.append(employee.supervisor.email)
    overdue = requirement.due_date < today
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "course": requirement.course.title,
            "date": format_day(requirement.due_date),
            "path": reverse("evaluation:development"),
        }
        if overdue:
            subject = gettext("Mandatory training overdue: %(course)s") % values
            body = (
                gettext(
                    "The mandatory course “%(course)s” was due by %(date)s and is not recorded "
                    "as completed.\n\nRecord it with the certificate: %(path)s"
                )
                % values
            )
        else:
            subject = gettext("Mandatory training due by %(date)s") % values
            body = (
                gettext(
                    "Complete the mandatory course “%(course)s” by %(date)s and record it with "
                    "the certificate: %(path)s"
                )
                % values
            )
    send_mail(subject, body, None, [r for r in recipients if r])
    audit_record(
        action="evaluation.training.reminded",
        target=employee,
        state_body=employee.state_body,
        details={
            "requirement_id": requirement.pk,
            "due_date": requirement.due_date.isoformat(),
            "overdue": overdue,
        },
    )
    return True
