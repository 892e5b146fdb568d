"""Demo data for the testing center: the national bank (Russian, with Kazakh and English
where written), the practice bank, Kazakhstan's seeded blueprints, and the demo
competition's legislation test attached to its stage. Idempotent."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from eqyzmet.errors import ApplicationError
from testing_center import bank, delivery
from testing_center.demo_analysis import analysed_sitting_seed  # noqa: F401  (the orchestrator calls it)
from testing_center.models import (
    Attempt,
    Blueprint,
    Question,
    ScoringModel,
    Sitting,
    option_labels,
)
from testing_center.scoring import essays, papers, training

BANK_DIR = Path(__file__).resolve().parent / "bank"
BANK_FILES = ["demo_bank.json", "practice_bank.json"]

LEGISLATION_INSTRUCTIONS = {
    "instructions_kk": "55 сұрақ, 55 минут. Өту үшін кемінде 30 дұрыс жауап және әр бөлімде "
    "кемінде 5 дұрыс жауап қажет. Жауаптар автоматты түрде сақталады.",
    "instructions_ru": "55 вопросов, 55 минут. Для прохождения нужно не менее 30 правильных "
    "ответов и не менее 5 в каждом разделе. Ответы сохраняются автоматически.",
    "instructions_en": "55 questions in 55 minutes. To pass you need at least 30 correct answers "
    "and at least 5 in every section. Answers are saved automatically.",
}

BLUEPRINTS = [
    {
        "code": "kz-legislation",
        "name_kk": "Заңнаманы білуге тестілеу",
        "name_ru": "Тестирование на знание законодательства",
        "name_en": "Legislation test",
        "kind": Blueprint.Kind.CLOSED,
        "time_limit_seconds": 55 * 60,
        "grace_seconds": 15,
        "max_attempts": 1,
        "pass_min_correct": 30,
        **LEGISLATION_INSTRUCTIONS,
        "sections": [
            {"topic": "constitution", "items": 15, "points": 1, "min_correct": 5},
            {"topic": "civil-service", "items": 15, "points": 1, "min_correct": 5},
            {"topic": "anti-corruption", "items": 15, "points": 1, "min_correct": 5},
            {"topic": "ethics", "items": 10, "points": 1, "min_correct": 5},
        ],
    },
    {
        "code": "kz-personal-qualities",
        "name_kk": "Жеке қасиеттерді бағалау",
        "name_ru": "Оценка личных качеств",
        "name_en": "Personal-qualities assessment",
        "kind": Blueprint.Kind.SCALE,
        "time_limit_seconds": 30 * 60,
        "grace_seconds": 15,
        "max_attempts": 1,
        "shuffle_options": False,
        "show_item_results": False,
        "sections": [{"topic": "personal-qualities", "items": 20, "min_correct": None}],
    },
    {
        "code": "kz-essay",
        "name_kk": "Эссе",
        "name_ru": "Эссе",
        "name_en": "Essay",
        "kind": Blueprint.Kind.ESSAY,
        "time_limit_seconds": 45 * 60,
        "grace_seconds": 30,
        "max_attempts": 1,
        "essay_max_words": 250,
        "show_item_results": False,
        "sections": [{"topic": "essay", "items": 1, "points": 5, "min_correct": None}],
    },
    {
        "code": "practice-legislation",
        "name_kk": "Заңнама бойынша жаттығу тесті",
        "name_ru": "Тренировочный тест по законодательству",
        "name_en": "Practice legislation test",
        "kind": Blueprint.Kind.CLOSED,
        "is_practice": True,
        "time_limit_seconds": 20 * 60,
        "grace_seconds": 15,
        "max_attempts": 100,
        "pass_min_correct": 11,
        "sections": [
            {"topic": "practice-constitution", "items": 5, "points": 1, "min_correct": 2},
            {"topic": "practice-civil-service", "items": 5, "points": 1, "min_correct": 2},
            {"topic": "practice-anti-corruption", "items": 5, "points": 1, "min_correct": 2},
            {"topic": "practice-ethics", "items": 5, "points": 1, "min_correct": 2},
        ],
    },
    {
        # Readiness practice (issue 17): a questionnaire has no right answers, so the result
        # is the scale's score and, for each statement, what quality it is about.
        "code": "practice-personal-qualities",
        "name_kk": "Жеке қасиеттер бойынша жаттығу сауалнамасы",
        "name_ru": "Тренировочный опросник личных качеств",
        "name_en": "Practice personal-qualities questionnaire",
        "kind": Blueprint.Kind.SCALE,
        "is_practice": True,
        "time_limit_seconds": 10 * 60,
        "grace_seconds": 15,
        "max_attempts": 100,
        "shuffle_options": False,
        "show_item_results": True,
        "instructions_kk": "Дұрыс немесе бұрыс жауап жоқ: шын мәнінде қалай әрекет ететініңізді "
        "белгілеңіз. Соңында әр тұжырымның қандай қасиет туралы екенін көресіз.",
        "instructions_ru": "Правильных и неправильных ответов нет: отвечайте так, как действуете "
        "на самом деле. В конце вы увидите, о каком качестве каждое утверждение.",
        "instructions_en": "There are no right or wrong answers: answer as you really act. At the "
        "end you see which quality each statement is about.",
        "sections": [{"topic": "practice-personal-qualities", "items": 10, "min_correct": None}],
    },
]


def load_bank(stdout=None) -> None:
    for name in BANK_FILES:
        path = BANK_DIR / name
        with transaction.atomic():
            report = bank.bank_import(actor=None, data=path.read_bytes(), filename=name)
            if report.ok and not (report.created or report.updated or report.topics_created):
                # The bank is already loaded: undo the import's audit row too, so a second
                # seed (`make run` seeds every time) writes nothing.
                transaction.set_rollback(True)
        if not report.ok:
            problems = "; ".join(f"{e.row}/{e.field}: {e.message}" for e in report.errors[:5])
            raise ApplicationError(f"{name}: {problems}")
        if stdout:
            stdout.write(
                f"Question bank {name}: {report.created} new, {report.updated} changed, "
                f"{report.unchanged} unchanged."
            )


def seed_blueprints() -> None:
    for spec in BLUEPRINTS:
        existing = Blueprint.objects.filter(code=spec["code"]).first()
        if existing is None:
            bank.blueprint_upsert(actor=None, spec=spec)


def seed(stdout) -> None:
    """The bank, the blueprints and the demo's trained scorers. The competitions' tests are
    attached by the recruitment demo (the orchestrator), through ``competition_tests_seed``
    and ``essay_sitting_seed`` below, which know stages only by id."""
    load_bank(stdout)
    seed_blueprints()
    scorers_seed()
    stdout.write(f"Testing center: {Blueprint.objects.count()} blueprints.")


def competition_tests_seed(*, stages: dict[str, int]) -> None:
    """Attach blueprints (by code) to a competition's test stages (by id), and sit the
    legislation test for two demo candidates."""
    for code, stage_id in stages.items():
        if not Sitting.objects.filter(stage_id=stage_id).exists():
            delivery.sitting_attach(
                actor=None, stage_id=stage_id, blueprint=Blueprint.objects.get(code=code)
            )
    if "kz-legislation" in stages:
        seed_finished_tests(stage_id=stages["kz-legislation"])


# Two of the four admitted codes of the testing competition have sat the legislation test
# (the demo candidate and one other have not): HR sees the window open with codes waiting.
FINISHED_TESTS = {"arman@demo.eqyzmet.kz": 44, "dana@demo.eqyzmet.kz": 36}


def _answer(attempt, item, correct: bool):
    """The label this paper shows for the key (or for a wrong option)."""
    question = item.question
    labels = option_labels(
        seed=attempt.seed, position=item.position, option_order=item.option_order
    )
    key = list(question.key)
    if question.kind == Question.Kind.SHORT_TEXT:
        return key[0] if correct else "—"
    if question.kind == Question.Kind.MULTIPLE:
        wrong = [oid for oid in item.option_order if oid not in key][:1]
        return [labels[oid] for oid in (key if correct else wrong)]
    if correct:
        return labels[key[0]]
    return next(labels[oid] for oid in item.option_order if oid not in key)


def seed_finished_tests(*, stage_id: int) -> None:
    """Sit the legislation test as the real candidates would: start, answer, hand in; the
    scoring records the stage result through the recruitment's public module."""
    from eqyzmet.models import User

    sitting = Sitting.objects.filter(stage_id=stage_id).first()
    if sitting is None or sitting.attempts.exists():
        return
    for email, correct in FINISHED_TESTS.items():
        attempt = delivery.attempt_start(
            user=User.objects.get(email=email), sitting=sitting, language="ru"
        )
        items = list(attempt.items.select_related("question").order_by("position"))
        # Spread the correct answers over the paper so every section gets its share.
        answers = {
            item.position: _answer(attempt, item, (n * 7) % len(items) < correct)
            for n, item in enumerate(items)
        }
        delivery.attempt_save_many(attempt=attempt, answers=answers)
        delivery.attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
        papers.attempt_score(attempt_id=attempt.pk)  # a no-op if eager scored it


