"""The permission matrix, generated from the URL conf: every named page and API operation
has an access rule here, so a new view without a rule fails this test; and for every page
that takes no object id, each role (and an anonymous visitor) is allowed or refused exactly
as the rule says. Object-level rules (my application, another body's case...) are tested
in each app's own permission tests.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from tests.factories import UserFactory, make_state_body

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", *[r.value for r in Role]]
PUBLIC = frozenset(ROLES)
SIGNED_IN = frozenset(r.value for r in Role)
POST_ONLY = "post-only"  # GET answers 405 for everyone
OBJECT = "object"  # takes an object id or token: covered by the app's own tests

ACCESS: dict[str, frozenset[str] | str] = {
    "healthz": PUBLIC,
    "set_language": POST_ONLY,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "api-vacancies": PUBLIC,
    "api-competitions": PUBLIC,
    "api-competition": OBJECT,
    "api-my-applications": SIGNED_IN,
    "api-hr-applications": OBJECT,
    "api-hr-test-results": OBJECT,
    "api-hr-test-result": OBJECT,
    "api-my-test-results": SIGNED_IN,
    # The export page's rule: HR officers hold evaluation.export_assessment.
    "api-hr-evaluation-results": frozenset({"hr_officer"}),
    # Confirmed contract quarters for payroll: HR officers hold recruitment.view_quarterreport.
    "api-hr-contract-results": frozenset({"hr_officer"}),
    "api-ethics-report": POST_ONLY,
    "api-ethics-follow": OBJECT,  # only with a receipt code (header)
    "api-ethics-follow-message": POST_ONLY,
    "home": PUBLIC,
    "login": PUBLIC,
    "logout": POST_ONLY,
    "accounts:register": PUBLIC,
    "accounts:register_done": PUBLIC,
    "accounts:resend": POST_ONLY,
    "accounts:confirm": OBJECT,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": OBJECT,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:privacy": PUBLIC,
    "accounts:account": SIGNED_IN,
    "accounts:email_change": SIGNED_IN,
    "accounts:email_change_confirm": OBJECT,
    "accounts:password_change": SIGNED_IN,
    "accounts:data_export": SIGNED_IN,
    "accounts:delete": SIGNED_IN,
    "accounts:consent": SIGNED_IN,
    "twofactor:setup": SIGNED_IN,
    "twofactor:verify": SIGNED_IN,
    "recruitment:vacancy_list": PUBLIC,
    "recruitment:vacancy_detail": OBJECT,
    "recruitment:apply": OBJECT,
    "recruitment:profile": frozenset({"candidate"}),
    "recruitment:profile_personal": frozenset({"candidate"}),
    "recruitment:entry_add": OBJECT,
    "recruitment:entry_edit": OBJECT,
    "recruitment:entry_delete": OBJECT,
    "recruitment:document_upload": frozenset({"candidate"}),
    "recruitment:document_download": OBJECT,
    "recruitment:document_delete": OBJECT,
    "recruitment:my_applications": frozenset({"candidate"}),
    "recruitment:my_application": OBJECT,
    "recruitment:application_withdraw": OBJECT,
    "recruitment:draft_delete": OBJECT,  # a draft id: test_permissions.py of the candidate
    "recruitment:appeal": OBJECT,
    "recruitment:adjustment_request": OBJECT,
    "recruitment:saved_searches": frozenset({"candidate"}),
    "recruitment:equality_answers": OBJECT,  # an application id, the owner's only
    "recruitment:fairness_statistics": PUBLIC,
    "recruitment:saved_search_create": POST_ONLY,
    "recruitment:saved_search_delete": OBJECT,
    "recruitment:saved_search_alerts": OBJECT,
    "recruitment:saved_search_unsubscribe": OBJECT,  # only with a signed token
    "staff:commission_home": frozenset({"commission_member"}),
    "staff:commission_queue": OBJECT,
    "staff:commission_declare": OBJECT,
    "staff:commission_mark": OBJECT,
    "staff:commission_essay": OBJECT,
    "staff:observer_home": frozenset({"observer"}),
    "staff:observer_competition": OBJECT,
    # Health data: only the readers of an adjustment's reason.
    "staff:adjustments": frozenset({"ethics_commissioner", "adjustments_officer"}),
    "staff:adjustment_document": OBJECT,
    "staff:fairness_reports": frozenset({"ethics_commissioner"}),
    "staff:fairness_report": OBJECT,  # a competition id: tests/recruitment/test_fairness.py
    # Evaluation pages need an employee record as well as the role (a role alone opens
    # nothing); with records they are tested in tests/evaluation/test_views.py.
    "evaluation:home": frozenset({"hr_officer", "manager", "bank_keeper", "adjustments_officer"}),
    "evaluation:my_results": frozenset(),
    "evaluation:my_assessment": OBJECT,
    "evaluation:acknowledge": OBJECT,
    "evaluation:contest": OBJECT,
    "evaluation:my_kpi_report": OBJECT,
    "evaluation:citizen_link_issue": frozenset({"service_desk"}),
    "evaluation:evidence": OBJECT,
    "evaluation:feedback": OBJECT,
    "evaluation:unit": frozenset({"manager"}),
    # Competence development (issue 16): the employee's page needs an employee record; the
    # overview shows aggregates to HR officers (own bodies) and the authorised body (all).
    "evaluation:development": frozenset(),
    "evaluation:development_overview": frozenset({"hr_officer", "authorised_body"}),
    "evaluation:team_development": frozenset({"manager"}),
    "evaluation:plan_agree": OBJECT,
    "evaluation:completion_evidence": OBJECT,
    "evaluation:goal_confirm": OBJECT,
    "evaluation:completion_decide": OBJECT,
    "evaluation:score": OBJECT,
    "evaluation:kpi_add": OBJECT,
    "evaluation:manager_kpi_report": OBJECT,
    "evaluation:feedback_invite": OBJECT,
    "evaluation:feedback_close": OBJECT,
    "evaluation:export_csv": OBJECT,
    "evaluation:rate_start": PUBLIC,
    "evaluation:rate_link": OBJECT,
    "careers:index": PUBLIC,
    "careers:internship_list": PUBLIC,
    "careers:internship_detail": OBJECT,
    "careers:internship_apply": OBJECT,
    "careers:my_internships": frozenset({"candidate"}),
    "careers:essay_practice": PUBLIC,
    "careers:matches": frozenset({"candidate"}),
    "careers:match_preferences": POST_ONLY,
    "careers:match_unsubscribe": OBJECT,  # only with a signed token
    "ethics:index": PUBLIC,
    "ethics:report_new": PUBLIC,
    "ethics:report_receipt": PUBLIC,
    "ethics:follow": PUBLIC,
    "ethics:follow_case": OBJECT,  # only with a receipt code's short-lived cookie
    "ethics:follow_attachment": OBJECT,
    "ethics:follow_leave": POST_ONLY,
    "ethics:dashboard": frozenset({"ethics_commissioner"}),
    "ethics:export_csv": frozenset({"ethics_commissioner"}),
    "ethics:charts": frozenset({"ethics_commissioner"}),
    "ethics:declarations": frozenset({"ethics_commissioner"}),
    "ethics:case_detail": OBJECT,
    "ethics:case_transition": OBJECT,
    "ethics:case_assign": OBJECT,
    "ethics:case_reply": OBJECT,
    "ethics:case_note": OBJECT,
    "ethics:case_attachment": OBJECT,
}
ACCESS.update(
    {
        # Contract pages need a contract (or a project) as well as an account: a role alone
        # opens nothing; with records they are tested in tests/recruitment/test_contract_pages.py.
        "recruitment:my_contract": frozenset(),
        "recruitment:contract_report_submit": OBJECT,
        "recruitment:contracts_official": frozenset(),
        "recruitment:contract_report_confirm": OBJECT,
        "recruitment:contract_document": OBJECT,  # tests/recruitment/test_contract_documents.py
        # Only the project's responsible official, after the lock: test_contract_selection.py.
        "recruitment:contract_recommend": OBJECT,
        "recruitment:contract_recommendation_withdraw": OBJECT,
    }
)
ACCESS.update(
    {
        # Careers (issue 17): object-level rules in tests/careers/test_classes.py and
        # tests/careers/test_explorer_pages.py (a result only for the browser that took it,
        # a class page only for its creator).
        "careers:explorer": PUBLIC,
        "careers:explorer_result": OBJECT,
        "careers:explorer_keep": OBJECT,
        "careers:family_list": PUBLIC,
        "careers:family_detail": OBJECT,
        "careers:class_join": PUBLIC,
        "careers:class_link": OBJECT,
        "careers:class_leave": POST_ONLY,
        "careers:class_list": SIGNED_IN,
        "careers:class_create": POST_ONLY,
        "careers:class_detail": OBJECT,
    }
)
ACCESS.update(
    {
        "testing_center:index": SIGNED_IN,
        "testing_center:practice": PUBLIC,
        "testing_center:practice_start": OBJECT,
        "testing_center:flag": OBJECT,  # an attempt id: tests/testing_center/test_permissions.py
        "testing_center:review": OBJECT,  # an attempt id, as above
        "testing_center:sitting": OBJECT,
        "testing_center:sitting_start": OBJECT,
        "testing_center:attempt": OBJECT,
        "testing_center:save": OBJECT,
        "testing_center:events": OBJECT,
        "testing_center:submit": OBJECT,
        "testing_center:result": OBJECT,
    }
)


def _named_patterns(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _named_patterns(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_named_url_has_an_access_rule():
    names = {n for n in _named_patterns() if not n.startswith("admin:")}
    missing = sorted(names - ACCESS.keys())
    assert not missing, f"add an access rule for: {missing}"
    stale = sorted(ACCESS.keys() - names)
    assert not stale, f"rules for URLs that no longer exist: {stale}"


@pytest.fixture
def people(roles):
    body = make_state_body()
    people = {"anonymous": None}
    for role in Role:
        user = UserFactory()
        staff_assign(user=user, role=role, state_body=body if role != Role.CANDIDATE else None)
        people[role.value] = user
    return people


def _allowed(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return False
    if response.status_code in (301, 302):
        location = response["Location"]
        return "/accounts/login/" not in location and "/admin/login/" not in location
    return response.status_code == 200


SIMPLE = sorted((name, rule) for name, rule in ACCESS.items() if isinstance(rule, frozenset))


@pytest.mark.parametrize(("name", "rule"), SIMPLE, ids=[n for n, _ in SIMPLE])
def test_each_role_is_allowed_or_refused_as_the_rule_says(client, people, name, rule):
    url = reverse(name)
    wrong = []
    for role, user in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        allowed = _allowed(client.get(url))
        if allowed != (role in rule):
            wrong.append(f"{role}: {'allowed' if allowed else 'refused'}")
    assert not wrong, f"{url}: {wrong}"


@pytest.mark.parametrize("name", sorted(n for n, r in ACCESS.items() if r == POST_ONLY))
def test_post_only_urls_refuse_get(client, name):
    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 405
