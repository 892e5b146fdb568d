"""One way to write a day, a moment, an amount and a place in each language, and Django's
password rules in Kazakh and Russian (issue 15)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from eqyzmet.formats import format_day, format_moment, format_money, format_money_range
from recruitment import services
from tests.recruitment.factories import make_competition, make_staff, make_vacancy

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
NBSP = "\xa0"
# 17:32 in Almaty is 12:32 UTC: pages show Almaty time whatever the server's clock says.
MOMENT = dt.datetime(2026, 12, 12, 12, 32, tzinfo=dt.UTC)
EARLY = dt.datetime(2026, 12, 12, 5, 53, tzinfo=ALMATY)

DAYS = {
    "kk": ("12 желтоқсан 2026", "12 желтоқсан 2026 ж., 17:32"),
    "ru": ("12 декабря 2026", "12 декабря 2026 г., 17:32"),
    "en": ("12 December 2026", "12 December 2026, 17:32"),
}
SALARIES = {
    "kk": f"380{NBSP}000{NBSP}– 480{NBSP}000{NBSP}₸",
    "ru": f"380{NBSP}000{NBSP}– 480{NBSP}000{NBSP}₸",
    "en": f"380,000{NBSP}– 480,000{NBSP}₸",
}


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_day_and_a_moment_read_the_same_in_python_and_in_templates(lang):
    day, moment = DAYS[lang]
    with translation.override(lang):
        assert format_day(MOMENT.date()) == day
        assert format_moment(MOMENT) == moment
        assert _render('{{ d|date:"DATE_FORMAT" }}', d=MOMENT.date()) == day
        assert _render('{{ m|date:"DATETIME_FORMAT" }}', m=MOMENT) == moment
        # A moment printed without a format uses the same one.
        assert _render("{{ m }}", m=MOMENT) == moment


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_times_use_a_24_hour_clock_and_no_am_pm(lang):
    with translation.override(lang):
        text = format_moment(EARLY) + "."
    assert "05:53." in text
    for marker in ("a.m", "p.m", "AM", "PM", "Т.Ж", "Т.Қ", ".."):
        assert marker not in text


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_money_is_grouped_and_carries_the_tenge_sign(lang):
    with translation.override(lang):
        assert format_money_range(380000, 480000) == SALARIES[lang]
        assert _render("{% money_range a b %}", a=380000, b=480000) == SALARIES[lang]
        assert (
            _render("{{ a|money }}", a=1250000).replace(",", NBSP) == f"1{NBSP}250{NBSP}000{NBSP}₸"
        )
        assert format_money(None) == ""
        assert format_money_range(500000, 500000) == format_money(500000)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "place", "english"),
    [("kk", "Астана", "Astana"), ("ru", "Астана", "Astana"), ("en", "Astana", None)],
)
def test_the_vacancy_page_shows_salary_place_and_dates_in_the_page_language(
    client, roles, lang, place, english
):
    staff = make_staff()
    vacancy = make_vacancy(body=staff.body, salary_min=380000, salary_max=480000)
    competition = make_competition(staff=staff, vacancy=vacancy, applications_close_at=MOMENT)
    services.competition_publish(competition=competition, actor=staff.hr)

    for url in (f"/{lang}/vacancies/{vacancy.pk}/", f"/{lang}/vacancies/"):
        page = client.get(url).content.decode()
        assert SALARIES[lang] in page, url
        # No ungrouped amount and no amount followed by the word (the filter's label may
        # still say "tenge").
        assert "380000" not in page and not re.search(r"\d\s*tenge", page)
        assert f"<li>{place}</li>" in page
        if english:
            # Only the search form's option value keeps the stored code.
            assert f">{english}<" not in page
        assert DAYS[lang][1] in page
    # The stored code stays as it was: only the page translates it.
    vacancy.refresh_from_db()
    assert vacancy.region == "Astana"


# --- Django's password rules ----------------------------------------------------------------

RULES = {
    "kk": {
        "help": [
            "Құпиясөз басқа жеке деректеріңізге тым ұқсас болмауы керек.",
            "Құпиясөзде кемінде 10 таңба болуы керек.",
            "Құпиясөз жиі қолданылатын құпиясөздердің бірі болмауы керек.",
            "Құпиясөз тек цифрлардан тұрмауы керек.",
        ],
        "errors": [
            "Құпиясөз тым қысқа: кемінде 10 таңба болуы керек.",
            "Бұл құпиясөз тым жиі қолданылады.",
            "Бұл құпиясөз тек цифрлардан тұрады.",
        ],
    },
    "ru": {
        "help": [
            "Пароль не должен быть слишком похож на другие ваши личные данные.",
            "Пароль должен содержать не менее 10 символов.",
            "Пароль не должен быть одним из широко распространённых паролей.",
            "Пароль не должен состоять только из цифр.",
        ],
        "errors": [
            "Пароль слишком короткий: он должен содержать не менее 10 символов.",
            "Этот пароль слишком распространён.",
            "Этот пароль состоит только из цифр.",
        ],
    },
    "en": {
        "help": [
            "Your password can’t be too similar to your other personal information.",
            "Your password must contain at least 10 characters.",
            "Your password can’t be a commonly used password.",
            "Your password can’t be entirely numeric.",
        ],
        "errors": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ],
    },
}


def _unescape(html: str) -> str:
    import html as html_module

    return html_module.unescape(html)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_registration_page_states_the_password_rules_in_the_page_language(client, lang):
    page = _unescape(client.get(f"/{lang}/accounts/register/").content.decode())
    for rule in RULES[lang]["help"]:
        assert rule in page


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_weak_password_is_refused_with_reasons_in_the_page_language(client, lang):
    response = client.post(
        f"/{lang}/accounts/register/",
        {"email": "newcomer@example.kz", "password1": "12345678", "password2": "12345678"},
    )
    page = _unescape(response.content.decode())
    for error in RULES[lang]["errors"]:
        assert error in page
    from eqyzmet.models import User

    assert not User.objects.filter(email="newcomer@example.kz").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_password_like_the_email_address_is_refused_in_the_page_language(client, lang):
    response = client.post(
        f"/{lang}/accounts/register/",
        {
            "email": "aigerim.nurlanovna@example.kz",
            "password1": "aigerim.nurlanovna",
            "password2": "aigerim.nurlanovna",
        },
    )
    page = _unescape(response.content.decode())
    expected = {"kk": "Құпиясөз «", "ru": "Пароль слишком похож на значение поля «"}[lang]
    assert expected in page
    assert "too similar" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("kk", "мен құпиясөзді енгізіңіз"),
        ("ru", "и пароль. Оба поля могут быть чувствительны к регистру."),
        ("en", "and password. Note that both fields may be case-sensitive."),
    ],
)
def test_a_failed_sign_in_says_why_in_the_page_language(client, lang, reason):
    response = client.post(
        f"/{lang}/accounts/login/", {"username": "nobody@example.kz", "password": "wrong-one"}
    )
    assert reason in _unescape(response.content.decode())


# --- Words that mean two things --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "button"), [("kk", "Ашу"), ("ru", "Открыть"), ("en", "Open")])
def test_the_follow_a_report_button_says_open_as_a_verb(client, lang, button):
    page = client.get(f"/{lang}/ethics/follow/").content.decode()
    assert f'class="button primary">{button}</button>' in page
    # "Open" as an adjective (an evaluation cycle's status) keeps its own translation.
    with translation.override(lang):
        assert (
            str(translation.gettext("Open")) == {"kk": "Ашық", "ru": "Открыт", "en": "Open"}[lang]
        )


# --- E-mails ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reminder_e_mail_writes_its_deadline_as_people_read_it(roles):
    from django.core import mail

    from evaluation.services.reminders import assessment_remind
    from tests.evaluation.factories import assessment_of, employee, open_cycle
    from tests.factories import make_state_body

    body = make_state_body()
    assessment = assessment_of(employee(body), open_cycle(body))
    sent = assessment_remind(
        assessment=assessment,
        kind="evaluate",
        deadline=dt.date(2026, 12, 12),
        recipients=["manager@example.kz"],
    )

    assert sent
    # E-mails go out in the site's language (Kazakh), with a day, not an ISO date.
    message = mail.outbox[-1]
    assert "12 желтоқсан 2026" in message.subject
    assert "12 желтоқсан 2026" in message.body
    assert "2026-12-12" not in message.subject + message.body


# --- Numbers in form fields ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_number_field_is_filled_with_a_decimal_point_in_every_language(client, roles, lang):
    """<input type="number"> takes "12.50" only: a Kazakh "12,50" would show an empty box."""
    from decimal import Decimal

    from eqyzmet.roles import Role
    from evaluation import services as evaluation
    from tests.evaluation.factories import assessment_of, employee, open_cycle, person
    from tests.factories import make_state_body

    body = make_state_body()
    manager = person(Role.MANAGER, body)
    assessment = assessment_of(
        employee(body, supervisor=manager, unit_head=manager), open_cycle(body)
    )
    kpi = evaluation.kpi_add(
        assessment=assessment, actor=manager, name="KPI", target=Decimal(10), weight=1
    )
    evaluation.kpi_report(kpi=kpi, actor=manager, actual=Decimal("12.5"))
    client.force_login(manager)

    page = client.get(f"/{lang}/evaluation/unit/{assessment.pk}/").content.decode()

    assert 'value="12.50"' in page
