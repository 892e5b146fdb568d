"""Server-rendered SVG charts (no JavaScript): a score line over periods and a bar chart of
bands. Every text goes through ``format_html``, so nothing in the data can inject markup."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 20, 40


def _n(value: float) -> str:
    return f"{value:.1f}"


def _frame(title: str, parts: list[SafeString], caption: str) -> SafeString:
    svg = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html
    )
    return format_html(
        '<figure class="chart-figure"><figcaption>{}</figcaption>{}<p class="muted">{}</p>'
        "</figure>",
        title,
        svg,
        caption,
    )


def _grid(parts: list, peak: float, ticks) -> None:
    plot_h = HEIGHT - TOP - BOTTOM
    for tick in ticks:
        y = TOP + plot_h - plot_h * tick / peak
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>',
                LEFT,
                _n(y),
                WIDTH - RIGHT,
                _n(y),
                LEFT - 6,
                _n(y + 4),
                tick,
            )
        )


def score_line(
    *, points: list[tuple[str, Decimal]], title: str, empty: str, bands: dict | None = None
) -> SafeString:
    """Scores 0..100 over periods; optional dashed lines at the band thresholds."""
    parts: list[SafeString] = []
    if not points:
        return _frame(title, parts, empty)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    _grid(parts, 100, (0, 25, 50, 75, 100))
    for label, threshold in (bands or {}).items():
        y = TOP + plot_h - plot_h * float(threshold) / 100
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="threshold"/>'
                '<text x="{}" y="{}" class="tick threshold-label" text-anchor="end">{}</text>',
                LEFT,
                _n(y),
                WIDTH - RIGHT,
                _n(y),
                WIDTH - RIGHT - 4,
                _n(y - 3),
                label,
            )
        )
    step = plot_w / max(len(points), 1)
    coords = []
    for index, (label, value) in enumerate(points):
        x = LEFT + step * index + step / 2
        y = TOP + plot_h - plot_h * float(value) / 100
        coords.append((x, y))
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" class="point"><title>{}: {}</title></circle>'
                '<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>'
                '<text x="{}" y="{}" class="value" text-anchor="middle">{}</text>',
                _n(x),
                _n(y),
                label,
                value,
                _n(x),
                HEIGHT - BOTTOM + 16,
                label,
                _n(x),
                _n(y - 8),
                value,
            )
        )
    if len(coords) > 1:
        parts.insert(
            0,
            format_html(
                '<polyline class="line" points="{}"/>',
                " ".join(f"{_n(x)},{_n(y)}" for x, y in coords),
            ),
        )
    return _frame(title, parts, "")


def bars(
    *,
    rows: list[tuple[str, int | None]],
    title: str,
    empty: str,
    withheld: str = "",
) -> SafeString:
    """Counts per category (e.g. rating bands). A count of None is withheld (too few people
    behind it): never drawn, only named in the legend with ``withheld`` in its place."""
    hidden = [(label, withheld) for label, n in rows if n is None]
    rows = [(label, n) for label, n in rows if n is not None]
    parts: list[SafeString] = []
    if not any(n for _label, n in rows):
        if not hidden:
            return _frame(title, parts, empty)
        legend = format_html_join("", "<li>{}: {}</li>", [*rows, *hidden])
        return format_html('{}<ul class="legend">{}</ul>', _frame(title, parts, ""), legend)
    peak = max(n for _label, n in rows)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    _grid(parts, peak, sorted({0, peak // 2, peak}))
    slot = plot_w / len(rows)
    width = slot * 0.6
    for index, (label, n) in enumerate(rows):
        x = LEFT + slot * index + (slot - width) / 2
        h = plot_h * n / peak
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar bar-{}">'
                "<title>{}: {}</title></rect>"
                '<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>',
                _n(x),
                _n(TOP + plot_h - h),
                _n(width),
                _n(h),
                index,
                label,
                n,
                _n(x + width / 2),
                HEIGHT - BOTTOM + 16,
                label,
            )
        )
    legend = format_html_join("", "<li>{}: {}</li>", [*rows, *hidden])
    return format_html('{}<ul class="legend">{}</ul>', _frame(title, parts, ""), legend)
