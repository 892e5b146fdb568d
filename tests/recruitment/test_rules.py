"""Every rule of the competition, one behaviour per test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eqyzmet.errors import ApplicationError
from recruitment import services
from recruitment.eligibility import counted_experience_days, reason_text
from recruitment.iin import iin_is_valid, iin_with_check_digit
from recruitment.models import Application, Competition, Document, IdentityEscrow, Stage
from recruitment.public import candidate_application_id, stage_result_record
from tests.recruitment.factories import make_candidate, make_competition, make_staff, make_vacancy

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(roles):
    return make_staff()


@pytest.fixture
def published(staff):
    competition = make_competition(staff=staff)
    services.competition_publish(competition=competition, actor=staff.hr)
    return competition


def _apply(candidate, competition):
    return services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )


# --- IIN and profile ---------------------------------------------------------------------


def test_iin_checksum_accepts_valid_and_refuses_a_changed_digit():
    iin = iin_with_check_digit("9001013" + "0042")
    assert iin_is_valid(iin)
    wrong = iin[:-1] + str((int(iin[-1]) + 1) % 10)
    assert not iin_is_valid(wrong)
    assert not iin_is_valid("90010130004")  # 11 digits
    assert not iin_is_valid("901301300042")  # month 13


def test_a_wrong_iin_is_refused_and_no_profile_is_created(roles):
    from tests.factories import UserFactory

    user = UserFactory()
    with pytest.raises(ApplicationError, match="not a valid IIN"):
        services.profile_save(user=user, full_name="Aibek Test", iin="900101300043")
    assert not hasattr(user, "candidate_profile") or user.candidate_profile is None


def test_two_accounts_cannot_share_one_iin(roles):
    from tests.factories import UserFactory

    first = make_candidate()
    # Saved without a word (no oracle), but held: the second profile cannot apply.
    second = services.profile_save(user=UserFactory(), full_name="Someone Else", iin=first.iin)
    assert second.iin_conflict and not first.profile.iin_conflict


def test_the_birth_date_comes_from_the_iin(roles):
    candidate = make_candidate()
    assert candidate.profile.birth_date == dt.date(1990, 1, 1)


# --- Eligibility -------------------------------------------------------------------------


def test_private_sector_experience_counts_when_the_vacancy_says_so(staff):
    vacancy = make_vacancy(body=staff.body, min_experience_years=Decimal("3"))
    competition = make_competition(staff=staff, vacancy=vacancy)
    services.competition_publish(competition=competition, actor=staff.hr)
    candidate = make_candidate(public_years=0, private_years=4)
    application = _apply(candidate, competition)
    assert application.status == Application.Status.ADMITTED
    experience = next(r for r in application.eligibility_reasons if r["code"] == "experience_years")
    assert experience["met"] is True
    assert Decimal(experience["params"]["counted"]) >= Decimal("4")


def test_private_sector_experience_does_not_count_when_the_vacancy_excludes_it(staff):
    vacancy = make_vacancy(
        body=staff.body, min_experience_years=Decimal("3"), private_sector_counts=False
    )
    competition = make_competition(staff=staff, vacancy=vacancy)
    services.competition_publish(competition=competition, actor=staff.hr)
    application = _apply(make_candidate(public_years=0, private_years=4), competition)
    assert application.status == Application.Status.INELIGIBLE
    reason = next(r for r in application.eligibility_reasons if r["code"] == "experience_years")
    assert reason["met"] is False
    assert "3" in reason_text(reason) and "0.0" in reason_text(reason)


def test_overlapping_jobs_count_once():
    experience = [
        {"sector": "public", "field": "law", "from": "2020-01-01", "to": "2021-01-01"},
        {"sector": "private", "field": "law", "from": "2020-07-01", "to": "2021-07-01"},
    ]
    days = counted_experience_days(
        experience, fields=[], private_counts=True, as_of=dt.date(2026, 1, 1)
    )
    assert days == (dt.date(2021, 7, 1) - dt.date(2020, 1, 1)).days


def test_an_internal_competition_admits_only_civil_servants(staff):
    competition = make_competition(staff=staff, kind=Competition.Kind.INTERNAL_ALL)
    services.competition_publish(competition=competition, actor=staff.hr)
    outsider = _apply(make_candidate(), competition)
    assert outsider.status == Application.Status.INELIGIBLE


def test_the_application_snapshot_holds_no_names_of_institutions_or_employers(published):
    candidate = make_candidate(private_years=2)
    application = _apply(candidate, published)
    snapshot = str(application.qualifications)
    for marker in candidate.markers:
        assert marker not in snapshot


# --- Applying ----------------------------------------------------------------------------


def test_a_second_application_to_the_same_competition_is_refused(published):
    candidate = make_candidate()
    _apply(candidate, published)
    with pytest.raises(ApplicationError, match="already have an active application"):
        _apply(candidate, published)
    assert Application.objects.filter(competition=published).count() == 1


def test_applying_after_the_deadline_is_refused(published):
    Competition.objects.filter(pk=published.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(minutes=1),
    )
    with pytest.raises(ApplicationError, match="not being accepted"):
        _apply(make_candidate(), published)
    assert not Application.objects.filter(competition=published).exists()


def test_applying_without_consent_is_refused(published):
    candidate = make_candidate()
    with pytest.raises(ApplicationError, match="agree"):
        services.application_submit(
            user=candidate.user,
            competition=published,
            vacancy=published.vacancies.get(),
            consent=False,
        )


def test_after_withdrawing_a_candidate_may_apply_again(published):
    candidate = make_candidate()
    first = _apply(candidate, published)
    services.application_withdraw(user=candidate.user, application=first)
    second = _apply(candidate, published)
    assert second.code != first.code
    assert candidate_application_id(user=candidate.user, competition_id=published.pk) == second.pk


def test_someone_else_cannot_withdraw_my_application(published):
    mine = _apply(make_candidate(), published)
    other = make_candidate()
    with pytest.raises(ApplicationError, match="not your application"):
        services.application_withdraw(user=other.user, application=mine)


def test_codes_are_random_and_not_derived_from_the_person(published):
    applications = [_apply(make_candidate(), published) for _ in range(5)]
    codes = [a.code for a in applications]
    assert len(set(codes)) == 5
    escrow = IdentityEscrow.objects.get(application_id=applications[0].pk)
    assert escrow.owner_index not in codes[0]


# --- Documents ---------------------------------------------------------------------------


def test_an_oversized_document_is_refused(roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EQYZMET_UPLOAD_MAX_BYTES = 1024
    candidate = make_candidate()
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 2000)
    with pytest.raises(ApplicationError, match="too large"):
        services.document_upload(profile=candidate.profile, kind="diploma", upload=upload)
    assert not Document.objects.exists()


def test_a_disguised_document_is_refused(roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    candidate = make_candidate()
    upload = SimpleUploadedFile(
        "diploma.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    with pytest.raises(ApplicationError, match="Only PDF, JPEG and PNG"):
        services.document_upload(profile=candidate.profile, kind="diploma", upload=upload)
    assert not Document.objects.exists()


def test_a_real_pdf_is_stored_under_a_name_that_says_nothing(roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    candidate = make_candidate()
    upload = SimpleUploadedFile(f"{candidate.full_name}.pdf", b"%PDF-1.7\n%%EOF\n")
    document = services.document_upload(profile=candidate.profile, kind="diploma", upload=upload)
    assert document.content_type == "application/pdf"
    assert "Leaktestov" not in document.file.name
    assert document.file.name.endswith(".pdf")


# --- Cut-offs, quorum, lock ----------------------------------------------------------------


def test_shortlist_ties_at_the_cutoff_widen_the_group():
    scored = [(1, Decimal(90)), (2, Decimal(80)), (3, Decimal(80)), (4, Decimal(70))]
    assert services.shortlist(scored, 2) == {1, 2, 3}
    assert services.shortlist(scored, 1) == {1}


def test_shortlist_admits_a_sole_candidate_and_small_groups_whole():
    assert services.shortlist([(7, Decimal(10))], 5) == {7}
    assert services.shortlist([(1, Decimal(1)), (2, Decimal(2))], 5) == {1, 2}


def _to_essay(staff, n=3):
    competition = make_competition(
        staff=staff,
        plan=[
            (Stage.Kind.PERSONAL_QUALITIES, "100", None, None, "0"),
            (Stage.Kind.ESSAY, "5", "3", 5, "1"),
        ],
    )
    services.competition_publish(competition=competition, actor=staff.hr)
    applications = [_apply(make_candidate(), competition) for _ in range(n)]
    Competition.objects.filter(pk=competition.pk).update(
        applications_open_at=timezone.now() - dt.timedelta(days=2),
        applications_close_at=timezone.now() - dt.timedelta(seconds=1),
    )
    services.competition_close_applications(competition=competition, actor=staff.hr)
    services.competition_advance(competition=competition, actor=staff.hr)
    stage = competition.stages.get(kind=Stage.Kind.PERSONAL_QUALITIES)
    for a in applications:
        stage_result_record(application_id=a.pk, stage_id=stage.pk, score=Decimal(50), passed=True)
    services.competition_advance(competition=competition, actor=staff.hr)
    return competition, applications


def test_a_stage_score_needs_a_quorum_of_two_thirds(staff):
    competition, applications = _to_essay(staff)
    members = list(competition.commission.order_by("pk"))
    for member in members:
        services.commission_declare(member=member, has_conflict=False)
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    services.commission_mark(member=members[0], application=applications[0], score=Decimal(5))
    assert not applications[0].results.filter(stage=essay).exists()  # 1 of 3: no quorum
    services.commission_mark(member=members[1], application=applications[0], score=Decimal(4))
    result = applications[0].results.get(stage=essay)  # 2 of 3: quorum
    assert result.score == Decimal("4.5")
    assert result.passed


def test_a_member_must_declare_before_marking(staff):
    competition, applications = _to_essay(staff)
    member = competition.commission.first()
    with pytest.raises(ApplicationError, match="Declare"):
        services.commission_mark(member=member, application=applications[0], score=Decimal(3))


def test_a_member_with_a_conflict_cannot_mark(staff):
    competition, applications = _to_essay(staff)
    member = competition.commission.first()
    services.commission_declare(
        member=member, has_conflict=True, statement="My nephew applied here"
    )
    with pytest.raises(ApplicationError, match="Declare"):
        services.commission_mark(member=member, application=applications[0], score=Decimal(3))


def test_a_mark_outside_the_scale_is_refused(staff):
    competition, applications = _to_essay(staff)
    member = competition.commission.first()
    services.commission_declare(member=member, has_conflict=False)
    with pytest.raises(ApplicationError, match="between 0 and 5"):
        services.commission_mark(member=member, application=applications[0], score=Decimal(6))


def test_advancing_without_commission_scores_is_refused(staff):
    competition, _applications = _to_essay(staff)
    with pytest.raises(ApplicationError, match="no valid Essay score"):
        services.competition_advance(competition=competition, actor=staff.hr)


def _locked(staff):
    competition, applications = _to_essay(staff)
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for a, score in zip(applications, [5, 4, 3], strict=True):
            services.commission_mark(member=member, application=a, score=Decimal(score))
    services.competition_advance(competition=competition, actor=staff.hr)
    competition.refresh_from_db()
    assert competition.status == Competition.Status.RANKING_LOCKED
    return competition, applications


def test_locking_the_ranking_freezes_every_score(staff):
    competition, applications = _locked(staff)
    member = competition.commission.first()
    with pytest.raises(ApplicationError):
        services.commission_mark(member=member, application=applications[0], score=Decimal(1))
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    with pytest.raises(ApplicationError, match="locked"):
        stage_result_record(
            application_id=applications[0].pk, stage_id=essay.pk, score=Decimal(0), passed=False
        )
    assert applications[0].results.get(stage=essay).score == Decimal(5)


def test_ties_in_the_final_score_are_broken_by_the_later_stage_then_the_code(staff):
    competition, applications = _to_essay(staff)
    for member in competition.commission.all():
        services.commission_declare(member=member, has_conflict=False)
        for a in applications:
            services.commission_mark(member=member, application=a, score=Decimal(4))
    services.competition_advance(competition=competition, actor=staff.hr)
    ranked = list(Application.objects.filter(competition=competition).order_by("rank"))
    assert [a.code for a in ranked] == sorted(a.code for a in applications)


# --- Reveal ------------------------------------------------------------------------------


def test_no_reveal_before_the_ranking_is_locked(staff):
    _competition, applications = _to_essay(staff)
    with pytest.raises(ApplicationError, match="cannot be revealed"):
        services.application_reveal(
            application=applications[0],
            actor=staff.hr,
            purpose="winner",
            reason="I want to know who",
        )


def test_only_the_winner_can_be_revealed_as_winner(staff):
    competition, _applications = _locked(staff)
    last = Application.objects.filter(competition=competition).order_by("-rank").first()
    last_rank = last.rank
    assert last_rank == 3
    Competition.objects.filter(pk=competition.pk).update(reserve_size=1)
    with pytest.raises(ApplicationError, match="cannot be revealed"):
        services.application_reveal(
            application=last, actor=staff.hr, purpose="winner", reason="Curious about the last one"
        )
    with pytest.raises(ApplicationError, match="cannot be revealed"):
        services.application_reveal(
            application=last, actor=staff.hr, purpose="reserve", reason="Curious about the last one"
        )


def test_a_reveal_needs_a_reason_and_raises_an_ethics_case(staff):
    from ethics.models import EthicsCase

    competition, _applications = _locked(staff)
    winner = Application.objects.get(competition=competition, rank=1)
    with pytest.raises(ApplicationError, match="reason"):
        services.application_reveal(
            application=winner, actor=staff.hr, purpose="winner", reason="x"
        )
    reveal = services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    assert reveal.revealed_by == staff.hr
    assert EthicsCase.objects.filter(category="identity_reveal").count() == 1


def test_a_false_declaration_disqualifies_and_the_next_ranked_moves_up(staff):
    competition, _applications = _locked(staff)
    services.competition_publish_results(competition=competition, actor=staff.hr)
    winner = Application.objects.get(competition=competition, rank=1)
    with pytest.raises(ApplicationError, match="revealed"):
        services.application_disqualify(
            application=winner, actor=staff.hr, reason="Diploma is not genuine"
        )
    services.application_reveal(
        application=winner, actor=staff.hr, purpose="winner", reason="Winner: document check"
    )
    services.application_disqualify(
        application=winner, actor=staff.hr, reason="Diploma is not genuine"
    )
    second = Application.objects.get(competition=competition, rank=2)
    assert second.status == Application.Status.WINNER
    services.application_reveal(
        application=second, actor=staff.hr, purpose="winner", reason="New winner: document check"
    )


# --- Appeals and the reserve -------------------------------------------------------------


def _published_essay_result(staff):
    competition, applications = _locked(staff)
    essay = competition.stages.get(kind=Stage.Kind.ESSAY)
    services.stage_publish_results(stage=essay, actor=staff.hr)
    return competition, applications, essay


def test_an_appeal_inside_the_window_is_accepted_and_redacted_for_staff(staff, monkeypatch):
    _competition, applications, essay = _published_essay_result(staff)
    candidate_user = _owner(applications[2])
    appeal = services.appeal_submit(
        user=candidate_user,
        application=applications[2],
        stage=essay,
        text="My essay deserved more; write to me at me.appeal@mail.kz or +7 701 555 44 33",
    )
    assert "me.appeal@mail.kz" not in appeal.text_redacted
    assert "555 44 33" not in appeal.text_redacted
    assert "me.appeal@mail.kz" in appeal.text  # the candidate's own copy


def test_an_appeal_after_the_window_is_refused(staff):
    competition, applications, essay = _published_essay_result(staff)
    Stage.objects.filter(pk=essay.pk).update(
        results_published_at=timezone.now()
        - dt.timedelta(days=competition.appeal_window_days, seconds=1)
    )
    essay.refresh_from_db()
    with pytest.raises(ApplicationError, match="window"):
        services.appeal_submit(
            user=_owner(applications[2]),
            application=applications[2],
            stage=essay,
            text="My essay deserved a higher score, please review it.",
        )


def test_an_upheld_appeal_corrects_a_locked_score_and_reranks(staff):
    _competition, applications, essay = _published_essay_result(staff)
    third = applications[2]
    appeal = services.appeal_submit(
        user=_owner(third),
        application=third,
        stage=essay,
        text="My essay deserved a higher score, please review it.",
    )
    services.appeal_decide(
        appeal=appeal,
        actor=staff.hr,
        upheld=True,
        answer="Upheld after review.",
        corrected_score=Decimal(5),
    )
    third.refresh_from_db()
    assert third.results.get(stage=essay).score == Decimal(5)
    assert third.rank in (1, 2)


def test_reserve_entries_expire_after_the_configured_validity(staff):
    from recruitment.models import ReserveEntry

    competition, _applications = _locked(staff)
    services.competition_publish_results(competition=competition, actor=staff.hr)
    entries = ReserveEntry.objects.filter(application__competition=competition)
    assert entries.count() == 2
    assert entries.filter(services.reserve_active()).count() == 2
    entries.update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert entries.filter(services.reserve_active()).count() == 0


def _owner(application):
    from eqyzmet.models import User

    escrow = IdentityEscrow.objects.get(application_id=application.pk)
    return User.objects.get(pk=int(escrow.owner))
