"""AI-assisted essay scoring inside the product: training data, stored and reproducible model
versions, training runs that survive a crash, essays redacted and routed to blind double
marking, and the commission's marks deciding the result."""

from __future__ import annotations

from decimal import Decimal

import pytest

from eqyzmet.errors import ApplicationError
from ethics.models import EthicsCase
from recruitment import services as recruitment_services
from recruitment.models import StageResult
from testing_center.integrity import sitting_integrity_scan
from testing_center.models import (
    AiScore,
    EssayReview,
    ScoringModel,
    ScoringPolicy,
    TrainingAnswer,
    TrainingRun,
)
from testing_center.redaction import redact_text
from testing_center.scoring import score_answers, train_question_model
from testing_center.scoring.essays import essays_prepare
from testing_center.scoring.training import (
    model_record,
    trainable_questions,
    training_answers_for,
    training_run_execute,
    training_run_start,
    training_upload_create,
)
from tests.factories import UserFactory
from tests.testing_center.ai_factories import (
    KEY_IDEAS,
    make_essay_contest,
    scored_answers_csv,
    write_essay,
)

pytestmark = pytest.mark.django_db

GOOD = ". ".join(KEY_IDEAS) + ". Мне кажется это важная тема."
POOR = "Вопрос непростой и требует размышлений. Люди часто ждут перемен."


@pytest.fixture
def admin_user(roles):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def essays(roles):
    return make_essay_contest()


def _train(contest, admin_user, *, seed: int = 0) -> ScoringModel:
    training_upload_create(
        actor=admin_user, data=scored_answers_csv(contest.question), filename="marks.csv"
    )
    run = training_run_start(actor=admin_user, question=contest.question, seed=seed)
    training_run_execute(run_id=run.pk)
    return ScoringModel.objects.get(question=contest.question, is_active=True)


# --- Training data ---------------------------------------------------------------------------


def test_an_upload_of_scored_answers_is_stored_for_its_question(essays, admin_user):
    upload = training_upload_create(
        actor=admin_user, data=scored_answers_csv(essays.question), filename="marks.csv"
    )
    assert upload.rows == 72
    assert TrainingAnswer.objects.filter(question=essays.question).count() == 72


def test_uploading_the_same_answers_again_replaces_them(essays, admin_user):
    data = scored_answers_csv(essays.question)
    training_upload_create(actor=admin_user, data=data, filename="a.csv")
    training_upload_create(actor=admin_user, data=data, filename="b.csv")
    assert TrainingAnswer.objects.filter(question=essays.question).count() == 72


def test_a_file_with_bad_rows_is_refused_whole_with_every_problem_listed(essays, admin_user):
    data = (
        "question_id,answer_id,answer,score\n"
        f"{essays.question.external_id},a1,text,3\n"
        f"{essays.question.external_id},a2,text,three\n"
        f"{essays.question.external_id},,text,1\n"
    ).encode()
    with pytest.raises(ApplicationError) as error:
        training_upload_create(actor=admin_user, data=data, filename="bad.csv")
    assert "2 problem(s)" in error.value.message
    assert "three" in error.value.message
    assert not TrainingAnswer.objects.exists()


def test_a_file_naming_an_unknown_question_is_refused(essays, admin_user):
    data = b"question_id,answer_id,answer,score\nno-such-question,a1,text,3\n"
    with pytest.raises(ApplicationError, match="no-such-question"):
        training_upload_create(actor=admin_user, data=data, filename="x.csv")


def test_a_score_above_the_questions_points_is_refused(essays, admin_user):
    data = f"question_id,answer_id,answer,score\n{essays.question.external_id},a1,x,9\n".encode()
    with pytest.raises(ApplicationError, match="above the question"):
        training_upload_create(actor=admin_user, data=data, filename="x.csv")


def test_a_file_that_is_not_utf8_is_refused(essays, admin_user):
    with pytest.raises(ApplicationError, match="UTF-8"):
        training_upload_create(actor=admin_user, data="ответ".encode("cp1251"), filename="x.csv")


def test_an_hr_officer_cannot_train_the_national_bank(essays):
    with pytest.raises(ApplicationError, match="may not train"):
        training_upload_create(
            actor=essays.hr, data=scored_answers_csv(essays.question), filename="x.csv"
        )


# --- Models: stored, versioned, reproducible ---------------------------------------------------


