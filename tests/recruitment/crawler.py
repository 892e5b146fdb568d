"""A crawler for the leak test: signed in as one person, it follows every same-site link
it can reach (GET only) and hands each response body to a check."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl, urldefrag, urljoin, urlparse

HREF = re.compile(r"""(?:href|action|src)\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)
# Links that change state or end the session are not followed.
SKIP = re.compile(
    r"(/logout|/accounts/logout|/i18n/|/admin/logout|/password_change|/static/|"
    r"/delete/|/reveal/|/disqualify/|/decide/|/setlang)"
)


# An admin changelist: its filters and sorting only narrow or reorder the rows of the
# unfiltered list, drawn by the same code; so one visit per set of query keys shows every
# way a row is drawn. The page number is kept, since another page holds other rows.
CHANGELIST = re.compile(r"^/admin/[^/]+/[^/]+/$")


def _identity(target: str):
    parsed = urlparse(target)
    if not parsed.query or not CHANGELIST.match(parsed.path):
        return target
    query = parse_qsl(parsed.query, keep_blank_values=True)
    return parsed.path, frozenset(key for key, _value in query), dict(query).get("p")


def crawl(
    client,
    seeds: Iterable[str],
    *,
    check: Callable[[str, bytes], None],
    limit: int = 800,
    allowed_prefixes: tuple[str, ...] = ("/",),
) -> list[str]:
    """Every page reachable from the seeds, each path before any query variant of a path
    already seen. Fails when the limit stops it with links left: a crawl that stops short
    proves nothing about the pages it did not reach."""
    seen: set = set()
    paths: set[str] = set()
    fresh = deque(seeds)  # links to paths not visited yet
    variants: deque[str] = deque()  # other query strings of visited paths
    visited: list[str] = []
    while fresh or variants:
        url = fresh.popleft() if fresh else variants.popleft()
        url, _fragment = urldefrag(url)
        identity = _identity(url)
        if identity in seen or SKIP.search(url) or not url.startswith(allowed_prefixes):
            continue
        if len(visited) >= limit:
            left = {}
            for link in (url, *fresh, *variants):
                link = urldefrag(link)[0]
                if _identity(link) not in seen and not SKIP.search(link):
                    left.setdefault(_identity(link), link)
            raise AssertionError(
                f"the crawl reached its limit of {limit} pages with {len(left)} links not "
                f"followed, for example {sorted(left.values())[:5]}"
            )
        seen.add(identity)
        paths.add(urlparse(url).path)
        response = client.get(url)
        visited.append(url)
        body = (
            response.content
            if not getattr(response, "streaming", False)
            else b"".join(response.streaming_content)
        )
        check(url, body)
        if response.status_code in (301, 302) and response.get("Location"):
            fresh.append(urljoin(url, response["Location"]))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in HREF.findall(body.decode("utf-8", "replace")):
            link = link.replace("&amp;", "&")
            absolute = urljoin(url, link)
            parsed = urlparse(absolute)
            if parsed.netloc not in ("", "testserver"):
                continue
            target = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if _identity(target) not in seen:
                (variants if parsed.path in paths else fresh).append(target)
    return visited
