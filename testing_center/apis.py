"""The testing center's REST API (``/api/v1/``): test-sitting results by anonymous
application code for HR officers of the competition's state body (what the admin's
*Attempts* list shows), and a candidate's own results as their result page shows them.

Staff answers carry codes, stages and scores only: no user, profile or attempt id.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from eqyzmet.api import ERROR_RESPONSES as ERRORS
from eqyzmet.api import HasRole, token_body_scope
from eqyzmet.codes import CODE_PATTERN
from eqyzmet.roles import Role
from eqyzmet.selectors import state_bodies_in_scope
from testing_center import selectors
from testing_center.models import answer_as_labels, option_labels, option_text

NOT_A_CODE = _("This is not an anonymous application code: codes look like K7-4QMX-9TZ2.")


def _hr_bodies(request):
    return token_body_scope(request, state_bodies_in_scope(user=request.user, role=Role.HR_OFFICER))


class SittingSectionOutput(serializers.Serializer):
    position = serializers.IntegerField()
    topic = serializers.CharField()
    name = serializers.SerializerMethodField()
    items = serializers.IntegerField()
    correct = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    min_correct = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField(source="ok")

    def get_name(self, row) -> str:
        language = (get_language() or "kk")[:2]
        return row.get(f"name_{language}") or row.get("name_ru") or ""


class SittingResultOutput(serializers.Serializer):
    """One attempt at a test stage. Score, correct count and pass are empty until the
    paper is scored, and stay empty for an essay (the commission marks it)."""

    code = serializers.CharField(source="application.code")
    competition = serializers.CharField(source="sitting.stage.competition.number")
    stage = serializers.CharField(source="sitting.stage.kind")
    attempt = serializers.IntegerField(source="number")
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField(help_text='"candidate", "timer" or empty')
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    correct_count = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    sections = SittingSectionOutput(many=True)


@extend_schema(tags=["hr"], responses={200: SittingResultOutput(many=True), **ERRORS})
class StaffTestResultListApi(ListAPIView):
    """HR: every attempt at the competition's online tests, by anonymous code, in stage
    and code order. 404 unless the competition is in the officer's bodies (and the
    token's) and has a test stage."""

    permission_classes = [HasRole]
    required_role = Role.HR_OFFICER
    serializer_class = SittingResultOutput

    def get_queryset(self):
        bodies = _hr_bodies(self.request)
        competition_id = self.kwargs["pk"]
        if not selectors.competition_has_tests(competition_id=competition_id, state_bodies=bodies):
            raise Http404
        return selectors.test_results_for_staff(state_bodies=bodies).filter(
            sitting__stage__competition_id=competition_id
        )


class SittingCodeResultOutput(serializers.Serializer):
    code = serializers.CharField()
    results = SittingResultOutput(many=True)


@extend_schema(
    tags=["hr"],
    parameters=[
        OpenApiParameter(
            "code",
            str,
            OpenApiParameter.PATH,
            pattern=CODE_PATTERN.pattern,
            description="An anonymous application code such as K7-4QMX-9TZ2",
        )
    ],
    responses={200: SittingCodeResultOutput, **ERRORS},
)
class StaffTestResultByCodeApi(APIView):
    """HR: the test attempts of one anonymous code. 404 unless the code has an attempt in
    a competition of the officer's bodies (and the token's)."""

    permission_classes = [HasRole]
    required_role = Role.HR_OFFICER

    def get(self, request, code: str):
        code = code.strip().upper()
        if not CODE_PATTERN.match(code):
            raise exceptions.ValidationError({"code": [NOT_A_CODE]})
        attempts = list(
            selectors.test_results_for_staff(state_bodies=_hr_bodies(request)).filter(
                application__code=code
            )
        )
        if not attempts:
            raise Http404
        return Response(SittingCodeResultOutput({"code": code, "results": attempts}).data)


class SittingOptionOutput(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class SittingItemOutput(serializers.Serializer):
    position = serializers.IntegerField()
    section = serializers.IntegerField(source="section_position")
    kind = serializers.CharField(source="question.kind")
    text = serializers.CharField(source="question.text")
    options = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField(
        help_text="Option label(s) chosen, as the paper showed them, or the text written"
    )
    is_correct = serializers.BooleanField(allow_null=True)

    @staticmethod
    def _labels(item) -> dict[str, str]:
        # The attempt is the prefetch's own instance: no query per item.
        return option_labels(
            seed=item.attempt.seed, position=item.position, option_order=item.option_order
        )

    @extend_schema_field(SittingOptionOutput(many=True))
    def get_options(self, item):
        by_id = {o["id"]: o for o in item.question.options}
        labels = self._labels(item)
        return [
            {"id": labels[oid], "text": option_text(by_id[oid])}
            for oid in item.option_order
            if oid in by_id
        ]

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_answer(self, item):
        return answer_as_labels(item.answer, self._labels(item))


class MySittingResultOutput(SittingResultOutput):
    """One of my attempts, with every item (the question, my answer, right or wrong) when
    the test shows item results and the paper is scored; never the key."""

    test = serializers.CharField(source="blueprint.name")
    items = SittingItemOutput(many=True, source="shown_items")


@extend_schema(tags=["candidate"], responses={200: MySittingResultOutput(many=True), **ERRORS})
class MyTestResultListApi(ListAPIView):
    """The signed-in candidate's own test attempts, newest first, as their result pages
    show them."""

    serializer_class = MySittingResultOutput

    def get_queryset(self):
        return selectors.test_results_for_candidate(user=self.request.user)
