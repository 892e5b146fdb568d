"""A crawler for the leak test: signed in as one person, it follows every same-site link
it can reach (GET only) and hands each response body to a check."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urldefrag, urljoin, urlparse

HREF = re.compile(r"""(?:href|action|src)\s*=\s*["']([^"'#][^"']*)["']""", re.IGNORECASE)
# Links that change state or end the session are not followed.
SKIP = re.compile(
    r"(/logout|/accounts/logout|/i18n/|/admin/logout|/password_change|/static/|"
    r"/delete/|/reveal/|/disqualify/|/decide/|/setlang)"
)


def crawl(
    client,
    seeds: Iterable[str],
    *,
    check: Callable[[str, bytes], None],
    limit: int = 800,
    allowed_prefixes: tuple[str, ...] = ("/",),
) -> list[str]:
    seen: set[str] = set()
    queue = list(seeds)
    visited: list[str] = []
    while queue and len(visited) < limit:
        url = queue.pop(0)
        url, _fragment = urldefrag(url)
        if url in seen or SKIP.search(url) or not url.startswith(allowed_prefixes):
            continue
        seen.add(url)
        response = client.get(url)
        visited.append(url)
        body = (
            response.content
            if not getattr(response, "streaming", False)
            else b"".join(response.streaming_content)
        )
        check(url, body)
        if response.status_code in (301, 302) and response.get("Location"):
            queue.append(urljoin(url, response["Location"]))
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
            if target not in seen:
                queue.append(target)
    return visited
