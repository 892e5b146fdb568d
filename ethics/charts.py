"""Server-rendered SVG charts: stacked monthly bars, no JavaScript.

Every label goes through ``format_html`` so nothing in the data can inject markup.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = (
    "#00728a",
    "#d97706",
    "#7c3aed",
    "#b42318",
    "#1a7f37",
    "#0f766e",
    "#6b7280",
    "#be185d",
    "#4338ca",
    "#92400e",
)


def _n(value: float) -> str:
    return f"{value:.1f}"


def last_months(count: int = 12) -> list[dt.date]:
    today = timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def _month_of(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return dt.date(value.year, value.month, 1)
    return dt.date(value.year, value.month, 1)


def stacked_bars(
    *, rows: list[dict], key: str, labels: dict[str, str], title: str, months: int = 12
) -> SafeString:
    """rows: [{"month": date, key: value, "n": count}], labels: value → readable label."""
    columns = last_months(months)
    series = [value for value in labels if any(r[key] == value for r in rows)]
    table: dict[tuple[dt.date, str], int] = {}
    for row in rows:
        month = _month_of(row["month"])
        table[(month, row[key])] = table.get((month, row[key]), 0) + row["n"]
    totals = [sum(table.get((m, s), 0) for s in series) for m in columns]
    peak = max([*totals, 1])

    width, height = 720, 300
    left, right, top, bottom = 40, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(columns)
    bar_w = slot * 0.65
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}

    parts: list[SafeString] = []
    for tick in sorted({0, peak // 2, peak}):
        y = top + plot_h - plot_h * tick / peak
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
                '<text x="{}" y="{}" class="tick" text-anchor="end">{}</text>',
                left,
                _n(y),
                width - right,
                _n(y),
                left - 6,
                _n(y + 4),
                tick,
            )
        )
    for index, month in enumerate(columns):
        x = left + index * slot + (slot - bar_w) / 2
        y_cursor = top + plot_h
        for s in series:
            n = table.get((month, s), 0)
            if not n:
                continue
            h = plot_h * n / peak
            y_cursor -= h
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}">'
                    "<title>{} · {}: {}</title></rect>",
                    _n(x),
                    _n(y_cursor),
                    _n(bar_w),
                    _n(h),
                    colours[s],
                    month.strftime("%Y-%m"),
                    labels[s],
                    n,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="tick" text-anchor="middle">{}</text>',
                _n(x + bar_w / 2),
                height - bottom + 16,
                month.strftime("%m.%y"),
            )
        )
    legend = format_html_join(
        "",
        '<li><svg class="swatch" viewBox="0 0 12 12" aria-hidden="true">'
        '<rect width="12" height="12" fill="{}"/></svg>{}</li>',
        ((colours[s], labels[s]) for s in series),
    )
    svg = format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        width,
        height,
        title,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built by format_html
    )
    return format_html(
        '<figure class="chart-figure"><figcaption>{}</figcaption>{}<ul class="legend">{}</ul>'
        "</figure>",
        title,
        svg,
        legend,
    )
