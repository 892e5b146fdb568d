"""Demo data for the testing center: the national bank (Russian, with Kazakh and English
where written), the practice bank, Kazakhstan's seeded blueprints, and the demo
competition's legislation test attached to its stage. Idempotent."""

from __future__ import annotations

from pathlib import Path

from eqyzmet.errors import ApplicationError
from testing_center import services
from testing_center.models import Blueprint, Sitting

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
]


def load_bank(stdout=None) -> None:
    for name in BANK_FILES:
        path = BANK_DIR / name
        report = services.bank_import(actor=None, data=path.read_bytes(), filename=name)
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
            services.blueprint_upsert(actor=None, spec=spec)


def seed(stdout) -> None:
    load_bank(stdout)
    seed_blueprints()
    from recruitment.models import Competition, Stage

    legislation = Blueprint.objects.get(code="kz-legislation")
    testing = Competition.objects.filter(number="KZ-2026-MDAI-0002").first()
    if testing is not None:
        stage = testing.stages.filter(kind=Stage.Kind.LEGISLATION_TEST).first()
        if stage is not None and not Sitting.objects.filter(stage=stage).exists():
            services.sitting_attach(actor=None, stage_id=stage.pk, blueprint=legislation)
        for kind, code in (
            (Stage.Kind.PERSONAL_QUALITIES, "kz-personal-qualities"),
            (Stage.Kind.ESSAY, "kz-essay"),
        ):
            stage = testing.stages.filter(kind=kind).first()
            if stage is not None and not Sitting.objects.filter(stage=stage).exists():
                services.sitting_attach(
                    actor=None, stage_id=stage.pk, blueprint=Blueprint.objects.get(code=code)
                )
    stdout.write(
        f"Testing center: {Blueprint.objects.count()} blueprints, "
        f"{Sitting.objects.count()} sittings."
    )
