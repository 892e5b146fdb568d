"""The class-level fuzz test for hostile input (security round 2, item 13).

Every form a role can reach (crawled from its pages, the admin's add and change pages for
HR officers) and every operation in the OpenAPI schema get hostile values in each field:
NUL, lone surrogates, a 10 MB string, ±2^63, NaN and Infinity, deep JSON, wrong types.
Whatever the answer, it is never a 500; and when it is a refusal (4xx), no row of the
database changed. A deterministic list runs for every field; a hypothesis part then
throws generated values at the API's fields (derandomized, so CI sees the same run).
"""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote_plus, urldefrag, urljoin, urlparse

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eqyzmet.roles import Role
from eqyzmet.services import staff_assign
from recruitment import services as recruitment_services
from tests.factories import UserFactory
from tests.recruitment.factories import make_candidate, make_competition, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HUGE = "x" * (10 * 1024 * 1024)
# Form fields travel as text: every value is a string (surrogates as their raw UTF-8 bytes).
FORM_VALUES = [
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "9223372036854775808",
    "-9223372036854775809",
    "9223372036854775807",
    "32768",
    "-1",
    "NaN",
    "-Infinity",
    "1e30",
    "1e999999",
    "²",
    "[[[[[[[[[[]]]]]]]]]]",
    "",
]
JSON_VALUES = [
    "\x00",
    "\ud800",
    2**63,
    -(2**63) - 1,
    2**63 - 1,
    1e30,
    "NaN",
    None,
    True,
    [],
    {},
    ["x"],
    {"a": {"b": [1]}},
]
# Raw bodies no json.dumps would write.
RAW_BODIES = [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a": NaN}',
    b'{"a": Infinity}',
    b'{"a": "\\u0000"}',
    b'{"a": "\\udc00"}',
    b'{"a": "\xed\xa0\x80"}',
    b"\x00",
    b"{",
]
# State that a refused request may legitimately leave behind.
NOT_STATE = re.compile(r"^(django_session|axes_|django_admin_log)")
# Users are left out: signing each role in (force_login) stamps last_login.
MAIN_MODELS = [
    "recruitment.CandidateProfile",
    "recruitment.Application",
    "recruitment.CommissionMember",
    "recruitment.CommissionMark",
    "recruitment.Competition",
    "recruitment.Stage",
    "recruitment.Vacancy",
    "ethics.EthicsCase",
    "testing_center.Attempt",
    "testing_center.AttemptItem",
    "evaluation.Assessment",
    "evaluation.Kpi",
]
SKIP_URL = re.compile(
    r"(logout|/i18n/|/static/|/delete/|/password_change|/download|/attachment|/export|"
    r"/api/docs|/api/schema|\.csv|/history/)"
)


# --- Database snapshots ----------------------------------------------------------------------


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(n for n in names if not NOT_STATE.match(n))


def snapshot(tables: list[str]) -> tuple:
    """Row counts of every table and a hash of the rows of the main models: on PostgreSQL
    in one statement (each main model's rows as text, in key order), elsewhere by reading
    the rows."""
    q = connection.ops.quote_name
    counts = [f"(SELECT COUNT(*) FROM {q(t)})" for t in tables]  # noqa: S608 (introspected)
    models = [apps.get_model(label) for label in MAIN_MODELS]
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        counts += [
            f"(SELECT md5(string_agg(t::text, '|' ORDER BY t.{q(m._meta.pk.column)})) "  # noqa: S608
            f"FROM {q(m._meta.db_table)} t)"
            for m in models
        ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts))
        row = cursor.fetchone()
    if on_postgresql:
        return tuple(row[: len(tables)]), row[len(tables) :]
    digest = hashlib.sha256()
    for model in models:
        for values in model.objects.order_by("pk").values_list():
            digest.update(repr(values).encode("utf-8", "surrogatepass"))
    return tuple(row), digest.hexdigest()


