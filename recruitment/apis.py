"""The recruitment REST API (``/api/v1/``): one view per operation, services and selectors
underneath, the same permission rules as the pages. Staff endpoints return anonymous
models only."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from eqyzmet.api import ERROR_RESPONSES as ERRORS
from eqyzmet.api import HasRole, StateBodyOutput, token_body_scope
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from recruitment.models import Application, Competition, Stage, StageResult, Vacancy
from recruitment.selectors_candidate import my_applications


class StageOutput(serializers.Serializer):
    kind = serializers.CharField()
    position = serializers.IntegerField()
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2)


class CompetitionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    state_body = StateBodyOutput()
    applications_open_at = serializers.DateTimeField()
    applications_close_at = serializers.DateTimeField()
    stages = StageOutput(many=True, source="stages.all")
    vacancy_ids = serializers.SerializerMethodField()

    def get_vacancy_ids(self, obj) -> list[int]:
        return [v.pk for v in obj.vacancies.all()]


class VacancyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    duties = serializers.CharField()
    grade = serializers.CharField()
    category = serializers.CharField()
    is_managerial = serializers.BooleanField()
    state_body = StateBodyOutput()
    region = serializers.CharField()
    employment = serializers.CharField()
    salary_min = serializers.IntegerField()
    salary_max = serializers.IntegerField()
    min_education_level = serializers.IntegerField()
    education_fields = serializers.ListField(child=serializers.CharField())
    min_experience_years = serializers.DecimalField(max_digits=4, decimal_places=1)
    private_sector_counts = serializers.BooleanField()
    required_languages = serializers.DictField(child=serializers.IntegerField())


def _public_competitions():
    return (
        Competition.objects.exclude(status__in=[Competition.Status.DRAFT])
        .select_related("state_body")
        .prefetch_related(
            Prefetch("stages", queryset=Stage.objects.order_by("position")), "vacancies"
        )
        .order_by("-applications_open_at")
    )


@extend_schema(
    tags=["public"],
    parameters=[
        OpenApiParameter("q", str, description="Words in the title or duties"),
        OpenApiParameter("state_body", int),
        OpenApiParameter("region", str),
        OpenApiParameter("employment", str, enum=["permanent", "contract"]),
    ],
    responses={200: VacancyOutput(many=True), **ERRORS},
)
class VacancyListApi(ListAPIView):
    """Vacancies open for applications now."""

    permission_classes = [permissions.AllowAny]
    serializer_class = VacancyOutput

    def get_queryset(self):
        now = timezone.now()
        queryset = (
            Vacancy.objects.filter(
                competitions__status=Competition.Status.PUBLISHED,
                competitions__applications_open_at__lte=now,
                competitions__applications_close_at__gt=now,
            )
            .select_related("state_body")
            .distinct()
            .order_by("-created_at", "pk")
        )
        params = self.request.query_params
        if q := params.get("q", "").strip():
            words = Q()
            for field in (
                "title_kk",
                "title_ru",
                "title_en",
                "duties_kk",
                "duties_ru",
                "duties_en",
            ):
                words |= Q(**{f"{field}__icontains": q})
            queryset = queryset.filter(words)
        if (body := params.get("state_body", "")).isascii() and body.isdigit():
            queryset = queryset.filter(state_body_id=int(body))
        if region := params.get("region"):
            queryset = queryset.filter(region=region)
        if employment := params.get("employment"):
            queryset = queryset.filter(employment=employment)
        return queryset


@extend_schema(tags=["public"], responses={200: CompetitionOutput(many=True), **ERRORS})
class CompetitionListApi(ListAPIView):
    """Announced competitions (drafts are never shown)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CompetitionOutput

    def get_queryset(self):
        return _public_competitions()


