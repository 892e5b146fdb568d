"""The admin pages of AI-assisted scoring: uploading scored answers, starting a training run
and watching its progress, the stored versions, and who may do what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from testing_center.models import EssayReview, ScoringModel, TrainingAnswer, TrainingRun
from testing_center.scoring.essays import essays_prepare
from testing_center.scoring.training import training_run_execute
from tests.factories import UserFactory
from tests.testing_center.ai_factories import make_essay_contest, scored_answers_csv, write_essay
from tests.testing_center.factories import make_question, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def essays(roles):
    return make_essay_contest()


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


def _upload(client, question, content=None):
    data = content if content is not None else scored_answers_csv(question)
    return client.post(
        "/admin/testing_center/trainingupload/add/",
        {"file": SimpleUploadedFile("marks.csv", data, content_type="text/csv")},
    )


def test_an_administrator_uploads_scored_answers_and_trains_with_visible_progress(
    client, essays, superuser
):
    client.force_login(superuser)
    client.cookies["eqyzmet_language"] = "en"
    response = _upload(client, essays.question)
    assert response.status_code == 302
    assert TrainingAnswer.objects.count() == 72
    response = client.post(
        "/admin/testing_center/trainingrun/add/", {"question": essays.question.pk, "seed": "3"}
    )
    assert response.status_code == 302
    run = TrainingRun.objects.get()
    assert run.status == TrainingRun.Status.QUEUED
    page = client.get("/admin/testing_center/trainingrun/")
    assert page["Refresh"] == "5"  # the list refreshes itself while a run works
    assert '<progress value="0"' in page.content.decode()
    training_run_execute(run_id=run.pk)
    page = client.get("/admin/testing_center/trainingrun/")
    assert "Refresh" not in page
    assert "1 / 1" in page.content.decode()
    model = ScoringModel.objects.get()
    listing = client.get("/admin/testing_center/scoringmodel/").content.decode()
    assert model.version in listing


def test_a_bad_upload_is_explained_on_the_form_and_stores_nothing(client, essays, superuser):
    client.force_login(superuser)
    client.cookies["eqyzmet_language"] = "en"
    response = _upload(client, essays.question, b"question_id,answer_id\nx,1\n")
    assert response.status_code == 200
    assert "required column is missing" in response.content.decode()
    assert not TrainingAnswer.objects.exists()


def test_an_hr_officer_trains_only_their_bodys_own_questions(client, essays):
    own = make_question(make_topic(owner=essays.body), kind="essay", points=5)
    client.force_login(essays.hr)
    client.cookies["eqyzmet_language"] = "en"
    assert _upload(client, own).status_code == 302
    refused = _upload(client, essays.question)  # the national bank
    assert refused.status_code == 200
    assert "may not train" in refused.content.decode()
    form = client.get("/admin/testing_center/trainingrun/add/").content.decode()
    assert own.external_id in form
    assert essays.question.external_id not in form


def test_an_hr_officer_sees_essay_routing_of_their_body_only(client, essays):
    other = make_essay_contest()
    write_essay(essays, "Текст эссе о государственной службе и доверии граждан.")
    write_essay(other, "Текст другого эссе о цифровизации и услугах.")
    essays_prepare(sitting_id=essays.sitting.pk)
    essays_prepare(sitting_id=other.sitting.pk)
    client.force_login(essays.hr)
    page = client.get("/admin/testing_center/essayreview/").content.decode()
    mine = EssayReview.objects.get(attempt__sitting=essays.sitting)
    theirs = EssayReview.objects.get(attempt__sitting=other.sitting)
    assert mine.attempt.application.code in page
    assert theirs.attempt.application.code not in page


def test_people_without_the_role_cannot_open_the_scoring_admin(client, essays):
    from tests.testing_center.factories import make_candidate

    client.force_login(make_candidate())
    for url in (
        "/admin/testing_center/trainingupload/add/",
        "/admin/testing_center/trainingrun/",
        "/admin/testing_center/scoringmodel/",
    ):
        assert client.get(url).status_code == 302  # the admin sends them to sign in
    client.force_login(essays.members[0].user)
    assert client.get("/admin/testing_center/trainingrun/").status_code in (302, 403)
