"""Server-drawn SVG charts of the report's shown numbers: bars and the hour × weekday heatmap.

Charts draw only what the tables show: a hidden count ("<5", "x") is a pale stub with its mark above it, never
a bar of its true height — a chart must not give away what the table hides. Presentation attributes only (no
style attributes or scripts: the console's Content-Security-Policy allows neither inline).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR, BAR_HIDDEN, INK, MUTED, GRID = "#1f5f8b", "#c9d3dc", "#1d2329", "#5c6670", "#d8dde2"
HEAT = ("#f4f7fa", "#d6e4f0", "#a9c8e0", "#6fa3c9", "#3b7cae", "#1f5f8b")  # zero … the month's largest
STUB = 0.06  # a hidden count's stub: this share of the chart's height, whatever the count


def _number(text: str) -> int | None:
    return int(text) if text.isdecimal() else None


def bars(title: str, items: Sequence[tuple[str, str]], *, width: int = 900, height: int = 180,
         every: int = 1) -> Markup:
    """Vertical bars, one per (label, shown value); `every`: label every n-th bar (days of a month)."""
    values = [_number(v) for _, v in items]
    top = max([v for v in values if v is not None] + [5])
    left, bottom, head = 36, 24, 18
    inner_h, step = height - bottom - head, (width - left) / max(1, len(items))
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for tick in (0, top // 2, top):
        y = head + inner_h * (1 - tick / top)
        parts.append(f'<line x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
                     f'fill="{MUTED}">{tick}</text>')
    for i, ((label, shown), value) in enumerate(zip(items, values, strict=True)):
        x = left + i * step + step * 0.15
        w = step * 0.7
        h = inner_h * (value / top if value is not None else STUB)
        y = head + inner_h - h
        fill = BAR if value is not None else BAR_HIDDEN
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
                     f'data-label="{escape(label)}" data-value="{escape(shown)}"><title>{escape(label)}: '
                     f'{escape(shown)}</title></rect>')
        if value is None or len(items) <= 16:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
                         f'fill="{INK}">{escape(shown)}</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" '
                         f'fill="{MUTED}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def hbars(title: str, items: Sequence[tuple[str, str]], *, width: int = 900, label_w: int = 300) -> Markup:
    """Horizontal bars, for labels too long to stand under a bar (topics, outcomes)."""
    values = [_number(v) for _, v in items]
    top = max([v for v in values if v is not None] + [5])
    row, inner_w = 26, width - label_w - 60
    height = row * len(items) + 8
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, ((label, shown), value) in enumerate(zip(items, values, strict=True)):
        y = 4 + i * row
        w = inner_w * (value / top if value is not None else STUB)
        fill = BAR if value is not None else BAR_HIDDEN
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" font-size="13" text-anchor="end" fill="{INK}">'
                     f'{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{fill}" '
                     f'data-label="{escape(label)}" data-value="{escape(shown)}"/>'
                     f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="12" fill="{INK}">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(title: str, rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence[str]], *,
            width: int = 900) -> Markup:
    """Weekday × hour: the darker, the more first messages; hidden counts pale with their mark."""
    left, head = 40, 20
    cell_w = (width - left) / max(1, len(columns))
    cell_h = 26
    top = max([n for row in cells for n in (_number(v) for v in row) if n is not None] + [1])
    height = head + cell_h * len(rows) + 4
    parts = [f'<svg class="chart heatmap" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for c, column in enumerate(columns):
        parts.append(f'<text x="{left + c * cell_w + cell_w / 2:.1f}" y="14" font-size="11" text-anchor="middle" '
                     f'fill="{MUTED}">{escape(column)}</text>')
    for r, (label, row) in enumerate(zip(rows, cells, strict=True)):
        y = head + r * cell_h
        parts.append(f'<text x="{left - 8}" y="{y + 17}" font-size="12" text-anchor="end" fill="{INK}">'
                     f'{escape(label)}</text>')
        for c, shown in enumerate(row):
            value = _number(shown)
            if value is None:
                fill = BAR_HIDDEN
            else:
                fill = HEAT[0] if value == 0 else HEAT[min(len(HEAT) - 1, 1 + (len(HEAT) - 2) * value // top)]
            x = left + c * cell_w
            parts.append(f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" height="{cell_h - 2}" '
                         f'fill="{fill}" data-value="{escape(shown)}"><title>{escape(label)} {escape(columns[c])}: '
                         f'{escape(shown)}</title></rect>')
            if shown != "0":
                ink = "#fff" if value is not None and value * 2 > top else INK
                parts.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + 17}" font-size="10" text-anchor="middle" '
                             f'fill="{ink}">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
