"""Citizens' ratings: the service desk records a service delivery and issues its one-time
rating link; the citizen rates once; ratings that look arranged go to the ethics
commissioner."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eqyzmet.audit import audit_record
from eqyzmet.errors import ApplicationError
from eqyzmet.models import User
from eqyzmet.vault import blind_index
from ethics.public import system_case_raise
from evaluation import scoring
from evaluation.models import CitizenRatingLink, Employee, ServiceDelivery
from evaluation.selectors import desk_bodies

CITIZEN_LINK_DAYS = 30
# Rating links per employee per day unless settings.EVALUATION_RATING_LINKS_PER_DAY says
# otherwise: a busy front office serves about 40 citizens a day per servant.
RATING_LINKS_PER_DAY = 50
TOKEN_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # noqa: S105 - no 0/O, 1/I
TOKEN_LENGTH = 12


def token_normalise(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def token_hash(token: str) -> str:
    return blind_index(token_normalise(token), purpose="evaluation-citizen-rating")


def token_display(token: str) -> str:
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


@dataclass(frozen=True)
class IssuedLink:
    link: CitizenRatingLink
    token: str

    @property
    def code(self) -> str:
        return token_display(self.token)

    @property
    def path(self) -> str:
        """The page the citizen opens. The token rides in the fragment, which browsers never
        send: it reaches the server only in the POST body of the rating form, so it is in
        no access log, proxy log or Referer."""
        return f"{reverse('evaluation:rate_start')}#{self.token}"


def rating_links_per_day() -> int:
    return int(getattr(settings, "EVALUATION_RATING_LINKS_PER_DAY", RATING_LINKS_PER_DAY))


def may_issue_rating_link(*, user: User | None, employee: Employee) -> bool:
    """The service desk issues links: a person with ``evaluation.issue_rating_link`` who
    works in the employee's body or a body above it, and never the employee."""
    if user is None or not user.is_authenticated or user.pk == employee.user_id:
        return False
    if not user.has_perm("evaluation.issue_rating_link"):
        return False
    return desk_bodies(user).filter(pk=employee.state_body_id).exists()


def _require_desk(actor: User | None, employee: Employee) -> None:
    if actor is not None and actor.pk == employee.user_id:
        raise ApplicationError(
            _(
                "No one can issue a rating link for a service they delivered themselves: "
                "the service desk issues it."
            ),
            code="own_link",
        )
    if not may_issue_rating_link(user=actor, employee=employee):
        raise ApplicationError(
            _("Only the service desk of the employee's body can issue rating links."),
            code="not_desk",
        )


def _link_create(delivery: ServiceDelivery) -> IssuedLink:
    if CitizenRatingLink.objects.filter(delivery=delivery).exists():
        raise ApplicationError(
            _("This service delivery already has its rating link: it can be rated only once."),
            code="delivery_has_link",
        )
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    now = timezone.now()
    link = CitizenRatingLink.objects.create(
        delivery=delivery,
        employee_id=delivery.employee_id,
        state_body_id=delivery.state_body_id,
        service=delivery.service,
        token_hash=token_hash(token),
        issued_at=now,
        expires_at=now + dt.timedelta(days=CITIZEN_LINK_DAYS),
    )
    return IssuedLink(link=link, token=token)


@transaction.atomic
def citizen_link_issue(
    *,
    employee: Employee,
    actor: User | None,
    service: str,
    delivered_on: dt.date | None = None,
) -> IssuedLink:
    """The service desk records one service ``employee`` delivered and gets the one-time
    link (and code) for the citizen served. The token is shown once."""
    service = (service or "").strip()
    if not service:
        raise ApplicationError(_("Name the service provided."), code="no_service")
    _require_desk(actor, employee)
    # The row lock makes the daily count exact under parallel requests.
    employee = Employee.objects.select_for_update().select_related("state_body").get(pk=employee.pk)
    if not employee.is_active:
        raise ApplicationError(_("This employee is not in service."), code="inactive")
    today = timezone.localdate()
    delivered_on = delivered_on or today
    if not today - dt.timedelta(days=CITIZEN_LINK_DAYS) <= delivered_on <= today:
        raise ApplicationError(
            _("The service must have been delivered in the last 30 days."), code="bad_date"
        )
    limit = rating_links_per_day()
    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    if (
        ServiceDelivery.objects.filter(employee=employee, created_at__gte=day_start).count()
        >= limit
    ):
        raise ApplicationError(
            _(
                "This employee has reached the daily limit of %(limit)s rating links. "
                "Try again tomorrow."
            )
            % {"limit": limit},
            code="daily_cap",
        )
    delivery = ServiceDelivery.objects.create(
        employee=employee,
        state_body_id=employee.state_body_id,
        service=service[:200],
        delivered_on=delivered_on,
        issued_by=actor,
    )
    issued = _link_create(delivery)
    audit_record(
        action="evaluation.citizen_link.issued",
        actor=actor,
        target=issued.link,
        state_body=employee.state_body,
        details={"delivery_id": delivery.pk, "employee_id": employee.pk},
    )
    return issued


@transaction.atomic
def citizen_link_for_delivery(*, delivery: ServiceDelivery, actor: User) -> IssuedLink:
    """A link for a delivery recorded without one. A delivery never gets a second link."""
    delivery = (
        ServiceDelivery.objects.select_for_update()
        .select_related("employee", "employee__state_body")
        .get(pk=delivery.pk)
    )
    _require_desk(actor, delivery.employee)
    issued = _link_create(delivery)
    audit_record(
        action="evaluation.citizen_link.issued",
        actor=actor,
        target=issued.link,
        state_body=delivery.employee.state_body,
        details={"delivery_id": delivery.pk, "employee_id": delivery.employee_id},
    )
    return issued


