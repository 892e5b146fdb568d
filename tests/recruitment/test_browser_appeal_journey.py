"""Browser journey: a candidate fails the legislation test, reads the published result,
appeals; HR upholds the appeal in the admin; the candidate is back in, sits the essay stage
and is ranked. Every e-mail the candidate receives on the way is read here."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from recruitment import services
from recruitment.models import Appeal, Application, Competition, Stage
from recruitment.public import stage_result_record
from tests.factories import PASSWORD
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

GROUNDS = "Question 14 was scored against last year's wording of the Labour Code."


def _sign_in(page, url: str, email: str) -> None:
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert "id_password" not in page.content(), f"could not sign in at {url}"


def _run_step(page, base: str, competition: Competition, action: str) -> list[str]:
    """Choose the step in the competitions list, read its confirmation page, confirm.
    Returns the preview lines the officer read."""
    page.goto(f"{base}/admin/recruitment/competition/")
    page.check(f"input[name=_selected_action][value='{competition.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")
    page.locator(".confirm-step").wait_for()
    assert page.locator(".confirm-step .errorlist li").count() == 0, page.locator(
        ".confirm-step"
    ).inner_text()
    preview = page.locator(".confirm-preview li").all_inner_texts()
    page.locator(".confirm-step input[type=submit]").click()
    page.locator("ul.messagelist").wait_for()
    return preview


def _mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_failed_candidate_appeals_is_upheld_comes_back_and_is_ranked(
    browser, live_server, settings, roles
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    base = live_server.url
    staff = make_staff()
    competition = make_competition(
        staff=staff,
        plan=[
            (Stage.Kind.LEGISLATION_TEST, "55", None, None, "0"),
            (Stage.Kind.ESSAY, "5", "3", 5, "1"),
        ],
        appeal_window_days=3,
    )
    services.competition_publish(competition=competition, actor=staff.hr)
    candidates = [make_candidate() for _ in range(3)]
    applications = [
        services.application_submit(
            user=c.user, competition=competition, vacancy=competition.vacancies.get(), consent=True
        )
        for c in candidates
    ]
    me, my_app = candidates[0], applications[0]
    others = [a.code for a in applications[1:]]
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    competition.refresh_from_db()
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    assert Competition.objects.get(pk=competition.pk).status == Competition.Status.TESTING
    test_stage = competition.stages.get(kind=Stage.Kind.LEGISLATION_TEST)
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    # The testing center scores the test: the candidate under test fails, the others pass.
    for application, score, passed in zip(
        applications, [25, 44, 38], [False, True, True], strict=True
    ):
        stage_result_record(
            application_id=application.pk,
            stage_id=test_stage.pk,
            score=Decimal(score),
            passed=passed,
        )

    hr = browser.new_context(locale="en-US").new_page()
    hr.goto(f"{base}/admin/login/?next=/admin/")
    _sign_in(hr, "/admin/login/", staff.hr.email)
    preview = " ".join(_run_step(hr, base, competition, "advance"))
    assert "1 did not pass" in preview and "2 code(s) passed" in preview
    my_app.refresh_from_db()
    assert my_app.status == Application.Status.ELIMINATED
    assert Competition.objects.get(pk=competition.pk).status == Competition.Status.ESSAY

    # --- The candidate reads the published result and appeals ------------------------------
    page = browser.new_context(locale="en-US").new_page()
    page.context.add_cookies([{"name": "eqyzmet_language", "value": "en", "url": base}])
    page.goto(f"{base}/en/accounts/login/?next=/en/my/applications/")
    _sign_in(page, "/en/accounts/login/", me.email)
    page.wait_for_url(re.compile(r".*/en/my/applications/$"))
    row = page.locator("tbody tr").filter(has_text=my_app.code)
    assert "25/55" in row.inner_text()
    assert "Did not pass a stage" in row.inner_text()
    page.get_by_role("link", name=my_app.code).click()
    page.wait_for_url(re.compile(rf".*/en/my/applications/{my_app.pk}/$"))
    result = page.locator("article.stage-result").filter(has_text="Score: 25 of 55")
    assert "not passed" in result.inner_text()
    assert "You may appeal this result until" in result.inner_text()
    for code in others:
        assert code not in page.content()
    result.get_by_role("link", name="Appeal").click()
    page.get_by_label("Grounds of your appeal").fill(GROUNDS)
    page.get_by_role("button", name="Submit the appeal").click()
    page.wait_for_url(re.compile(rf".*/en/my/applications/{my_app.pk}/$"))
    assert "Your appeal is submitted" in page.content()
    appeal = Appeal.objects.get(application=my_app)
    assert appeal.status == Appeal.Status.SUBMITTED

    # --- HR upholds it with a corrected, passing score --------------------------------------
    hr.goto(f"{base}/admin/recruitment/appeal/")
    hr.locator("#result_list tbody tr").filter(has_text=my_app.code).locator("a").first.click()
    hr.get_by_role("link", name="Decide…").click()
    hr.wait_for_url(re.compile(rf".*/admin/recruitment/appeal/{appeal.pk}/decide/$"))
    assert GROUNDS[:20] in hr.content()
    hr.check("#id_upheld")
    hr.fill("#id_corrected_score", "41")
    hr.fill("#id_answer", "Question 14 is re-scored under the current Labour Code.")
    hr.locator("#content-main input[type=submit]").click()
    hr.wait_for_url(re.compile(rf".*/admin/recruitment/appeal/{appeal.pk}/change/$"))
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
    for candidate in candidates:
        assert candidate.email not in hr.content()

    # --- Back in: admitted to the essay stage -----------------------------------------------
    page.reload()
    facts = page.locator("dl.facts").inner_text()
    assert "Admitted" in facts, facts
    assert "Essay" in facts, facts
    assert "Score: 41 of 55" in page.content()
    assert "Corrected score: 41" in page.content()
    my_app.refresh_from_db()
    assert (my_app.status, my_app.current_stage_id) == (Application.Status.ADMITTED, essay.pk)

    # --- The commission marks the essays; HR ends the stage and publishes -------------------
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for application, score in zip(applications, [5, 4, 3], strict=True):
            services.commission_mark(member=member, application=application, score=Decimal(score))
    _run_step(hr, base, competition, "advance")
    assert Competition.objects.get(pk=competition.pk).status == Competition.Status.RANKING_LOCKED
    _run_step(hr, base, competition, "publish_results")
    assert Competition.objects.get(pk=competition.pk).status == Competition.Status.RESULTS_PUBLISHED

    page.reload()
    facts = page.locator("dl.facts").inner_text()
    assert re.search(r"Rank\s+1\b", facts), facts
    assert "Winner" in facts, facts
    assert re.search(r"Final score\s+5\b", facts), facts
    page.goto(f"{base}/en/my/applications/")
    assert "Rank 1" in page.locator("tbody tr").filter(has_text=my_app.code).inner_text()

    # --- The e-mails: each to the candidate alone, about their own code ---------------------
    received = _mails_to(me.email)
    subjects = [m.subject for m in received]
    bodies = [m.body for m in received]
    for message in received:
        assert message.to == [me.email]
        assert not message.cc and not message.bcc
        assert my_app.code in message.body
        for code in others:
            assert code not in message.body and code not in message.subject
    kinds = {
        "received": [b for b in bodies if "received" in b.lower()],
        "test result": [b for b in bodies if "Score: 25 of 55" in b],
        "appeal decided": [b for b in bodies if "appeal" in b and "upheld" in b],
        "essay opened": [b for b in bodies if "admitted to the next stage: Essay" in b],
        "final": [b for b in bodies if "rank 1" in b.lower() or "Rank: 1" in b],
    }
    missing = [kind for kind, found in kinds.items() if not found]
    assert not missing, (missing, subjects, bodies)
    assert "you may appeal it on your application's page until" in kinds["test result"][0]
    assert "Your corrected score: 41 of 55." in kinds["appeal decided"][0]
    # Everyone else's mail is theirs alone too, and never carries this candidate's code.
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert not any(my_app.code in m.body for m in mail.outbox if me.email not in m.to)
    assert "With it you pass this stage." in kinds["appeal decided"][0]
