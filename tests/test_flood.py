"""Floods against every throttled anonymous endpoint, behind the reverse proxy.

An attacker controls many addresses; each flood below comes from 60 of them. What must
hold: the flood never locks out a person who holds the right secret (a receipt code, a
rating link) or has a real report to file, while a single flooding address is refused.
The clients sit behind one trusted proxy, as in the deployment the README describes.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache, caches
from django.test import RequestFactory
from django.urls import reverse

from eqyzmet.throttling import HourlyLimiter
from ethics import throttling
from ethics.models import CaseMessage, EthicsCase
from tests.ethics.factories import report
from tests.factories import make_state_body

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"
OWNER = "203.0.113.10"  # the reporter, or the citizen, with the right secret
ATTACKERS = [f"198.51.100.{n}" for n in range(1, 61)]
FAILURE_LIMIT = throttling.LIMITS["receipt_failure"][0]
REPORTS_API = "/api/v1/ethics/reports/"
FOLLOW_API = "/api/v1/ethics/follow/"
MESSAGES_API = "/api/v1/ethics/follow/messages/"


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings, tmp_path):
    settings.EQYZMET_TRUSTED_PROXIES = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ministry(roles):
    return make_state_body()


def _from(address):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"6.6.6.6, {address}"}


def _wrong_code(n):
    return f"{9_000_000_000_000_000 + n:016d}"


def _report_data(body):
    return {
        "category": "corruption_risk",
        "state_body": body.pk,
        "subject": "Bribe at the licensing desk",
        "description": "On 3 March a specialist asked for money to speed up a licence.",
    }


# --- Receipt codes -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_flood_of_wrong_receipt_codes_does_not_lock_out_the_reporter_with_the_right_one(
    client, ministry
):
    submitted = report(ministry)
    follow = reverse("ethics:follow")
    statuses = []
    for a, address in enumerate(ATTACKERS):
        for n in range(FAILURE_LIMIT + 1):
            code = _wrong_code(a * 100 + n)
            statuses.append(client.post(follow, {"code": code}, **_from(address)).status_code)
    # Each address got its ten tries and then a refusal: 600 wrong codes in all.
    assert statuses.count(200) == len(ATTACKERS) * FAILURE_LIMIT
    assert statuses.count(429) == len(ATTACKERS)

    response = client.post(follow, {"code": submitted.receipt_code}, **_from(OWNER))
    assert response.status_code == 302
    assert "eqyzmet_ethics_case" in response.cookies


@pytest.mark.slow
def test_a_flood_of_wrong_receipt_codes_on_the_api_does_not_lock_out_the_reporter(client, ministry):
    submitted = report(ministry)
    for a, address in enumerate(ATTACKERS):
        for n in range(FAILURE_LIMIT):
            headers = {"x-receipt-code": _wrong_code(a * 100 + n)}
            assert client.get(FOLLOW_API, headers=headers, **_from(address)).status_code == 404
        refused = client.get(FOLLOW_API, headers={"x-receipt-code": "0" * 16}, **_from(address))
        assert refused.status_code == 429

    headers = {"x-receipt-code": submitted.receipt_code}
    response = client.get(FOLLOW_API, headers=headers, **_from(OWNER))
    assert response.status_code == 200
    assert response.json()["reference"] == submitted.case.reference


def test_a_single_address_guessing_codes_is_refused_even_with_the_right_code(client, ministry):
    submitted = report(ministry)
    follow = reverse("ethics:follow")
    attacker = _from(ATTACKERS[0])
    for n in range(FAILURE_LIMIT):
        assert client.post(follow, {"code": _wrong_code(n)}, **attacker).status_code == 200
    assert client.post(follow, {"code": submitted.receipt_code}, **attacker).status_code == 429
    api = client.get(
        FOLLOW_API, headers={"x-receipt-code": submitted.receipt_code}, **_from(ATTACKERS[0])
    )
    assert api.status_code == 429


def test_a_reporter_who_opens_the_case_many_times_is_not_counted_as_guessing(client, ministry):
    submitted = report(ministry)
    headers = {"x-receipt-code": submitted.receipt_code}
    for _ in range(FAILURE_LIMIT * 2):
        assert client.get(FOLLOW_API, headers=headers, **_from(OWNER)).status_code == 200


# --- Reports and messages ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_flood_of_rejected_report_forms_does_not_use_up_everyones_reports(client, ministry):
    bad = {**_report_data(ministry), "description": ""}
    for address in ATTACKERS:
        for _ in range(throttling.LIMITS["report"][0] + 1):
            client.post(reverse("ethics:report_new"), bad, **_from(address))
    assert not EthicsCase.objects.exists()

    response = client.post(
        reverse("ethics:report_new"), _report_data(ministry), follow=True, **_from(OWNER)
    )
    assert response.status_code == 200
    assert 'data-testid="receipt-code"' in response.content.decode()


def test_a_single_address_flooding_reports_is_refused_and_others_still_report(client, ministry):
    limit = throttling.LIMITS["report"][0]
    form = reverse("ethics:report_new")
    page = [
        client.post(form, _report_data(ministry), **_from(ATTACKERS[0])).status_code
        for _ in range(limit * 4)
    ]
    assert page == [302] * limit + [429] * (limit * 3)
    api = client.post(
        REPORTS_API, _report_data(ministry), content_type="application/json", **_from(ATTACKERS[0])
    )
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    assert EthicsCase.objects.count() == limit

    other = client.post(
        REPORTS_API, _report_data(ministry), content_type="application/json", **_from(OWNER)
    )
    assert other.status_code == 201


@pytest.mark.slow
def test_a_flood_of_invalid_api_reports_does_not_use_up_everyones_reports(client, ministry):
    bad = {**_report_data(ministry), "description": ""}
    for address in ATTACKERS:
        for _ in range(throttling.LIMITS["report"][0] + 1):
            response = client.post(
                REPORTS_API, bad, content_type="application/json", **_from(address)
            )
            assert response.status_code == 400
    response = client.post(
        REPORTS_API, _report_data(ministry), content_type="application/json", **_from(OWNER)
    )
    assert response.status_code == 201


def test_a_single_address_flooding_messages_is_refused(client, ministry):
    submitted = report(ministry)
    limit = throttling.LIMITS["message"][0]
    headers = {"x-receipt-code": submitted.receipt_code}
    statuses = [
        client.post(
            MESSAGES_API,
            {"body": f"More detail {n}"},
            content_type="application/json",
            headers=headers,
            **_from(ATTACKERS[0]),
        ).status_code
        for n in range(limit + 2)
    ]
    assert statuses == [201] * limit + [429, 429]
    assert CaseMessage.objects.filter(case=submitted.case).count() == limit


# --- Citizens' rating codes ---------------------------------------------------------------------


@pytest.fixture
def rating_code(ministry):
    from eqyzmet.roles import Role
    from evaluation import services
    from tests.evaluation.factories import desk_officer, employee, person

    department = make_state_body(parent=ministry)
    manager = person(Role.MANAGER, department)
    served_by = employee(department, supervisor=manager, unit_head=manager)
    desk = desk_officer(department)
    return services.citizen_link_issue(employee=served_by, actor=desk, service="Certificate")


@pytest.mark.slow
def test_a_flood_of_wrong_rating_codes_does_not_lock_out_the_citizen_with_the_right_one(
    client, rating_code
):
    from evaluation.models import CitizenRatingLink
    from evaluation.throttling import LIMITS as RATING_LIMITS
    from evaluation.throttling import throttle_consume

    limit = RATING_LIMITS["rate_failure"][0]
    rate = reverse("evaluation:rate_start")
    # The reported attack, 2,020 wrong codes from 101 addresses, counted as the page counts
    # them (each wrong code keeps the attempt it consumed) without 2,020 page renders ...
    factory = RequestFactory()
    for n in range(101):
        attacker = factory.post(rate, **_from(f"192.0.2.{n}"))
        for _ in range(limit):
            throttle_consume(attacker, "rate_failure")
    # ... and end to end through the page from the 60 addresses.
    statuses = []
    for a, address in enumerate(ATTACKERS):
        for n in range(limit + 1):
            wrong = f"WRNG-{a:04d}-{n:04d}"
            statuses.append(client.post(rate, {"code": wrong}, **_from(address)).status_code)
    assert statuses.count(429) == len(ATTACKERS)  # each address refused after its tries
    assert 429 not in [s for i, s in enumerate(statuses) if i % (limit + 1) != limit]

    shown = client.post(rate, {"code": rating_code.code}, **_from(OWNER))
    assert shown.status_code == 200
    rated = client.post(rate, {"code": rating_code.code, "score": "5"}, **_from(OWNER))
    assert rated.status_code == 200
    assert CitizenRatingLink.objects.get(pk=rating_code.link.pk).score == 5


def test_a_single_address_guessing_rating_codes_is_refused_even_with_the_right_one(
    client, rating_code
):
    from evaluation.models import CitizenRatingLink
    from evaluation.throttling import LIMITS as RATING_LIMITS

    rate = reverse("evaluation:rate_start")
    for n in range(RATING_LIMITS["rate_failure"][0]):
        client.post(rate, {"code": f"WRNG-0000-{n:04d}"}, **_from(ATTACKERS[0]))
    refused = client.post(rate, {"code": rating_code.code, "score": "5"}, **_from(ATTACKERS[0]))
    assert refused.status_code == 429
    assert CitizenRatingLink.objects.get(pk=rating_code.link.pk).rated_at is None


# --- Counting in one step, against the real Redis -----------------------------------------------


def _redis_url() -> str:
    """Redis for the parallel test: CI sets REDIS_URL (and must have Redis); here, local."""
    configured = os.environ.get("REDIS_URL")
    base = configured or "redis://127.0.0.1:6379/0"
    host_part = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    url = f"{host_part}/9"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if configured or os.environ.get("CI"):
            raise AssertionError(f"REDIS_URL is set but Redis at {url} does not answer") from None
        pytest.skip("needs Redis at 127.0.0.1:6379 (bash .ci/run starts it)")
    return url


@pytest.fixture
def real_redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "eqyzmet.cache.ResilientRedisCache",
            "LOCATION": _redis_url(),
            "KEY_PREFIX": f"flood-{uuid.uuid4().hex}",
        }
    }
    # No clear(): on Redis that is FLUSHDB. The keys are unique and expire with the hour.
    return caches["default"]


def test_forty_parallel_requests_against_a_limit_of_ten_admit_exactly_ten(real_redis_cache):
    limiter = HourlyLimiter(f"flood-{uuid.uuid4().hex}", {"report": (10, None)})
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.1")

    with ThreadPoolExecutor(max_workers=40) as pool:
        admitted = list(pool.map(lambda _: limiter.consume(request, "report"), range(40)))
    assert admitted.count(True) == 10


def test_forty_parallel_clients_against_a_global_limit_of_ten_admit_exactly_ten(real_redis_cache):
    limiter = HourlyLimiter(f"flood-{uuid.uuid4().hex}", {"report": (5, 10)})

    def consume(n):
        return limiter.consume(RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{n}"), "report")

    with ThreadPoolExecutor(max_workers=40) as pool:
        admitted = list(pool.map(consume, range(40)))
    assert admitted.count(True) == 10
