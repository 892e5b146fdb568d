"""E-mail at every event a candidate can see, and the staff digest (issue 13).

Each test drives the real services, runs the on-commit callbacks (Celery is eager in
tests) and reads ``django.core.mail.outbox``: the right person, in their language, about
their own code only, from the service's address, never a staff address.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from recruitment import notifications, services
from recruitment.models import (
    Application,
    Competition,
    IdentityEscrow,
    Notification,
    ReserveEntry,
    StaffDigest,
    Stage,
)
from recruitment.public import stage_result_record
from recruitment.tasks import send_notification, send_staff_digests, sweep_notifications
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = pytest.mark.django_db
S = Competition.Status
REPO = Path(__file__).resolve().parents[2]

TWO_STAGES = [
    (Stage.Kind.LEGISLATION_TEST, "55", "30", None, "0"),
    (Stage.Kind.ESSAY, "5", "3", None, "1"),
]


@pytest.fixture
def staff(roles):
    return make_staff()


@pytest.fixture
def fragments(settings, tmp_path):
    """The kk/ru PO fragments of this work (var/i18n/notify.*.po) compiled over the project's
    catalogues, so the tests read the e-mails as a Kazakh- or Russian-speaking candidate will.
    Once the fragments are merged into locale/ and removed, the catalogues alone serve."""
    for lang in ("kk", "ru"):
        source = REPO / "var" / "i18n" / f"notify.{lang}.po"
        if not source.exists():
            return
        main = (REPO / "locale" / lang / "LC_MESSAGES" / "django.po").read_text()
        header = main[: main.index("\n\n", main.index('msgid ""')) + 2]
        fragment = source.read_text()
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "django.po").write_text(header + fragment)
        subprocess.run(
            [
                "msgfmt",
                "--check-format",
                "-o",
                str(target / "django.mo"),
                str(target / "django.po"),
            ],
            check=True,
        )
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


class Run:
    """A competition with candidates, driven through the services with on-commit callbacks
    executed as after a real commit."""

    def __init__(self, staff, capture, *, plan=TWO_STAGES, languages=("en", "ru", "kk")):
        self.staff = staff
        self.capture = capture
        self.competition = make_competition(staff=staff, plan=plan)
        self.do(services.competition_publish, competition=self.competition, actor=staff.hr)
        self.vacancy = self.competition.vacancies.get()
        self.candidates = []
        self.apps = []
        for language in languages:
            candidate = make_candidate()
            candidate.user.language = language
            candidate.user.save(update_fields=["language"])
            self.candidates.append(candidate)
            self.apps.append(
                self.do(
                    services.application_submit,
                    user=candidate.user,
                    competition=self.competition,
                    vacancy=self.vacancy,
                    consent=True,
                )
            )

    def do(self, service, **kwargs):
        with self.capture(execute=True):
            return service(**kwargs)

    def stage(self, kind) -> Stage:
        return self.competition.stages.get(kind=kind)

    def close_applications(self):
        Competition.objects.filter(pk=self.competition.pk).update(
            applications_open_at=timezone.now() - dt.timedelta(days=2),
            applications_close_at=timezone.now() - dt.timedelta(seconds=1),
        )
        self.do(
            services.competition_close_applications,
            competition=self.competition,
            actor=self.staff.hr,
        )

    def advance(self):
        self.do(services.competition_advance, competition=self.competition, actor=self.staff.hr)

    def mark(self, scores):
        for member in self.competition.commission.all():
            if member.declared_at is None:
                services.commission_declare(member=member, has_conflict=False)
            for application, score in scores.items():
                self.do(
                    services.commission_mark,
                    member=member,
                    application=application,
                    score=Decimal(str(score)),
                )

    def to_results(self, test_scores, essay_scores):
        """Close, test (scores), essay (marks), rank, publish."""
        self.close_applications()
        self.advance()
        test = self.stage(Stage.Kind.LEGISLATION_TEST)
        for application, score in zip(self.apps, test_scores, strict=True):
            stage_result_record(
                application_id=application.pk,
                stage_id=test.pk,
                score=Decimal(score),
                passed=score >= 30,
            )
        self.advance()
        self.mark(dict(zip(self.apps, essay_scores, strict=True)))
        self.advance()
        self.do(
            services.competition_publish_results, competition=self.competition, actor=self.staff.hr
        )


def mails_to(candidate):
    return [m for m in mail.outbox if m.to == [candidate.email]]


def assert_private(message, run: Run, own: int):
    """The message concerns the candidate's own code alone and names no staff member."""
    text = message.subject + "\n" + message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert not message.cc and not message.bcc and not message.reply_to
    assert run.apps[own].code in text
    for i, (candidate, application) in enumerate(zip(run.candidates, run.apps, strict=True)):
        if i == own:
            continue
        assert application.code not in text
        for marker in candidate.markers:
            assert marker not in text
    for person in [run.staff.hr, *run.staff.members, run.staff.observer, run.staff.ethics]:
        assert person.email not in text
    # Even the candidate's own name, IIN and phone stay in the vault.
    for marker in run.candidates[own].markers:
        if "@" not in marker:
            assert marker not in text