def test_a_training_run_stores_a_versioned_model_with_its_metrics(essays, admin_user):
    model = _train(essays, admin_user)
    run = TrainingRun.objects.get()
    assert run.status == TrainingRun.Status.DONE
    assert (run.progress_done, run.progress_total) == (1, 1)
    assert model.training_size == 72
    assert model.cv_qwk is not None and model.cv_qwk > 0.6
    assert model.version.startswith("scorer-")
    assert model.classes == [0, 1, 2, 3, 4, 5]
    assert len(model.model_sha256) == 64


def test_the_same_answers_and_seed_give_the_same_model_and_scores(essays, admin_user):
    first = _train(essays, admin_user)
    again = TrainingRun.objects.create(question=essays.question, seed=0, requested_by=admin_user)
    training_run_execute(run_id=again.pk)
    assert ScoringModel.objects.count() == 1
    # Trained from scratch, the bytes are identical too.
    record = train_question_model(training_answers_for(essays.question), seed=0)
    assert record.model_sha256 == first.model_sha256
    stored = model_record(first)
    texts = [GOOD, POOR]
    assert [p.score for p in score_answers(stored, texts)] == [
        p.score for p in score_answers(record, texts)
    ]


def test_a_different_seed_is_a_different_model_version(essays, admin_user):
    _train(essays, admin_user, seed=0)
    run = training_run_start(actor=admin_user, question=essays.question, seed=7)
    training_run_execute(run_id=run.pk)
    assert ScoringModel.objects.count() == 2
    assert ScoringModel.objects.filter(is_active=True).get().seed == 7


def test_training_without_answers_is_refused_with_a_reason(essays, admin_user):
    with pytest.raises(ApplicationError, match="fewer than"):
        training_run_start(actor=admin_user, question=essays.question)


def test_a_run_killed_mid_way_resumes_without_training_or_storing_twice(
    essays, admin_user, monkeypatch
):
    from tests.testing_center.factories import make_question

    second = make_question(essays.question.topic, kind="essay", points=Decimal(5))
    for question in (essays.question, second):
        training_upload_create(
            actor=admin_user, data=scored_answers_csv(question), filename=f"{question}.csv"
        )
    run = training_run_start(actor=admin_user)
    real_train = train_question_model
    calls = []

    class WorkerKilled(BaseException):
        """What a SIGKILL looks like from inside: nothing after this line runs."""

    def dies_on_the_second_question(answers, **kwargs):
        calls.append(answers[0].question_id)
        if len(calls) == 2:
            raise WorkerKilled
        return real_train(answers, **kwargs)

    monkeypatch.setattr(
        "testing_center.scoring.training.train_question_model", dies_on_the_second_question
    )
    with pytest.raises(WorkerKilled):
        training_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.RUNNING  # the broker will deliver it again
    assert ScoringModel.objects.count() == 1

    assert training_run_execute(run_id=run.pk)  # the redelivered message
    run.refresh_from_db()
    assert run.status == TrainingRun.Status.DONE
    assert (run.progress_done, run.progress_total) == (2, 2)
    assert ScoringModel.objects.count() == 2
    assert ScoringModel.objects.filter(is_active=True).count() == 2
    # The first question was not trained again: its stored model was reused.
    assert calls.count(essays.question.external_id) == 1
    assert not training_run_execute(run_id=run.pk)  # a third delivery: no-op


# --- Essays: redaction, AI opinion, routing ------------------------------------------------------


def test_an_essay_is_redacted_scored_and_pinned_to_its_model_version(essays, admin_user):
    model = _train(essays, admin_user)
    ScoringPolicy.objects.create(question=essays.question, confidence_threshold=Decimal("0"))
    text = GOOD + " Меня зовут Айгерим Сапарова, пишите на aigerim.s@mail.kz."
    _application, attempt = write_essay(essays, text)
    assert essays_prepare(sitting_id=essays.sitting.pk) == 1
    review = EssayReview.objects.get(attempt=attempt)
    shown = review.items[0]["text"]
    assert "Сапарова" not in shown and "aigerim.s@mail.kz" not in shown
    assert "[EMAIL]" in shown
    assert review.self_identification
    score = AiScore.objects.get(item__attempt=attempt)
    assert score.model == model
    assert review.ai_score == Decimal(score.score)
    assert review.route == EssayReview.Route.SINGLE
    assert essays_prepare(sitting_id=essays.sitting.pk) == 0  # idempotent
    assert AiScore.objects.count() == 1


def test_possible_self_identification_becomes_an_ethics_case_with_the_code_only(essays, admin_user):
    application, _attempt = write_essay(essays, GOOD + " Мой телефон +7 701 123 45 67.")
    essays_prepare(sitting_id=essays.sitting.pk)
    case = EthicsCase.objects.get()
    assert case.source == "system"
    assert application.code in case.subject
    assert "701" not in str(case.evidence)
    assert case.evidence["redacted"] == {"PHONE": 1}


