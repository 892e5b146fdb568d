"""'Posts you can win': eligibility first, a ranking with reasons, recomputed in Celery on
profile and vacancy changes, e-mail alerts once per post to those who opted in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from careers.matching import services
from careers.matching.explain import explanation, line_text
from careers.matching.features import Candidate, ExperienceGroup, Pair
from careers.models_matching import Match, MatchAlert, MatchPreference
from eqyzmet.audit import AuditEvent
from recruitment import services as recruitment_services
from recruitment import services_candidate
from recruitment.models import EducationLevel, Field, Sector
from tests.recruitment.factories import make_candidate, make_competition, make_staff, make_vacancy

pytestmark = pytest.mark.django_db


def _publish(staff, capture, **vacancy):
    """A vacancy in a competition published through the service, its on-commit work run."""
    post = make_vacancy(body=staff.body, **vacancy)
    competition = make_competition(staff=staff, vacancy=post)
    with capture(execute=True):
        recruitment_services.competition_publish(competition=competition, actor=staff.hr)
    return post


def _refresh(user, capture):
    with capture(execute=True):
        services.matches_refresh(user_id=user.pk)


def test_only_eligible_posts_are_listed_best_first_with_reasons(
    client, roles, django_capture_on_commit_callbacks
):
    staff = make_staff()
    person = make_candidate(public_years=3, private_years=2)
    law = _publish(
        staff,
        django_capture_on_commit_callbacks,
        title_en="Chief legal expert",
        education_fields=[Field.LAW],
        duties_en="Legal review of regulations and legislation; contracts.",
    )
    it = _publish(
        staff,
        django_capture_on_commit_callbacks,
        title_en="Chief expert, information systems",
        education_fields=[],
        duties_en="Information systems, software and data management.",
    )
    doctorate = _publish(
        staff,
        django_capture_on_commit_callbacks,
        title_en="Research adviser",
        min_education_level=EducationLevel.DOCTORATE,
    )
    _refresh(person.user, django_capture_on_commit_callbacks)

    matched = list(Match.objects.filter(user=person.user))
    assert {m.vacancy_id for m in matched} == {law.pk, it.pk}
    assert doctorate.pk not in {m.vacancy_id for m in matched}
    client.force_login(person.user)
    page = client.get("/en/careers/matches/").content.decode()
    assert "Posts you can win" in page
    assert "Chief legal expert" in page and "Research adviser" not in page
    # The person's 3 public years in law count toward the 2 required.
    assert "Your 3 years of work in law (public service) count toward the 2 years required." in (
        page
    )
    # Law is the field of both their studies and their work: the legal post comes first.
    assert page.index("Chief legal expert") < page.index("Chief expert, information systems")
    assert all(m.band in Match.Band.values for m in matched)
    assert "0." not in "".join(str(line) for m in matched for line in m.explanation)


def test_the_explanation_counts_private_sector_years_toward_the_requirement():
    pair = Pair(
        eligible=True,
        counted_years=4.2,
        required_years=3.0,
        best_level=3,
        required_level=3,
        accepted_education=({"level": 3, "field": "it"},),
        fields_restricted=True,
        post_field="it",
        education_in_post_field=True,
        post_field_years=4.2,
        public_years=0.0,
        best_group=ExperienceGroup(sector="private", field="it", years=4.2),
        languages_met=("kk",),
        language_margin=1.0,
        region="Astana",
        region_state="chosen",
        text_similarity=0.4,
        explorer_fit=None,
    )
    lines = [line_text(line) for line in explanation(pair)]
    assert lines[0] == (
        "Your 4 years of work in information technology (private sector) count toward the "
        "3 years required."
    )
    assert "The post is in Astana, a region you chose." in lines
    assert any(line.startswith("Your education in information technology") for line in lines)


def test_a_profile_change_recomputes_the_matches(client, roles, django_capture_on_commit_callbacks):
    staff = make_staff()
    person = make_candidate(public_years=0)
    post = _publish(staff, django_capture_on_commit_callbacks, min_experience_years=Decimal("2"))
    _refresh(person.user, django_capture_on_commit_callbacks)
    assert not Match.objects.filter(user=person.user).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services_candidate.experience_save(
            profile=person.profile,
            sector=Sector.PRIVATE,
            field=Field.LAW,
            employer="A law firm",
            started_on=timezone.localdate() - dt.timedelta(days=4 * 366),
            ended_on=None,
        )
    assert Match.objects.filter(user=person.user, vacancy_id=post.pk).exists()


def test_a_new_matching_post_is_emailed_once_to_those_who_opted_in(
    roles, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = make_staff()
    opted_in = make_candidate(public_years=4)
    silent = make_candidate(public_years=4)
    MatchPreference.objects.create(
        user=opted_in.user,
        alerts_enabled=True,
        regions=["Astana"],
        alerts_since=timezone.now() - dt.timedelta(days=1),
    )
    mail.outbox.clear()
    post = _publish(
        staff,
        django_capture_on_commit_callbacks,
        title_en="Head of the legal review unit",
        education_fields=[Field.LAW],
        duties_en="Legal review of regulations; legislation.",
    )
    assert Match.objects.filter(user=silent.user, vacancy_id=post.pk).exists()
    alerts = [m for m in mail.outbox if "posts you can win" in m.body or "can win" in m.subject]
    assert [m.to for m in alerts] == [[opted_in.email]]
    message = alerts[0]
    assert f"/vacancies/{post.pk}/" in message.body
    assert "Head of the legal review unit" in message.body
    assert "count toward the 2 years required" in message.body
    assert "/careers/matches/unsubscribe/" in message.extra_headers["List-Unsubscribe"]
    assert MatchAlert.objects.filter(user=opted_in.user, vacancy_id=post.pk).count() == 1

    # The vacancy is matched again (edited, or a second run): no second e-mail.
    mail.outbox.clear()
    services.vacancies_match(vacancy_ids=[post.pk])
    assert mail.outbox == []


def test_matching_new_posts_runs_in_bounded_batches(
    roles, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "CANDIDATE_BATCH", 2)
    staff = make_staff()
    people = [make_candidate(public_years=3) for _ in range(5)]
    post = _publish(staff, django_capture_on_commit_callbacks)
    assert set(Match.objects.filter(vacancy_id=post.pk).values_list("user_id", flat=True)) == {
        p.user.pk for p in people
    }
    first = services.vacancies_match(vacancy_ids=[post.pk])
    assert first.matched == 2 and first.next_after == people[1].user.pk


def test_the_alert_link_turns_alerts_off_only_by_its_button(client, roles):
    person = make_candidate()
    preference = MatchPreference.objects.create(user=person.user, alerts_enabled=True)
    url = f"/en/careers/matches/unsubscribe/{services.unsubscribe_token(preference)}/"
    assert "Turn these alerts off" in client.get(url).content.decode()
    preference.refresh_from_db()
    assert preference.alerts_enabled
    response = client.post(url)
    assert "The alerts are off" in response.content.decode()
    preference.refresh_from_db()
    assert not preference.alerts_enabled
    assert client.get("/en/careers/matches/unsubscribe/forged-token/").status_code == 400


def test_preferences_are_saved_and_a_region_not_on_the_list_changes_nothing(
    client, roles, django_capture_on_commit_callbacks
):
    staff = make_staff()
    person = make_candidate(public_years=3)
    _publish(staff, django_capture_on_commit_callbacks, region="Almaty")
    client.force_login(person.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/careers/matches/preferences/", {"regions": ["Mars"], "alerts_enabled": "on"}
        )
    assert response.status_code == 302
    assert not MatchPreference.objects.filter(user=person.user, alerts_enabled=True).exists()
    page = client.get("/en/careers/matches/").content.decode()
    assert "Choose regions from the list." in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/careers/matches/preferences/", {"regions": ["Almaty"], "alerts_enabled": "on"}
        )
    preference = MatchPreference.objects.get(user=person.user)
    assert preference.regions == ["Almaty"] and preference.alerts_enabled
    assert preference.matched_at is not None
    event = AuditEvent.objects.filter(action="careers.match_preference_saved").latest("pk")
    assert "Almaty" not in str(event.details)
    page = client.get("/en/careers/matches/").content.decode()
    assert "a region you chose" in page


def test_the_page_asks_for_a_profile_first(client, roles):
    from eqyzmet.roles import Role
    from eqyzmet.services import staff_assign
    from tests.factories import UserFactory

    user = UserFactory()
    staff_assign(user=user, role=Role.CANDIDATE, state_body=None)
    client.force_login(user)
    page = client.get("/en/careers/matches/").content.decode()
    assert "Fill in your profile" in page


def test_staff_are_refused_and_visitors_sent_to_sign_in(client, roles):
    staff = make_staff()
    for user in (staff.hr, staff.members[0], staff.observer, staff.ethics):
        client.force_login(user)
        assert client.get("/en/careers/matches/").status_code == 403
        assert client.post("/en/careers/matches/preferences/").status_code == 403
    client.logout()
    response = client.get("/en/careers/matches/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_matches_page_runs_a_fixed_number_of_queries(
    client, roles, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    staff = make_staff()
    person = make_candidate(public_years=3)
    for _ in range(6):
        _publish(staff, django_capture_on_commit_callbacks)
    _refresh(person.user, django_capture_on_commit_callbacks)
    assert Match.objects.filter(user=person.user).count() == 6
    client.force_login(person.user)
    with django_assert_max_num_queries(14):
        response = client.get("/en/careers/matches/")
    assert response.content.decode().count('class="card vacancy match"') == 6


def test_the_matcher_beats_the_keyword_search_on_held_out_candidates():
    from benchmarks.matching import evaluate

    result = evaluate(240, 40, seed=5)
    rankings = result["rankings"]
    assert rankings["matcher"]["precision@5"] > rankings["keyword"]["precision@5"]
    assert rankings["matcher"]["ndcg@10"] > rankings["keyword"]["ndcg@10"]
    # ...and beats the keyword search restricted to eligible posts: the model adds to the filter.
    assert rankings["matcher"]["ndcg@10"] > rankings["keyword + eligibility"]["ndcg@10"]


def test_the_process_trains_one_matcher_and_scores_deterministically():
    from careers.matching import model, synthetic

    assert model.matcher() is model.matcher()
    data = synthetic.generate(candidates=3, vacancies=5, seed=1)
    first = [
        r.score for r in model.matcher().pairs(data.candidates, data.vacancies, as_of=data.as_of)
    ]
    again = [
        r.score for r in model.matcher().pairs(data.candidates, data.vacancies, as_of=data.as_of)
    ]
    assert first == again
    assert isinstance(data.candidates[0], Candidate)


def test_a_competition_announced_for_later_is_matched_when_its_window_opens(
    roles, settings, django_capture_on_commit_callbacks
):
    from careers import tasks
    from recruitment.models import Competition

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    staff = make_staff()
    person = make_candidate(public_years=4)
    MatchPreference.objects.create(
        user=person.user, alerts_enabled=True, alerts_since=timezone.now() - dt.timedelta(days=1)
    )
    post = make_vacancy(body=staff.body, education_fields=[Field.LAW])
    later = timezone.now() + dt.timedelta(hours=1)
    competition = make_competition(
        staff=staff,
        vacancy=post,
        applications_open_at=later,
        applications_close_at=later + dt.timedelta(days=7),
    )
    with django_capture_on_commit_callbacks(execute=True):
        recruitment_services.competition_publish(competition=competition, actor=staff.hr)
    assert not Match.objects.filter(vacancy_id=post.pk).exists()  # not open yet

    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(minutes=10)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.match_opened_vacancies.delay().get() == 1
    assert Match.objects.filter(user=person.user, vacancy_id=post.pk).exists()
    assert [m.to for m in mail.outbox] == [[person.email]]
    # The next hour's run finds it again but tells no one twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.match_opened_vacancies.delay()
    assert mail.outbox == []


def test_download_my_data_includes_the_matches_and_choices(
    roles, django_capture_on_commit_callbacks
):
    from eqyzmet.accounts.personal_data import personal_data_collect

    staff = make_staff()
    person = make_candidate(public_years=3)
    post = _publish(staff, django_capture_on_commit_callbacks)
    _refresh(person.user, django_capture_on_commit_callbacks)
    data = personal_data_collect(user_id=person.user.pk)["careers.matching"]
    assert data["preferences"] == {"regions": [], "alerts_enabled": False}
    assert [m["vacancy_id"] for m in data["matches"]] == [post.pk]
    assert any("count toward the 2 years required" in r for r in data["matches"][0]["reasons"])