INVALID_LINK = _("This rating link is not valid. Check the code and try again.")
USED_LINK = _("This link has already been used: each service can be rated only once.")
EXPIRED_LINK = _("This rating link has expired.")


def citizen_link_find(token: str) -> CitizenRatingLink:
    token = token_normalise(token)
    if len(token) != TOKEN_LENGTH:
        raise ApplicationError(INVALID_LINK, code="invalid_link")
    link = (
        CitizenRatingLink.objects.select_related("state_body")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        raise ApplicationError(INVALID_LINK, code="invalid_link")
    if link.rated_at is not None:
        raise ApplicationError(USED_LINK, code="used_link")
    if link.expires_at <= timezone.now():
        raise ApplicationError(EXPIRED_LINK, code="expired_link")
    return link


@transaction.atomic
def citizen_rating_submit(*, token: str, score: int, comment: str = "") -> CitizenRatingLink:
    """The citizen's one rating. The conditional UPDATE makes a second use (even at the
    same moment) change nothing."""
    link = citizen_link_find(token)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ApplicationError(_("Choose a rating from 1 to 5."), code="bad_score")
    now = timezone.now()
    claimed = CitizenRatingLink.objects.filter(pk=link.pk, rated_at__isnull=True).update(
        rated_at=now, score=score, comment=(comment or "").strip()[:2000]
    )
    if not claimed:
        raise ApplicationError(USED_LINK, code="used_link")
    audit_record(
        action="evaluation.citizen_rating.given",
        target=link,
        state_body=link.state_body,
        details={"score": score},
    )
    link.refresh_from_db()
    citizen_ratings_outlier_check(employee_id=link.employee_id, when=now)
    return link


# Citizens' ratings that look arranged go to the ethics commissioner. The rule, per employee
# and calendar quarter, over the ratings that count:
#   - the employee has at least OUTLIER_MIN_RATINGS ratings, and the rest of their unit
#     (same body) at least OUTLIER_MIN_UNIT_RATINGS;
#   - the employee's average is at least OUTLIER_MIN_GAP above the unit's, and at least
#     OUTLIER_STANDARD_ERRORS standard errors above it (the unit's spread of single ratings
#     over the square root of the employee's count: more ratings, less room for luck);
#   - one desk officer issued more than half of the employee's rated links.
# One case per employee and quarter; the evidence is figures only, no citizen data.
OUTLIER_MIN_RATINGS = 10
OUTLIER_MIN_UNIT_RATINGS = 10
OUTLIER_MIN_GAP = Decimal("0.5")
OUTLIER_STANDARD_ERRORS = 3
OUTLIER_DESK_SHARE = Decimal("0.5")


def citizen_ratings_outlier_check(*, employee_id: int, when: dt.datetime) -> int | None:
    """Raise (once) an ethics case when the employee's ratings this quarter meet the rule
    above; return the case id, or None."""
    day = timezone.localdate(when)
    year, quarter = day.year, scoring.quarter_of(day)
    first, last = scoring.quarter_bounds(year, quarter)
    period = {
        "rated_at__gte": timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
        "rated_at__lt": timezone.make_aware(
            dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)
        ),
    }
    counted = CitizenRatingLink.objects.counted().filter(**period)
    mine = counted.filter(employee_id=employee_id)
    own = mine.aggregate(n=Count("pk"), avg=Avg("score"))
    if own["n"] < OUTLIER_MIN_RATINGS:
        return None
    employee = Employee.objects.get(pk=employee_id)
    unit = (
        counted.filter(employee__state_body_id=employee.state_body_id)
        .exclude(employee_id=employee_id)
        .aggregate(n=Count("pk"), avg=Avg("score"), sq=Avg(F("score") * F("score")))
    )
    if unit["n"] < OUTLIER_MIN_UNIT_RATINGS:
        return None
    average, unit_average = Decimal(str(own["avg"])), Decimal(str(unit["avg"]))
    spread = Decimal(str(math.sqrt(max(0.0, float(unit["sq"]) - float(unit["avg"]) ** 2))))
    gap = average - unit_average
    if gap < OUTLIER_MIN_GAP or gap < OUTLIER_STANDARD_ERRORS * spread / Decimal(own["n"]).sqrt():
        return None
    top = (
        mine.values("delivery__issued_by_id")
        .annotate(links=Count("pk"))
        .order_by("-links", "delivery__issued_by_id")
        .first()
    )
    if Decimal(top["links"]) <= OUTLIER_DESK_SHARE * own["n"]:
        return None
    label = f"{year} Q{quarter}"
    return system_case_raise(
        kind="integrity_flag",
        state_body_id=employee.state_body_id,
        summary=f"Citizens' ratings of employee #{employee_id} far above the unit in {label}, "
        "mostly from links of one desk officer",
        evidence={
            "signal": "citizen_rating_outlier",
            "employee_id": employee_id,
            "period": label,
            "ratings": own["n"],
            "average": str(scoring.round2(average)),
            "unit_ratings": unit["n"],
            "unit_average": str(scoring.round2(unit_average)),
            "unit_spread": str(scoring.round2(spread)),
            "top_desk_officer_id": top["delivery__issued_by_id"],
            "top_desk_officer_links": top["links"],
        },
        dedupe_key=f"evaluation:citizen-outlier:{employee_id}:{year}-Q{quarter}",
    )