# --- Application received, admitted or not ------------------------------------------------


def test_application_received_tells_the_code_in_the_candidates_language(
    staff, django_capture_on_commit_callbacks, fragments
):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("ru", "kk"))
    ru, kk = run.candidates
    [received] = mails_to(ru)
    assert_private(received, run, 0)
    assert run.vacancy.title_ru in received.body
    assert "Заявка" in received.subject and "допущены" in received.subject
    assert "анонимный код" in received.body
    [received_kk] = mails_to(kk)
    assert_private(received_kk, run, 1)
    assert run.vacancy.title_kk in received_kk.body
    assert "өтінімі қабылданды" in received_kk.subject
    assert "анонимді кодыңыз" in received_kk.body


def test_an_ineligible_candidate_hears_which_requirements_are_not_met(
    staff, django_capture_on_commit_callbacks
):
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    Competition.vacancies.through.objects.filter(competition=competition).delete()
    from tests.recruitment.factories import make_vacancy

    vacancy = make_vacancy(body=staff.body, min_experience_years=Decimal("10"))
    competition.vacancies.add(vacancy)
    candidate = make_candidate(public_years=1)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(
            user=candidate.user, competition=competition, vacancy=vacancy, consent=True
        )
    assert application.status == Application.Status.INELIGIBLE
    [message] = mails_to(candidate)
    assert application.code in message.body
    assert "requirements not met" in message.subject
    assert "not admitted" in message.body
    assert "10" in message.body  # the unmet requirement, as a sentence


def test_withdrawal_is_confirmed(staff, django_capture_on_commit_callbacks):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en", "en"))
    mail.outbox.clear()
    run.do(services.application_withdraw, user=run.candidates[0].user, application=run.apps[0])
    [message] = mail.outbox
    assert message.to == [run.candidates[0].email]
    assert "withdrawn" in message.subject
    assert_private(message, run, 0)


# --- Stages ------------------------------------------------------------------------------


def test_each_admitted_code_hears_that_the_test_window_opens_with_its_dates(
    staff, django_capture_on_commit_callbacks
):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en", "en", "ru"))
    test = run.stage(Stage.Kind.LEGISLATION_TEST)
    closes = timezone.now() + dt.timedelta(days=5)
    Stage.objects.filter(pk=test.pk).update(opens_at=timezone.now(), closes_at=closes)
    run.close_applications()
    mail.outbox.clear()
    run.advance()
    assert len(mail.outbox) == 3
    for i, candidate in enumerate(run.candidates):
        [message] = mails_to(candidate)
        assert_private(message, run, i)
    english = mails_to(run.candidates[0])[0]
    assert "Legislation test opens" in english.subject
    assert str(timezone.localtime(closes).year) in english.body
    russian = mails_to(run.candidates[2])[0]
    assert "Тестирование на знание законодательства" in russian.subject