# --- AI-assisted scoring -------------------------------------------------------------------
# Demo marks: answers composed from the rubric's ideas, scored by how many ideas they hold.
# They stand in for a ministry's archive of marked essays so the demo has a trained scorer;
# they are not real marks and the upload's file name says so.

ESSAY_IDEAS = {
    "essay-001": [
        "Открытые данные о работе органа позволяют гражданам видеть, как принимаются решения",
        "Соблюдение сроков и качества государственных услуг показывает уважение к людям",
        "Служащий обязан выслушать гражданина и дать обратную связь по его обращению",
        "Этичное поведение и отказ от конфликта интересов укрепляют доверие",
        "Антикоррупционные меры и прозрачные процедуры исключают злоупотребления",
    ],
    "essay-002": [
        "Цифровизация исключает личный контакт служащего и заявителя при оказании услуги",
        "Каждое действие в электронной системе прослеживается и сохраняется в журнале",
        "Автоматические сроки и проверки не дают затягивать рассмотрение заявлений",
        "Нужно помнить о цифровом неравенстве и защите персональных данных",
        "Например, справка через портал eGov выдается без визита в орган и без посредников",
    ],
}
ESSAY_FILLER = [
    "Это важная тема для всего общества",
    "Я много думал над этим вопросом",
    "Государственная служба должна меняться вместе со страной",
    "Люди ждут от государства честности",
    "У каждого своя точка зрения на эту проблему",
    "В заключение хочу сказать, что многое зависит от нас самих",
]


