"""The leak tests' crawler: every path before query variants, one visit per way an admin
changelist draws its rows, and a failure (not a silent stop) when its limit cuts it short."""

from __future__ import annotations

import pytest

from tests.recruitment.crawler import crawl


class _Response:
    def __init__(self, body: str):
        self.content = body.encode()
        self.status_code = 200
        self.streaming = False

    def get(self, name, default=None):
        return "text/html" if name == "Content-Type" else default


class _Site:
    """A changelist with filter and sort links, each leading to more of them, and one
    change page linked only from the far end of the filters."""

    def __init__(self):
        self.asked: list[str] = []

    def get(self, url):
        self.asked.append(url)
        links = [f"/admin/app/thing/?status={n}&o={m}" for n in range(30) for m in range(3)]
        links += ["/admin/app/thing/?p=1", "/admin/app/thing/?p=2", "/admin/app/thing/7/change/"]
        return _Response("".join(f'<a href="{link}">x</a>' for link in links))


def test_filters_and_sorting_of_a_changelist_are_visited_once_each_and_pages_each():
    site = _Site()
    visited = crawl(site, ["/admin/app/thing/"], check=lambda url, body: None)
    assert visited[:2] == ["/admin/app/thing/", "/admin/app/thing/7/change/"]
    assert sorted(visited[2:]) == [
        "/admin/app/thing/?p=1",
        "/admin/app/thing/?p=2",
        "/admin/app/thing/?status=0&o=0",
    ]


def test_other_pages_query_strings_are_each_visited():
    class Dashboard(_Site):
        def get(self, url):
            self.asked.append(url)
            return _Response("".join(f'<a href="/kk/cases/?status={n}">x</a>' for n in range(5)))

    visited = crawl(Dashboard(), ["/kk/cases/"], check=lambda url, body: None)
    assert len(visited) == 6


def test_a_crawl_cut_short_by_its_limit_fails_and_names_what_it_left():
    with pytest.raises(AssertionError, match="limit of 2 pages with 3 links not followed"):
        crawl(_Site(), ["/admin/app/thing/"], check=lambda url, body: None, limit=2)