@extend_schema(tags=["public"], responses={200: CompetitionOutput, **ERRORS})
class CompetitionDetailApi(RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = CompetitionOutput

    def get_queryset(self):
        return _public_competitions()


class ResultOutput(serializers.Serializer):
    stage = serializers.CharField(source="stage.kind")
    position = serializers.IntegerField(source="stage.position")
    score = serializers.DecimalField(max_digits=8, decimal_places=3)
    max_score = serializers.DecimalField(source="stage.max_score", max_digits=6, decimal_places=2)
    passed = serializers.BooleanField()


class MyAppealOutput(serializers.Serializer):
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    text = serializers.CharField()
    answer = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    corrected_score = serializers.DecimalField(max_digits=8, decimal_places=3, allow_null=True)


class MyResultOutput(serializers.Serializer):
    """One published stage result as the candidate's page shows it, with its appeals."""

    stage = serializers.CharField(source="stage.kind")
    position = serializers.IntegerField(source="stage.position")
    score = serializers.DecimalField(source="result.score", max_digits=8, decimal_places=3)
    max_score = serializers.DecimalField(source="stage.max_score", max_digits=6, decimal_places=2)
    passed = serializers.BooleanField(source="result.passed")
    appeal_deadline = serializers.DateTimeField(allow_null=True)
    may_appeal = serializers.BooleanField()
    appeals = MyAppealOutput(many=True)


class MyApplicationOutput(serializers.Serializer):
    id = serializers.IntegerField(source="application.pk")
    code = serializers.CharField(source="application.code")
    competition = serializers.CharField(source="competition.number")
    competition_status = serializers.CharField(source="competition.status")
    vacancy_id = serializers.IntegerField(source="application.vacancy_id")
    status = serializers.CharField(source="application.status")
    submitted_at = serializers.DateTimeField(source="application.submitted_at")
    current_stage = serializers.CharField(
        source="application.current_stage.kind", allow_null=True, default=None
    )
    eligible = serializers.BooleanField()
    eligibility = serializers.JSONField(source="application.eligibility_reasons")
    results = MyResultOutput(many=True)
    rank = serializers.IntegerField(source="application.rank", allow_null=True)
    final_score = serializers.DecimalField(
        source="application.final_score", max_digits=8, decimal_places=3, allow_null=True
    )
    reserve_until = serializers.DateField(allow_null=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.results_published:
            # As on the page: no rank, final score or reserve before the results are out.
            data.update(rank=None, final_score=None, reserve_until=None)
        return data


@extend_schema(tags=["candidate"], responses={200: MyApplicationOutput(many=True), **ERRORS})
class MyApplicationListApi(ListAPIView):
    """The signed-in person's own applications, as their "My applications" page shows them:
    code, status, eligibility, published stage results with appeals, and the rank and final
    score once the competition's results are published."""

    serializer_class = MyApplicationOutput

    def get_queryset(self):
        return my_applications(user=self.request.user)


class StaffApplicationOutput(serializers.Serializer):
    code = serializers.CharField()
    vacancy_id = serializers.IntegerField()
    status = serializers.CharField()
    eligible = serializers.SerializerMethodField()
    current_stage = serializers.CharField(
        source="current_stage.kind", allow_null=True, default=None
    )
    results = ResultOutput(many=True, source="results.all")
    final_score = serializers.DecimalField(max_digits=8, decimal_places=3, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)

    def get_eligible(self, obj) -> bool:
        return all(r["met"] for r in obj.eligibility_reasons)


@extend_schema(tags=["hr"], responses={200: StaffApplicationOutput(many=True), **ERRORS})
class StaffApplicationListApi(ListAPIView):
    """HR: a competition's applications by anonymous code, with stage results and ranks."""

    permission_classes = [HasRole]
    required_role = Role.HR_OFFICER
    serializer_class = StaffApplicationOutput

    def get_queryset(self):
        bodies = token_body_scope(
            self.request, state_bodies_in_scope(user=self.request.user, role=Role.HR_OFFICER)
        )
        competition = get_object_or_404(
            Competition.objects.filter(state_body__in=bodies), pk=self.kwargs["pk"]
        )
        return (
            Application.objects.filter(competition=competition)
            .select_related("current_stage")
            .prefetch_related(
                Prefetch(
                    "results",
                    queryset=StageResult.objects.select_related("stage").order_by(
                        "stage__position"
                    ),
                )
            )
            .order_by("rank", "code")
        )