class Watch:
    """Sends requests, records every 500 or exception, and every refusal that changed rows."""

    def __init__(self, client):
        self.client = client
        self.tables = _tables()
        self.state = snapshot(self.tables)
        self.problems: list[str] = []
        self.requests = 0

    def __call__(self, label: str, method: str, url: str, **kwargs):
        self.requests += 1
        cache.clear()  # throttles would otherwise turn later requests into 429s
        try:
            response = getattr(self.client, method)(url, **kwargs)
        except Exception as exc:  # the test client re-raises a view's error
            self.problems.append(f"{label}: {method.upper()} {url} raised {exc!r}"[:400])
            self.state = snapshot(self.tables)
            return None
        after = snapshot(self.tables)
        if response.status_code >= 500:
            self.problems.append(f"{label}: {method.upper()} {url} -> {response.status_code}")
        elif 400 <= response.status_code < 500 and after != self.state:
            changed = [
                t for t, a, b in zip(self.tables, self.state[0], after[0], strict=True) if a != b
            ]
            self.problems.append(
                f"{label}: {method.upper()} {url} -> {response.status_code} but changed "
                f"{changed or 'rows of the main models'}"
            )
        self.state = after
        return response


# --- People and data -----------------------------------------------------------------------------


@pytest.fixture
def world(roles, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    staff = make_staff()
    competition = make_competition(staff=staff)
    recruitment_services.competition_publish(competition=competition, actor=staff.hr)
    candidate = make_candidate()
    recruitment_services.application_submit(
        user=candidate.user,
        competition=competition,
        vacancy=competition.vacancies.get(),
        consent=True,
    )
    from tests.ethics.factories import report

    report(staff.body)
    from evaluation import services as evaluation_services

    manager = UserFactory()
    staff_assign(user=manager, role=Role.MANAGER, state_body=staff.body)
    evaluation_services.employee_register(
        user=manager, position="Head of unit", state_body=staff.body
    )
    worker = UserFactory()
    staff_assign(user=worker, role=Role.EMPLOYEE, state_body=staff.body)
    evaluation_services.employee_register(
        user=worker, position="Chief expert", state_body=staff.body, supervisor=manager
    )
    people = {
        "anonymous": None,
        "candidate": candidate.user,
        "hr_officer": staff.hr,
        "commission_member": staff.members[0],
        "observer": staff.observer,
        "ethics_commissioner": staff.ethics,
    }
    people["manager"] = manager
    people["employee"] = worker
    return {"people": people, "body": staff.body, "competition": competition}


def _sign_in(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


# --- Forms: crawled from each role's pages --------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: action and (name, value) of each field."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [],
            }
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append([a["name"], a.get("value") or ""])
        elif tag == "textarea":
            self._textarea = [a["name"], ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select":
            self._select = [a["name"], None]
            self._form["fields"].append(self._select)
        elif (
            tag == "option"
            and self._select is not None
            and (self._select[1] is None or "selected" in a)
        ):
            self._select[1] = a.get("value") or ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            if self._select is not None and self._select[1] is None:
                self._select[1] = ""
            self._select = None


def _same_site(base: str, link: str) -> str | None:
    link = urldefrag(urljoin(base, link.replace("&amp;", "&")))[0]
    parsed = urlparse(link)
    if parsed.netloc not in ("", "testserver") or SKIP_URL.search(parsed.path):
        return None
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def _admin_page_kind(path: str) -> str | None:
    """One add page and one change page per model are enough for the admin."""
    match = re.match(r"^/admin/(\w+)/(\w+)/(add/|\d+/change/|)$", path)
    if not match:
        return None if path != "/admin/" else "index"
    kind = "list" if not match[3] else ("add" if match[3] == "add/" else "change")
    return f"{match[1]}.{match[2]}.{kind}"


def crawl_forms(client, seeds: list[str], *, limit: int = 40, admin_limit: int = 120):
    """GET pages breadth-first from the seeds; return the POST forms found (action and
    fields) and the queries (path, query string) that links on the pages use."""
    seen_pages: set[str] = set()
    seen_kinds: set[str] = set()
    queue = list(seeds)
    forms, queries = {}, {}
    while queue and len(seen_pages) < (admin_limit if seeds[0] == "/admin/" else limit):
        url = queue.pop(0)
        if url in seen_pages:
            continue
        if url.startswith("/admin/"):
            kind = _admin_page_kind(url)
            if kind is None or kind in seen_kinds:
                continue
            seen_kinds.add(kind)
        seen_pages.add(url)
        response = client.get(url)
        if response.status_code in (301, 302) and response.get("Location"):
            target = _same_site(url, response["Location"])
            if target and "/login/" not in target:
                queue.append(target)
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode("utf-8", "replace"))
        for form in parser.forms:
            action = _same_site(url, form["action"] or url)
            if form["method"] == "post" and action and form["fields"]:
                forms.setdefault(action, form["fields"])
        for link in parser.links:
            target = _same_site(url, link)
            if target is None:
                continue
            path, _, query = target.partition("?")
            if query:
                queries.setdefault(
                    (path, tuple(sorted(q.split("=")[0] for q in query.split("&")))), query
                )
            elif target not in seen_pages:
                queue.append(target)
    return list(forms.items()), [(path, query) for (path, _), query in queries.items()]


def _rotation(values: list, start: int, size: int) -> list:
    return [values[(start * size + k) % len(values)] for k in range(size)]


def _urlencoded(fields: list[tuple[str, str]]) -> str:
    return "&".join(
        f"{quote_plus(k)}={quote_plus(v.encode('utf-8', 'surrogatepass'))}" for k, v in fields
    )


SEEDS = {
    "anonymous": ["/en/", "/en/vacancies/", "/en/ethics/report/", "/en/accounts/register/"],
    "candidate": ["/en/", "/en/profile/", "/en/applications/", "/en/tests/"],
    "hr_officer": ["/admin/", "/en/evaluation/"],
    "commission_member": ["/en/staff/commission/"],
    "observer": ["/en/staff/observe/"],
    "ethics_commissioner": ["/en/ethics/dashboard/", "/en/ethics/declarations/"],
    "manager": ["/en/evaluation/", "/en/evaluation/unit/"],
    "employee": ["/en/evaluation/", "/en/evaluation/my/"],
}


def test_no_form_or_page_query_answers_500_or_changes_rows_when_it_refuses(client, world):
    watch = Watch(client)
    forms_seen = 0
    for role, user in world["people"].items():
        _sign_in(client, user)
        forms, queries = crawl_forms(client, SEEDS[role])
        forms_seen += len(forms)
        watch.state = snapshot(watch.tables)
        for n, (action, fields) in enumerate(forms):
            fields = [(k, v or "") for k, v in fields]
            names = [k for k, _ in fields if k != "csrfmiddlewaretoken"]
            _sign_in(client, user)
            for i, name in enumerate(names):
                # The first field gets every value, the others a rotating few: every value
                # meets every form, and the run stays within CI's budget.
                values = FORM_VALUES if i == 0 else _rotation(FORM_VALUES, i, 2)
                if n == 0 and i == 0:
                    values = [*values, HUGE]
                for value in values:
                    body = [(k, value if k == name else v) for k, v in fields]
                    response = watch(
                        f"{role} {name}={value[:12]!r}",
                        "post",
                        action,
                        data=_urlencoded(body),
                        content_type="application/x-www-form-urlencoded",
                    )
                    if response is not None and response.status_code in (301, 302):
                        _sign_in(client, user)  # a form may sign out or switch language
        _sign_in(client, user)
        for j, (path, query) in enumerate(queries):
            for name in sorted({q.split("=")[0] for q in query.split("&")} | {"q"}):
                for value in _rotation(FORM_VALUES, j, 4):
                    encoded = quote_plus(value.encode("utf-8", "surrogatepass"))
                    watch(f"{role} ?{name}", "get", f"{path}?{quote_plus(name)}={encoded}")
    assert forms_seen >= 15, "the crawl should reach the forms of every role"
    assert not watch.problems, "\n".join(watch.problems[:40])


# --- The API: every operation of the OpenAPI schema ----------------------------------------


def _operations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation, schema["components"]["schemas"]


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema:
        return _resolve(schema["allOf"][0], components)
    return schema


def _plausible(schema: dict, components: dict, world) -> object:
    schema = _resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer":
        return world["body"].pk
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "plain text"


def _body_fields(operation, components, world) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if not schema:
        return {}
    schema = _resolve(schema, components)
    return {
        name: _plausible(prop, components, world)
        for name, prop in schema.get("properties", {}).items()
        if prop.get("format") != "binary"
        and _resolve(prop, components).get("items", {}).get("format") != "binary"
    }


def _url(path: str, params: dict) -> str:
    def value(match):
        found = params.get(match[1], 1)
        return quote_plus(found if isinstance(found, bytes | str) else str(found))

    return re.sub(r"\{(\w+)\}", value, path)


def _fuzz_operation(watch, role, path, method, operation, components, world, values):
    parameters = operation.get("parameters", [])
    headers = {p["name"]: "1" for p in parameters if p["in"] == "header"}
    base = _body_fields(operation, components, world)
    for param in parameters:
        for value in values:
            text = value if isinstance(value, str) else json.dumps(value)
            text = text.encode("utf-8", "surrogatepass")
            if param["in"] == "query":
                url = f"{_url(path, {})}?{quote_plus(param['name'])}={quote_plus(text)}"
                watch(f"{role} {param['name']}", "get", url, headers=headers)
            elif param["in"] == "path":
                watch(f"{role} {param['name']}", method, _url(path, {param["name"]: text}))
            elif param["in"] == "header" and isinstance(value, str) and "\x00" not in value:
                watch(
                    f"{role} {param['name']}",
                    method,
                    _url(path, {}),
                    headers={**headers, param["name"]: value.encode("utf-8", "replace").decode()},
                )
    if method not in ("post", "put", "patch"):
        return
    url = _url(path, {})
    for name in base:
        for value in values:
            body = json.dumps({**base, name: value}).encode()
            watch(f"{role} {name}", method, url, data=body, content_type="application/json")
    for raw in RAW_BODIES:
        watch(f"{role} raw", method, url, data=raw, content_type="application/json")


API_ROLES = ["anonymous", "candidate", "hr_officer", "ethics_commissioner", "commission_member"]


def test_no_api_operation_answers_500_or_changes_rows_when_it_refuses(client, world):
    watch = Watch(client)
    operations = list(_operations())
    assert len(operations) >= 10
    for r, role in enumerate(API_ROLES):
        _sign_in(client, world["people"][role])
        for o, (path, method, operation, components) in enumerate(operations):
            # Each role meets a rotating half of the values on each operation; together
            # the roles throw every value at every field.
            values = _rotation(JSON_VALUES, r + o, 7)
            _fuzz_operation(watch, role, path, method, operation, components, world, values)
        watch(
            "huge",
            "post",
            "/api/v1/ethics/reports/",
            data=json.dumps({"subject": HUGE}),
            content_type="application/json",
        )
    assert not watch.problems, "\n".join(watch.problems[:40])


# --- The hypothesis part: generated values for the API's fields -----------------------------

hostile_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(["\x00", "\ud800", "\udfff", "\ufeff", "'", '"', "\\", "%", "\n"]),
        st.characters(codec=None, categories=("Cs", "Cc", "Lu", "Nd", "No")),
    ),
    max_size=20,
)
hostile_json = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)


def test_generated_values_in_api_fields_never_answer_500(client, world):
    watch = Watch(client)
    operations = [
        op for op in _operations() if op[1] in ("post", "put", "patch") or op[2].get("parameters")
    ]
    _sign_in(client, world["people"]["anonymous"])

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(index=st.integers(min_value=0, max_value=len(operations) - 1), value=hostile_json)
    def throw(index, value):
        path, method, operation, components = operations[index]
        _fuzz_operation(watch, "anonymous", path, method, operation, components, world, [value])

    throw()
    assert not watch.problems, "\n".join(watch.problems[:40])