def test_an_essay_the_ai_is_unsure_of_goes_to_blind_double_marking(essays, admin_user):
    _train(essays, admin_user)
    ScoringPolicy.objects.create(question=essays.question, confidence_threshold=Decimal("1"))
    _application, attempt = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    review = EssayReview.objects.get(attempt=attempt)
    assert review.route == EssayReview.Route.DOUBLE
    assert review.reasons == ["low_confidence"]
    assert AiScore.objects.get(item__attempt=attempt).needs_review


def test_without_a_trained_model_every_essay_is_double_marked(essays):
    _application, attempt = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    review = EssayReview.objects.get(attempt=attempt)
    assert (review.route, review.reasons, review.ai_score) == ("double", ["no_model"], None)


def _confident(essays, admin_user, text=GOOD):
    _train(essays, admin_user)
    ScoringPolicy.objects.create(
        question=essays.question, confidence_threshold=Decimal("0"), review_margin=1
    )
    application, attempt = write_essay(essays, text)
    essays_prepare(sitting_id=essays.sitting.pk)
    return application, EssayReview.objects.get(attempt=attempt)


def test_a_confident_essay_needs_only_the_quorum_of_marks(essays, admin_user):
    # A commission of three with a 1/3 quorum: one mark makes a result when the AI agrees.
    essays.competition.quorum_numerator = 1
    essays.competition.save(update_fields=["quorum_numerator"])
    application, review = _confident(essays, admin_user)
    near = review.ai_score
    recruitment_services.commission_mark(
        member=essays.members[0], application=application, score=near
    )
    review.refresh_from_db()
    assert review.route == EssayReview.Route.SINGLE
    assert StageResult.objects.get(application=application).score == near


def test_a_first_mark_far_from_the_ai_sends_the_essay_to_a_second_blind_mark(essays, admin_user):
    essays.competition.quorum_numerator = 1
    essays.competition.save(update_fields=["quorum_numerator"])
    application, review = _confident(essays, admin_user)
    far = Decimal(0) if review.ai_score >= 3 else Decimal(5)
    recruitment_services.commission_mark(
        member=essays.members[0], application=application, score=far
    )
    review.refresh_from_db()
    assert review.route == EssayReview.Route.DOUBLE
    assert review.reasons == ["gap"]
    assert not StageResult.objects.filter(application=application).exists()
    recruitment_services.commission_mark(
        member=essays.members[1], application=application, score=Decimal(3)
    )
    # The commission's marks decide: the mean of the two human marks, not the AI score.
    result = StageResult.objects.get(application=application)
    assert result.score == ((far + Decimal(3)) / 2).quantize(Decimal("0.001"))


def test_an_essay_cannot_be_marked_before_it_is_redacted(essays):
    application, _attempt = write_essay(essays, GOOD)
    with pytest.raises(ApplicationError, match="being prepared"):
        recruitment_services.commission_mark(
            member=essays.members[0], application=application, score=Decimal(3)
        )


# --- Integrity scan ------------------------------------------------------------------------------


def test_near_duplicate_essays_in_a_sitting_become_one_ethics_case_each_pair(essays):
    copied = GOOD + " Я считаю, что это главное для доверия граждан к государству."
    first, _ = write_essay(essays, copied)
    second, _ = write_essay(essays, copied.replace("главное", "самое главное"))
    write_essay(essays, POOR + " Совсем другой текст о погоде и природе нашего края.")
    assert sitting_integrity_scan(sitting_id=essays.sitting.pk) == 1
    case = EthicsCase.objects.get()
    assert case.evidence["signal"] == "near_duplicate_answer"
    assert sorted(case.evidence["codes"]) == sorted([first.code, second.code])
    sitting_integrity_scan(sitting_id=essays.sitting.pk)
    assert EthicsCase.objects.count() == 1  # a second scan raises nothing new


def test_a_clean_sitting_raises_no_case(essays):
    write_essay(essays, GOOD)
    write_essay(essays, POOR)
    assert sitting_integrity_scan(sitting_id=essays.sitting.pk) == 0
    assert not EthicsCase.objects.exists()
    essays.sitting.refresh_from_db()
    assert essays.sitting.integrity_checked_at is not None


