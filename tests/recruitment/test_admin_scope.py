"""Every admin filter, autocomplete and choice list is scoped like the rows: an HR officer
of body B sees no competition, vacancy or stage of body A — not even a draft's number — in
any changelist filter, add form or autocomplete answer."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from recruitment import services
from tests.recruitment.factories import make_candidate, make_competition, make_staff, make_vacancy

pytestmark = pytest.mark.django_db

A_MARKERS = ["ZQ-ALPHA-DRAFT-0001", "ZQ-ALPHA-OPEN-0002", "Alphavacancyzq"]


@pytest.fixture
def two_bodies(roles):
    alpha = make_staff()
    vacancy = make_vacancy(
        body=alpha.body,
        title_kk="Alphavacancyzq kk",
        title_ru="Alphavacancyzq ru",
        title_en="Alphavacancyzq en",
    )
    make_competition(staff=alpha, vacancy=vacancy, number=A_MARKERS[0])
    open_a = make_competition(staff=alpha, vacancy=vacancy, number=A_MARKERS[1])
    services.competition_publish(competition=open_a, actor=alpha.hr)
    services.application_submit(
        user=make_candidate().user, competition=open_a, vacancy=vacancy, consent=True
    )
    beta = make_staff()
    for _ in range(2):
        competition = make_competition(staff=beta)
        services.competition_publish(competition=competition, actor=beta.hr)
        services.application_submit(
            user=make_candidate().user,
            competition=competition,
            vacancy=competition.vacancies.get(),
            consent=True,
        )
    return alpha, beta


def _leaks(text: str) -> list[str]:
    return [m for m in A_MARKERS if m in text]


def _visible_admins(request):
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_view_permission(request):
            yield model, model_admin


def test_no_changelist_filter_or_add_form_shows_another_bodys_objects(client, rf, two_bodies):
    _alpha, beta = two_bodies
    request = rf.get("/admin/")
    request.user = beta.hr
    client.force_login(beta.hr)
    client.cookies["eqyzmet_language"] = "en"
    checked = []
    for model, model_admin in _visible_admins(request):
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        response = client.get(url)
        assert response.status_code == 200, url
        assert not _leaks(response.content.decode()), f"{url}: {_leaks(response.content.decode())}"
        checked.append(url)
        if model_admin.has_add_permission(request):
            try:
                add_url = reverse("admin:{}_{}_add".format(*info))
            except NoReverseMatch:
                continue
            page = client.get(add_url).content.decode()
            assert not _leaks(page), f"{add_url}: {_leaks(page)}"
    assert "/admin/recruitment/application/" in checked


def test_the_applications_filter_lists_only_the_officers_competitions(client, two_bodies):
    alpha, beta = two_bodies
    client.force_login(beta.hr)
    page = client.get("/admin/recruitment/application/").content.decode()
    for competition in beta.body.competitions.all():
        assert f"competition__id__exact={competition.pk}" in page
    for competition in alpha.body.competitions.all():
        assert f"competition__id__exact={competition.pk}" not in page


def _autocomplete_fields():
    for model, model_admin in admin.site._registry.items():
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        for source in [model_admin, *inlines]:
            for field_name in source.autocomplete_fields:
                yield source.model, field_name


def test_autocomplete_answers_only_rows_in_the_officers_scope(client, rf, two_bodies):
    _alpha, beta = two_bodies
    client.force_login(beta.hr)
    fields = list(_autocomplete_fields())
    assert fields
    for model, field_name in fields:
        response = client.get(
            "/admin/autocomplete/",
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
                "term": "",
            },
        )
        assert response.status_code in (200, 403), (model, field_name)
        if response.status_code != 200:
            continue
        remote = model._meta.get_field(field_name).remote_field.model
        request = rf.get("/admin/")
        request.user = beta.hr
        visible = admin.site._registry[remote].get_queryset(request)
        scoped = {str(pk) for pk in visible.values_list("pk", flat=True)}
        ids = {row["id"] for row in response.json()["results"]}
        assert ids <= scoped, (model, field_name)
        assert not _leaks(response.content.decode())


def test_a_scoped_related_filter_is_applied_to_every_related_list_filter(rf, two_bodies):
    """The class, not the instance: every related ``list_filter`` of a body-scoped admin
    takes its choices from the rows the viewer may see."""
    from django.contrib.admin import RelatedOnlyFieldListFilter
    from django.contrib.admin.utils import get_fields_from_path

    from eqyzmet.admin import StateBodyScopedAdmin

    _alpha, beta = two_bodies
    request = rf.get("/admin/")
    request.user = beta.hr
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, StateBodyScopedAdmin):
            continue
        for item in model_admin.get_list_filter(request):
            if isinstance(item, str):
                field = get_fields_from_path(model, item)[-1]
                assert not field.is_relation, f"{model.__name__}.{item} lists every row"
            elif isinstance(item, tuple):
                field = get_fields_from_path(model, item[0])[-1]
                if field.is_relation:
                    assert issubclass(item[1], RelatedOnlyFieldListFilter), item