def demo_marks_csv(*, per_score: int = 14, seed: int = 2026) -> bytes:
    import csv
    import io
    import random

    rng = random.Random(seed)  # noqa: S311 — reproducible demo text, not a secret
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_id", "answer_id", "answer", "score"])
    for question, ideas in ESSAY_IDEAS.items():
        for score in range(6):
            for n in range(per_score):
                parts = rng.sample(ideas, score) + rng.sample(ESSAY_FILLER, 3)
                rng.shuffle(parts)
                writer.writerow([question, f"demo-{score}-{n}", ". ".join(parts) + ".", score])
    return out.getvalue().encode()


DEMO_ESSAYS = {
    "arman@demo.eqyzmet.kz": ". ".join(ESSAY_IDEAS["essay-001"][:4])
    + ". В заключение хочу сказать, что многое зависит от нас самих.",
    # Written in Kazakh, which the demo scorer never saw: the AI is unsure and the essay
    # goes to blind double marking.
    "dana@demo.eqyzmet.kz": "Мемлекеттік қызметші азаматтарға қызмет етеді. Мысалы, біздің "
    "ауданда әкімдік қабылдау кестесін ашық жариялап, өтініштерге уақытында жауап бере "
    "бастады. Сенімді арттыру үшін ашықтық, әдеп және сыбайлас жемқорлыққа қарсы іс-шаралар "
    "қажет.",
    "timur@demo.eqyzmet.kz": "Меня зовут Тимур Омаров, я работал в акимате Алматы. "
    + ". ".join(ESSAY_IDEAS["essay-001"][2:5])
    + ". Пишите мне: timur.omarov@mail.kz.",
}


def scorers_seed() -> None:
    """Train the demo scorers on the synthetic marks (once)."""
    from eqyzmet.models import User

    admin = User.objects.get(email="admin@demo.eqyzmet.kz")
    if ScoringModel.objects.filter(question__external_id__in=list(ESSAY_IDEAS)).exists():
        return
    training.training_upload_create(
        actor=admin, data=demo_marks_csv(), filename="demo-synthetic-marks.csv"
    )
    for external_id in ESSAY_IDEAS:
        run = training.training_run_start(
            actor=admin, question=Question.objects.get(external_id=external_id)
        )
        training.training_run_execute(run_id=run.pk)  # a no-op if eager ran it


def essay_sitting_seed(*, stage_id: int) -> bool:
    """The essay stage's sitting with the demo essays handed in, redacted and AI-scored.
    Returns True when it was created now (False: it existed already)."""
    from eqyzmet.models import User

    if Sitting.objects.filter(stage_id=stage_id).exists():
        return False
    blueprint = Blueprint.objects.get(code="kz-essay")
    sitting = delivery.sitting_attach(actor=None, stage_id=stage_id, blueprint=blueprint)
    # The demo prompt is the first essay question, whose scorer the demo trained.
    Question.objects.filter(external_id="essay-002").update(status=Question.Status.DRAFT)
    for email, text in DEMO_ESSAYS.items():
        user = User.objects.get(email=email)
        attempt = delivery.attempt_start(user=user, sitting=sitting, language="ru")
        item = attempt.items.get()
        delivery.attempt_save_many(attempt=attempt, answers={item.position: text})
        delivery.attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
        papers.attempt_score(attempt_id=attempt.pk)  # a no-op if eager scored it
    Question.objects.filter(external_id="essay-002").update(status=Question.Status.ACTIVE)
    essays.essays_prepare(sitting_id=sitting.pk)
    return True


def practice_sittings_seed(*, tag: str, correct_shares: list[float]) -> int:
    """Anonymous practice papers under a group's tag (a demo class code), each answered with
    the given share of correct answers and handed in. Idempotent: a tag that already has
    practice attempts is left alone. Returns the number of papers written."""
    import secrets

    blueprint = Blueprint.objects.filter(is_practice=True).order_by("code").first()
    if blueprint is None or Attempt.objects.filter(practice_tag=tag).exists():
        return 0
    for share in correct_shares:
        attempt = delivery.practice_attempt_start(
            blueprint=blueprint, token=secrets.token_urlsafe(24), language="kk", tag=tag
        )
        items = list(attempt.items.select_related("question").order_by("position"))
        correct = round(share * len(items))
        answers = {
            item.position: _answer(attempt, item, (n * 7) % len(items) < correct)
            for n, item in enumerate(items)
        }
        delivery.attempt_save_many(attempt=attempt, answers=answers)
        delivery.attempt_submit(attempt=attempt, by=Attempt.SubmittedBy.CANDIDATE)
    return len(correct_shares)