def test_stage_results_tell_each_code_its_score_the_pass_mark_and_the_appeal_deadline(
    staff, django_capture_on_commit_callbacks
):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en", "en", "en"))
    run.close_applications()
    run.advance()
    test = run.stage(Stage.Kind.LEGISLATION_TEST)
    Stage.objects.filter(pk=test.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    for application, score in zip(run.apps[:2], [41, 12], strict=True):
        stage_result_record(
            application_id=application.pk,
            stage_id=test.pk,
            score=Decimal(score),
            passed=score >= 30,
        )
    mail.outbox.clear()
    run.advance()
    results = {
        i: [m for m in mails_to(c) if "the result of" in m.subject]
        for i, c in enumerate(run.candidates)
    }
    passed, failed, missed = (results[0][0], results[1][0], results[2][0])
    for i, message in enumerate((passed, failed, missed)):
        assert_private(message, run, i)
    assert "Score: 41 of 55" in passed.body and "You passed" in passed.body
    assert "Pass mark: 30" in passed.body
    deadline = services.appeal_deadline(stage=Stage.objects.get(pk=test.pk))
    assert str(timezone.localtime(deadline).day) in passed.body
    assert "appeal" in failed.body and "Score: 12 of 55" in failed.body
    assert "did not pass" in failed.body
    assert "did not sit" in missed.body and "Score" not in missed.body
    # The essay opened for the one who passed: she also heard about it.
    assert any("Essay opens" in m.subject for m in mails_to(run.candidates[0]))
    assert not any("Essay opens" in m.subject for m in mails_to(run.candidates[1]))


def test_publishing_a_stage_costs_one_insert_whatever_the_number_of_codes(
    staff, django_capture_on_commit_callbacks
):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en",) * 4)
    run.close_applications()
    run.advance()
    test = run.stage(Stage.Kind.LEGISLATION_TEST)
    for application in run.apps:
        stage_result_record(
            application_id=application.pk, stage_id=test.pk, score=Decimal(40), passed=True
        )
    with CaptureQueriesContext(connection) as queries:
        services.stage_publish_results(stage=test, actor=staff.hr)
    touching = [q["sql"] for q in queries if "recruitment_notification" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")


# --- Appeals and the final result ------------------------------------------------------------


def test_final_results_an_upheld_appeal_and_the_places_it_moves(
    staff, django_capture_on_commit_callbacks, fragments
):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en", "en", "ru", "en"))
    run.competition.reserve_size = 1
    run.competition.save(update_fields=["reserve_size"])
    run.to_results([50, 45, 40, 35], [5, 4, "3.5", "2.5"])
    finals = {
        i: [m for m in mails_to(c) if "Competition" in m.subject or "Конкурс" in m.subject]
        for i, c in enumerate(run.candidates)
    }
    winner = finals[0][0]
    assert "winner" in winner.body and "Rank 1" in winner.body
    reserve = finals[1][0]
    until = ReserveEntry.objects.get(application=run.apps[1]).valid_until
    assert "reserve" in reserve.body and str(until.year) in reserve.body
    not_selected = finals[2][0]
    assert "Место в рейтинге: 3" in not_selected.body and "не отобраны" in not_selected.body
    for i in range(3):
        assert_private(finals[i][0], run, i)
    assert finals[3] == []  # eliminated at the essay: told then, not ranked now

    essay = run.stage(Stage.Kind.ESSAY)
    owner = run.candidates[3].user
    appeal = run.do(
        services.appeal_submit,
        user=owner,
        application=run.apps[3],
        stage=essay,
        text="The second argument of my essay was not read by the commission at all.",
    )
    mail.outbox.clear()
    run.do(
        services.appeal_decide,
        appeal=appeal,
        actor=staff.hr,
        upheld=True,
        answer="Upheld: the commission re-read the essay.",
        corrected_score=Decimal("4.5"),
    )
    [decided] = mails_to(run.candidates[3])
    assert "upheld" in decided.subject
    assert "4.5 of 5" in decided.body and "re-read the essay" in decided.body
    assert "rank 2" in decided.body
    assert_private(decided, run, 3)
    # The reserve place passed from the second to the newcomer; the third moved down.
    moved = {i: mails_to(c) for i, c in enumerate(run.candidates[:3])}
    assert moved[0] == []
    [second] = moved[1]
    assert "has changed" in second.subject and "rank 3" in second.body
    assert_private(second, run, 1)
    [third] = moved[2]
    assert "изменилось" in third.subject and "место в рейтинге: 4" in third.body
    assert_private(third, run, 2)


# --- Reliability --------------------------------------------------------------------------


class FlakyBackend:
    """A mail server that refuses the first ``fail`` messages."""

    fail = 0
    sent: list = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakyBackend.fail:
            FlakyBackend.fail -= 1
            raise ConnectionRefusedError("SMTP down")
        FlakyBackend.sent.extend(messages)
        return len(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.sent = []
    FlakyBackend.fail = 0
    return FlakyBackend


def test_a_retried_send_after_a_failure_sends_exactly_once(
    staff, django_capture_on_commit_callbacks, flaky
):
    flaky.fail = 1
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en",))
    # The first attempt failed and was retried: one message, the row marked sent.
    assert len(flaky.sent) == 1
    row = Notification.objects.get(application_id=run.apps[0].pk)
    assert row.sent_at is not None and row.failures == 1
    # A redelivered message (a worker died after sending) or the sweeper: nothing more.
    assert send_notification.apply(args=[row.pk]).get() is False
    assert notifications.notification_send(notification_id=row.pk) is False
    assert len(flaky.sent) == 1


def test_a_send_that_keeps_failing_is_left_for_the_sweeper(
    staff, django_capture_on_commit_callbacks, flaky
):
    flaky.fail = 100
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en",))
    row = Notification.objects.get(application_id=run.apps[0].pk)
    assert row.sent_at is None and row.failures == send_notification.max_retries + 1
    flaky.fail = 0
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        sweep_notifications.apply().get()
    assert len(flaky.sent) == 1 and flaky.sent[0].to == [run.candidates[0].email]


def test_a_dead_broker_loses_nothing(staff, django_capture_on_commit_callbacks, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(send_notification, "apply_async", down)
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en",))
    assert mail.outbox == []
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_notifications.apply().get() == 0  # too fresh: its message may be coming
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        sweep_notifications.apply().get()
    [message] = mail.outbox
    assert run.apps[0].code in message.body


def test_the_outbox_holds_no_person(staff, django_capture_on_commit_callbacks):
    """The row joins nothing to a person beyond the escrow's plain application id."""
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en", "en"))
    fields = {f.name for f in Notification._meta.concrete_fields}
    assert fields == {
        "id",
        "application_id",
        "event",
        "ref",
        "params",
        "created_at",
        "sent_at",
        "failures",
    }
    for row in Notification.objects.values():
        text = str(row)
        for candidate in run.candidates:
            assert candidate.email not in text
            assert f"'{candidate.user.pk}'" not in text


def test_a_lapsed_reserve_place_is_told_once(staff, django_capture_on_commit_callbacks):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en", "en", "en"))
    run.competition.reserve_size = 1
    run.competition.save(update_fields=["reserve_size"])
    run.to_results([50, 45, 40], [5, 4, "3.5"])
    entry = ReserveEntry.objects.get(application=run.apps[1])
    ReserveEntry.objects.filter(pk=entry.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    mail.outbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep_notifications.apply().get()
        Notification.objects.filter(sent_at=None).update(
            created_at=timezone.now() - dt.timedelta(minutes=10)
        )
    [message] = mail.outbox
    assert message.to == [run.candidates[1].email] and "expired" in message.subject
    assert_private(message, run, 1)


# --- The staff digest ---------------------------------------------------------------------


def test_the_staff_digest_counts_what_waits_and_names_no_candidate(
    staff, django_capture_on_commit_callbacks
):
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en", "en", "en"))
    run.close_applications()
    run.advance()
    test = run.stage(Stage.Kind.LEGISLATION_TEST)
    for application in run.apps:
        stage_result_record(
            application_id=application.pk, stage_id=test.pk, score=Decimal(40), passed=True
        )
    run.advance()  # the essay: the commission has three codes to mark
    for member in run.competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
    owner = run.candidates[0].user
    run.do(
        services.appeal_submit,
        user=owner,
        application=run.apps[0],
        stage=test,
        text="Question 12 of my test has two correct answers, please check it.",
    )
    mail.outbox.clear()
    morning = timezone.localtime().replace(hour=9)
    assert notifications.staff_digests_send(now=morning) == 1 + len(staff.members)
    assert notifications.staff_digests_send(now=morning) == 0  # once a day
    [hr] = [m for m in mail.outbox if m.to == [staff.hr.email]]
    assert run.competition.number in hr.body and "1 appeal" in hr.body
    [member] = [m for m in mail.outbox if m.to == [staff.members[0].email]]
    assert "3 codes" in member.body
    for message in mail.outbox:
        text = message.subject + message.body
        for candidate, application in zip(run.candidates, run.apps, strict=True):
            assert application.code not in text
            for marker in candidate.markers:
                assert marker not in text
    assert StaffDigest.objects.count() == 1 + len(staff.members)


def test_the_digest_waits_for_the_morning_and_the_beat_task_runs(staff):
    night = timezone.localtime().replace(hour=3)
    assert notifications.staff_digests_send(now=night) == 0
    assert send_staff_digests.apply().get() >= 0


def test_the_escrow_is_the_only_way_to_the_recipient(staff, django_capture_on_commit_callbacks):
    """Without its escrow row an application has nobody to write to: no other join exists."""
    run = Run(staff, django_capture_on_commit_callbacks, languages=("en",))
    mail.outbox.clear()
    IdentityEscrow.objects.filter(application_id=run.apps[0].pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.application_withdrawn_raised(application=run.apps[0])
    assert mail.outbox == []


def test_beat_runs_the_sweeper_and_the_digest():
    from eqyzmet.celery import app

    for name, task in [
        ("recruitment-notifications-sweep", "recruitment.sweep_notifications"),
        ("recruitment-staff-digests", "recruitment.send_staff_digests"),
    ]:
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["task"] == task and task in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["recruitment-notifications-sweep"]["schedule"] <= 300
