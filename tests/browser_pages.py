"""Helpers shared by the page-wide browser checks (tests/test_accessibility.py and
tests/test_phone_fit.py): the demo data, a signed-in browser context, and the pages of the
demo each role uses."""

from __future__ import annotations

import io
import re
import sqlite3
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.test import Client

DEMO_DOMAIN = "demo.eqyzmet.kz"
FOLLOW_CODE = "4821 7390 1645 2208"
RATING_CODE = "EQYZ-MET5-STAR"


_snapshot: sqlite3.Connection | None = None


@dataclass(frozen=True)
class _Copy:
    """A PostgreSQL database's rows (each table's COPY text) and its sequences' values."""

    tables: dict[str, bytes]
    sequences: list[tuple[str, int | None]]
    # Where the seed wrote its files (the copy's rows name them).
    media_root: str


_copy: _Copy | None = None


def seed_demo() -> None:
    """The demo data, as `make run` seeds it. The seed takes some fifteen seconds, so this
    worker's first seeded database is kept and put back for later tests (the flush after
    each browser test empties it) in a fraction of that: on SQLite (an in-memory test
    database) by SQLite's backup, on PostgreSQL by COPY of every table."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    global _snapshot, _copy
    # A shared cache (Redis) outlives the flush between tests: a candidate's cached
    # applications of an earlier test would name rows that no longer exist.
    cache.clear()
    if connection.vendor == "postgresql":
        if _copy is not None and _copy.media_root == str(settings.MEDIA_ROOT):
            _restore_postgresql(_copy)
        else:
            from eqyzmet.models import User

            # Only a seed into an empty database is the demo as `make run` seeds it.
            empty = not User.objects.exists()
            call_command("seed_demo", stdout=io.StringIO())
            if empty:
                _copy = _copy_postgresql()
    elif connection.is_in_memory_db():
        connection.ensure_connection()
        if _snapshot is None:
            call_command("seed_demo", stdout=io.StringIO())
            _snapshot = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(_snapshot)
        else:
            _snapshot.backup(connection.connection)
    else:
        call_command("seed_demo", stdout=io.StringIO())
        return
    # Throttles and cached reads of the previous test's data go; content types have the
    # ids of the copied database again.
    cache.clear()
    ContentType.objects.clear_cache()


def _tables(cursor) -> list[str]:
    from django.db import connection

    return [
        name for name in connection.introspection.table_names(cursor) if name != "django_migrations"
    ]


def _copy_postgresql() -> _Copy:
    from django.db import connection

    q = connection.ops.quote_name
    tables: dict[str, bytes] = {}
    with connection.cursor() as cursor:
        for name in _tables(cursor):
            buffer = io.BytesIO()
            cursor.copy_expert(f"COPY {q(name)} TO STDOUT", buffer)
            tables[name] = buffer.getvalue()
        cursor.execute(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value "
            "FROM pg_sequences WHERE schemaname = current_schema()"
        )
        sequences = cursor.fetchall()
    return _Copy(tables=tables, sequences=sequences, media_root=str(settings.MEDIA_ROOT))


def _restore_postgresql(copy: _Copy) -> None:
    """Every table emptied and given the copied rows, every sequence its copied value. One
    transaction: Django's foreign keys are checked at its end (deferred), so the tables may
    be filled in any order."""
    from django.db import connection, transaction

    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        names = _tables(cursor)
        assert sorted(names) == sorted(copy.tables), "the tables changed since the copy"
        # Checks a test's own writes left pending in its transaction are made first
        # (PostgreSQL will not empty a table with pending checks), then deferred again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(q(n) for n in names)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, rows in copy.tables.items():
            if rows:
                cursor.copy_expert(f"COPY {q(name)} FROM STDIN", io.BytesIO(rows))
        for sequence, value in copy.sequences:
            if value is None:
                cursor.execute("SELECT setval(%s, 1, false)", [sequence])
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [sequence, value])


def demo_user(local_part: str):
    from eqyzmet.models import User

    return User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}")


def new_context(browser, live_server, *, who: str | None = None, **options):
    """A fresh browser context, signed in as a demo account when `who` is given (a session
    cookie from Django's test client: no sign-in page, no second factor in tests).
    CSP is bypassed so a test may inject its own script (axe)."""
    context = browser.new_context(bypass_csp=True, **options)
    if who is not None:
        client = Client()
        client.force_login(demo_user(who))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def links(page, pattern: str) -> list[str]:
    """The distinct same-site paths on the page whose href matches `pattern`."""
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    out: list[str] = []
    for href in hrefs:
        if re.search(pattern, href) and href not in out:
            out.append(href)
    return out


def submit_main_form(page) -> None:
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("load")


def send_report(page, base: str, lang: str) -> None:
    """An anonymous ethics report, sent: the receipt page shows its code once."""
    page.goto(f"{base}/{lang}/ethics/report/")
    page.select_option("#id_category", index=1)
    page.select_option("#id_state_body", index=1)
    page.fill("#id_subject", "A question about a test")
    page.fill("#id_description", "The invigilator left the room during the written test.")
    submit_main_form(page)


def open_follow_case(page, base: str, lang: str) -> None:
    """The reporter's page of the demo ethics report, opened with its receipt code."""
    page.goto(f"{base}/{lang}/ethics/follow/")
    page.fill("#id_code", FOLLOW_CODE)
    submit_main_form(page)


def open_rating_form(page, base: str, lang: str) -> None:
    """The citizen's rating form for the demo code (not sent: the code stays usable)."""
    page.goto(f"{base}/{lang}/evaluation/rate/")
    page.fill("#id_code", RATING_CODE)
    submit_main_form(page)


def start_practice(page, base: str, lang: str) -> None:
    """A running practice paper (no account needed)."""
    page.goto(f"{base}/{lang}/tests/practice/")
    submit_main_form(page)
    page.wait_for_url(re.compile(r".*/tests/attempt/\d+/$"))


def hand_in(page) -> None:
    """Answer one question and hand the paper in (past the confirmation); the result."""
    page.locator(".tc-option input").first.check()
    page.evaluate("document.getElementById('tc-paper').submit()")
    page.wait_for_url(re.compile(r".*/result/$"))


def start_open_test(page, base: str, lang: str) -> None:
    """The demo candidate starts the legislation test of KZ-2026-MDAI-0002 (its window is
    open) and lands on the running paper."""
    page.goto(f"{base}/{lang}/tests/")
    page.locator("main tr", has_text="KZ-2026-MDAI-0002").locator("a").first.click()
    submit_main_form(page)
    page.wait_for_url(re.compile(r".*/tests/attempt/\d+/$"))