def test_the_beat_sweep_prepares_essays_left_behind_and_scans_closed_sittings(
    essays, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from recruitment.models import Stage
    from testing_center.models import Attempt
    from testing_center.tasks import sweep

    _application, attempt = write_essay(essays, GOOD)  # the broker was down: nobody prepared it
    Attempt.objects.filter(pk=attempt.pk).update(
        scored_at=timezone.now() - dt.timedelta(minutes=10)
    )
    Stage.objects.filter(pk=essays.stage.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sweep()
    assert (outcome["essays"], outcome["integrity"]) == (1, 1)
    assert EssayReview.objects.filter(attempt=attempt).exists()
    essays.sitting.refresh_from_db()
    assert essays.sitting.integrity_checked_at is not None


def test_an_essay_in_a_language_the_scorer_never_saw_goes_to_double_marking(essays, admin_user):
    _train(essays, admin_user)
    _application, attempt = write_essay(
        essays,
        "Мемлекеттік қызметші азаматтарға қызмет етеді. Ашықтық пен әдеп сенімді арттырады.",
    )
    essays_prepare(sitting_id=essays.sitting.pk)
    review = EssayReview.objects.get(attempt=attempt)
    assert review.route == EssayReview.Route.DOUBLE
    assert review.reasons == ["low_confidence", "unfamiliar"]


def test_essays_whose_stage_is_locked_teach_the_scorer_with_the_commissions_score(essays):
    from django.utils import timezone

    from recruitment.models import Stage

    application, attempt = write_essay(essays, GOOD)
    essays_prepare(sitting_id=essays.sitting.pk)
    for seat, score in zip(essays.members[:2], (Decimal(4), Decimal(5)), strict=True):
        recruitment_services.commission_mark(member=seat, application=application, score=score)
    assert training_answers_for(essays.question) == []  # not final yet
    Stage.objects.filter(pk=essays.stage.pk).update(locked_at=timezone.now())
    [taught] = training_answers_for(essays.question)
    assert taught.answer == GOOD
    assert taught.score == 5  # the commission's 4.5, rounded half up
    assert taught.answer_id == f"essay:{attempt.items.get().pk}"
    assert essays.question in trainable_questions()


def test_the_ai_reads_the_redacted_essay_as_the_commission_does(essays, admin_user, monkeypatch):
    _train(essays, admin_user)
    read = []
    real = score_answers

    def spy(record, texts, **kwargs):
        read.extend(texts)
        return real(record, texts, **kwargs)

    monkeypatch.setattr("testing_center.scoring.essays.score_answers", spy)
    write_essay(essays, f"{GOOD} Меня зовут Айгерим Сапарова, я из Шымкента.")
    essays_prepare(sitting_id=essays.sitting.pk)
    [text] = read
    assert "Сапарова" not in text and "Шымкент" not in text
    assert "[NAME]" in text


def test_preparing_essays_killed_mid_way_keeps_whole_batches_and_finishes_on_retry(
    essays, admin_user, monkeypatch
):
    _train(essays, admin_user)
    papers = [write_essay(essays, GOOD)[1] for _ in range(3)]
    real = redact_text
    seen = []

    class WorkerKilled(BaseException):
        pass

    def dies_on_the_second_paper(text, **kwargs):
        seen.append(text)
        if len(seen) == 2:
            raise WorkerKilled
        return real(text, **kwargs)

    monkeypatch.setattr("testing_center.scoring.essays.redact_text", dies_on_the_second_paper)
    with pytest.raises(WorkerKilled):
        essays_prepare(sitting_id=essays.sitting.pk, batch_size=1)
    # The first batch committed whole; the second left nothing half-done.
    assert list(EssayReview.objects.values_list("attempt", flat=True)) == [papers[0].pk]
    assert AiScore.objects.count() == 1
    monkeypatch.setattr("testing_center.scoring.essays.redact_text", real)
    assert essays_prepare(sitting_id=essays.sitting.pk, batch_size=1) == 2
    assert EssayReview.objects.count() == 3 and AiScore.objects.count() == 3


def test_the_commissioner_reads_the_integrity_signal_in_their_language(client, essays):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign

    application, _attempt = write_essay(essays, GOOD + " Мой телефон +7 701 123 45 67.")
    essays_prepare(sitting_id=essays.sitting.pk)
    case = EthicsCase.objects.get()
    commissioner = UserFactory()
    staff_assign(user=commissioner, role=Role.ETHICS_COMMISSIONER, state_body=essays.body)
    client.force_login(commissioner)
    page = client.get(f"/ru/ethics/dashboard/cases/{case.pk}/").content.decode()
    assert "Возможное раскрытие личности в эссе" in page
    assert application.code in page
    listing = client.get("/kk/ethics/dashboard/").content.decode()
    assert "Эссеге өзін танытуы мүмкін" in listing
