"""The careers app in "download my data" and in deleting an account: the person's kept
explorer results and internship applications are exported; deleting the account leaves no
link from them to the person (the account row stays, so nothing goes by CASCADE)."""

from __future__ import annotations

import pytest

from careers.models import ExplorerResult
from careers.models_internships import InternshipApplication, InternshipIdentity
from careers.models_matching import MatchPreference
from eqyzmet.accounts.deletion import account_delete
from eqyzmet.accounts.personal_data import personal_data_collect
from tests.careers.internship_factories import MOTIVATION, apply, make_internship
from tests.factories import PASSWORD
from tests.recruitment.factories import make_candidate, make_staff

pytestmark = pytest.mark.django_db

SCORES = {"R": 10, "I": 90, "A": 20, "S": 60, "E": 40, "C": 70}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def person(roles):
    staff = make_staff()
    candidate = make_candidate()
    application = apply(candidate.user, make_internship(body=staff.body))
    ExplorerResult.objects.create(
        user=candidate.user, language="en", interests=SCORES, families=["digital-services"]
    )
    MatchPreference.objects.create(user=candidate.user, regions=[], alerts_enabled=True)
    return candidate.user, application


def test_download_my_data_holds_my_internship_applications_and_kept_explorer_results(person):
    user, application = person
    data = personal_data_collect(user_id=user.pk)
    [row] = data["careers.internships"]["internship_applications"]
    assert row["code"] == application.code
    assert row["motivation"] == MOTIVATION
    [result] = data["careers.explorer"]["explorer_results"]
    assert result["interests"] == SCORES and result["families"] == ["digital-services"]


def test_deleting_the_account_unlinks_results_and_erases_identity_and_choices(person):
    user, application = person
    document = InternshipIdentity.objects.get().status_document
    assert document.storage.exists(document.name)
    kept = account_delete(user=user, password=PASSWORD, confirmation="DELETE")
    assert kept["careers.internships"]
    assert not InternshipIdentity.objects.exists()
    assert not document.storage.exists(document.name)
    assert not MatchPreference.objects.exists()
    # The scores stay as an anonymous questionnaire; the body's record stays by code.
    assert ExplorerResult.objects.get().user_id is None
    assert InternshipApplication.objects.get().code == application.code
    assert personal_data_collect(user_id=user.pk) == {}
