"""Small charts drawn on the server as inline SVG: no script, nothing for the CSP to allow,
readable without JavaScript. Colours come from parvis.css (`.parvis-chart-*` classes).

Each chart is an `<svg role="img">` named by its `<title>`; every mark carries its own
`<title>` (a tooltip), and the pages print the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 900, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 24  # room for the axis labels


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _scale_max(values: Sequence[float]) -> float:
    top = max(values, default=0)
    return top if top > 0 else 1


def _frame(chart_id: str, title: str, body: list[str], top: float, labels: Sequence[str]) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="parvis-chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title"'
        ' preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<line class="parvis-chart-axis" x1="{LEFT}" y1="{TOP + plot_h}"'
        f' x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"/>',
        f'<line class="parvis-chart-grid" x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}"/>',
        f'<text class="parvis-chart-label" x="{LEFT - 6}" y="{TOP + 4}"'
        f' text-anchor="end">{escape(_fmt(top))}</text>',
        f'<text class="parvis-chart-label" x="{LEFT - 6}" y="{TOP + plot_h + 4}"'
        ' text-anchor="end">0</text>',
        *body,
    ]
    if labels:
        y = HEIGHT - 6
        parts.append(
            f'<text class="parvis-chart-label" x="{LEFT}" y="{y}">{escape(labels[0])}</text>'
        )
        if len(labels) > 1:
            parts.append(
                f'<text class="parvis-chart-label" x="{WIDTH - RIGHT}" y="{y}"'
                f' text-anchor="end">{escape(labels[-1])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float]) -> Markup:
    """A vertical bar per label (a day), scaled to the largest value."""
    top = _scale_max(values)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values), 1)
    gap = min(2.0, step / 4)
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top
        x, y = LEFT + i * step + gap / 2, TOP + plot_h - h
        body.append(
            f'<rect class="parvis-chart-bar" x="{x:.1f}" y="{y:.1f}" width="{step - gap:.1f}"'
            f' height="{h:.1f}"><title>{escape(label)} : {escape(_fmt(value))}</title></rect>'
        )
    return _frame(chart_id, title, body, top, labels)


def line(chart_id: str, title: str, labels: Sequence[str], values: Sequence[float]) -> Markup:
    """A line through one point per label, for a level (the queue) rather than a count."""
    top = _scale_max(values)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(values) - 1, 1)
    points = [(LEFT + i * step, TOP + plot_h - plot_h * v / top) for i, v in enumerate(values)]
    body = []
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline class="parvis-chart-line" points="{path}"/>')
    for (x, y), label, value in zip(points, labels, values, strict=True):
        body.append(
            f'<circle class="parvis-chart-point" cx="{x:.1f}" cy="{y:.1f}" r="3">'
            f"<title>{escape(label)} : {escape(_fmt(value))}</title></circle>"
        )
    return _frame(chart_id, title, body, top, labels)


def stacked(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    series: Sequence[tuple[str, str]],
) -> Markup:
    """A horizontal bar per row, split in segments; `series` is (css suffix, legend) pairs
    and each row gives (legend, value) in the same order."""
    label_w, bar_h, gap = 150, 22, 8
    height = TOP + len(rows) * (bar_h + gap) + 24
    top = _scale_max([sum(v for _, v in segments) for _, segments in rows])
    plot_w = WIDTH - label_w - RIGHT - 40
    parts = [
        f'<svg class="parvis-chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{escape(chart_id)}-title"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for i, (label, segments) in enumerate(rows):
        y = TOP + i * (bar_h + gap)
        parts.append(
            f'<text class="parvis-chart-label" x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}"'
            f' text-anchor="end">{escape(label)}</text>'
        )
        x = float(label_w)
        for (suffix, _legend), (name, value) in zip(series, segments, strict=True):
            w = plot_w * value / top
            parts.append(
                f'<rect class="parvis-chart-{escape(suffix)}" x="{x:.1f}" y="{y}"'
                f' width="{w:.1f}" height="{bar_h}">'
                f"<title>{escape(label)}, {escape(name)} : {escape(_fmt(value))}</title></rect>"
            )
            x += w
        total = sum(v for _, v in segments)
        parts.append(
            f'<text class="parvis-chart-label" x="{x + 6:.1f}" y="{y + bar_h * 0.7:.1f}">'
            f"{escape(_fmt(total))}</text>"
        )
    x, y = float(label_w), height - 8
    for suffix, legend in series:
        parts.append(
            f'<rect class="parvis-chart-{escape(suffix)}" x="{x:.1f}" y="{y - 10}"'
            ' width="10" height="10"/>'
            f'<text class="parvis-chart-label" x="{x + 14:.1f}" y="{y}">{escape(legend)}</text>'
        )
        x += 14 + 8 * len(legend) + 16
    parts.append("</svg>")
    return Markup("".join(parts))
