"""Charts of the HTML audit report as inline SVG, drawn here (no chart library, no script).

Every function returns one `<svg>` element as text, sized by a viewBox (it scales to the page
width) with a <title> for screen readers and tooltips. Labels come from reports (agency names)
and are escaped; a label too long for its column is shortened with “…” and shown whole in the
tooltip. Values that are None or not numbers are drawn as no bar (and “—”).
"""

from __future__ import annotations

import math
import re
import unicodedata
from html import escape

# An office palette: distinguishable in colour and, roughly, in grey on a laser printer.
BLUE = "#2f5d8a"
RED = "#b03a2e"
SERIES = ["#2f5d8a", "#6f9fcb", "#c9a227", "#b03a2e", "#7a5195", "#3f8f5b", "#8a8f98", "#d07c3a"]

_FONT = 12  # px of the chart text, in viewBox units
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def esc(value) -> str:
    """`value` as HTML/SVG text: markup escaped, characters XML forbids shown as \\uXXXX."""
    text = "" if value is None else str(value)
    if _BAD.search(text) is not None:
        text = _BAD.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return escape(text, quote=True)


def number(value) -> float | None:
    """`value` as a finite float, or None (None, bools, strings, NaN and infinities are not
    numbers here: they come from untrusted reports)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def text_width(text: str, size: float = _FONT) -> float:
    """Approximate width of `text` at `size` px: CJK and full-width characters take one em."""
    w = 0.0
    for ch in text:
        w += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.58
    return w * size


def shorten(text: str, width: float, size: float = _FONT) -> str:
    """`text` cut (with “…”) to fit `width` px."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def fmt(value: float | None, unit: str = "") -> str:
    """A chart value as text: a share (unit %) as a percentage of 1, counts as integers."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value * 100:.0f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _axis(vmax: float, unit: str = "", count: int = 5) -> tuple[float, list[float]]:
    """(axis end, tick values) for values up to `vmax`: at most `count` steps of 1, 2, 2.5 or
    5 × 10^n (whole numbers for counts; quarters of 100 % for shares up to 100 %)."""
    if unit == "%" and vmax <= 1.0:
        return 1.0, [0.0, 0.25, 0.5, 0.75, 1.0]
    if vmax <= 0:
        return 1.0, [0.0, 1.0]
    raw = vmax / count
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= raw)
    if unit != "%":
        step = float(max(1, math.ceil(step)))
    n = math.ceil(vmax / step - 1e-9)
    return n * step, [i * step for i in range(n + 1)]


def _svg_open(width: float, height: float, title: str, cls: str) -> str:
    return (
        f'<svg class="chart {cls}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{esc(title)}" '
        f'preserveAspectRatio="xMinYMin meet"><title>{esc(title)}</title>'
    )


def _link(label_svg: str, href: str | None) -> str:
    return f'<a href="{esc(href)}">{label_svg}</a>' if href else label_svg


def _grid(ticks, plot_x: float, scale: float, top: float, base: float, unit: str = "") -> list[str]:
    """The vertical grid lines of a horizontal bar chart and their tick labels."""
    out = []
    for t in ticks:
        x = plot_x + t * scale
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{base}"/>')
        out.append(f'<text class="tick" x="{x:.1f}" y="{base + 14}" text-anchor="middle">{esc(fmt(t, unit))}</text>')
    return out


def _row_label(label: str, href, label_width: int, y: float) -> str:
    """A bar's label, right-aligned before the plot, shortened (the whole in its tooltip)."""
    short = shorten(label, label_width - 4)
    return _link(f'<text class="label" x="{label_width}" y="{y}" text-anchor="end"><title>{esc(label)}</title>{esc(short)}</text>', href)


def hbar(
    items: list[tuple],
    title: str,
    *,
    unit: str = "",
    threshold: float | None = None,
    threshold_label: str = "",
    color: str = BLUE,
    over_color: str = RED,
    width: int = 900,
    label_width: int = 200,
) -> str:
    """Horizontal bars, one per (label, value[, href]); bars at or over `threshold` in
    `over_color`, with the threshold as a dashed line across (a share when unit is %)."""
    rows = [(str(it[0]), number(it[1]), it[2] if len(it) > 2 else None) for it in items]
    bar_h, gap, bottom = 18, 6, 28
    top = 24 if threshold is not None and threshold_label else 8
    height = top + len(rows) * (bar_h + gap) + bottom
    plot_x, plot_w = label_width + 8, width - label_width - 8 - 56
    values = [v for _, v, _ in rows if v is not None]
    vmax = max(values + ([threshold] if threshold is not None else []) + [0.0])
    axis_top, ticks = _axis(vmax, unit)
    scale = plot_w / axis_top
    out = [_svg_open(width, height, title, "hbar")]
    base = top + len(rows) * (bar_h + gap)
    out.extend(_grid(ticks, plot_x, scale, top, base, unit))
    for i, (label, v, href) in enumerate(rows):
        y = top + i * (bar_h + gap)
        out.append(_row_label(label, href, label_width, y + bar_h - 5))
        if v is None:
            out.append(f'<text class="value" x="{plot_x + 4}" y="{y + bar_h - 5}">—</text>')
            continue
        w = max(0.0, v) * scale
        fill = over_color if threshold is not None and v >= threshold else color
        out.append(
            f'<rect x="{plot_x}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}">'
            f"<title>{esc(label)}：{esc(fmt(v, unit))}</title></rect>"
        )
        out.append(f'<text class="value" x="{plot_x + w + 4:.1f}" y="{y + bar_h - 5}">{esc(fmt(v, unit))}</text>')
    if threshold is not None:
        x = plot_x + threshold * scale
        out.append(
            f'<line class="threshold" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{base}" '
            f'stroke="{over_color}" stroke-dasharray="5 3" stroke-width="1.5"/>'
        )
        if threshold_label:
            out.append(
                f'<text class="threshold-label" x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="{over_color}">{esc(threshold_label)}</text>'
            )
    out.append(f'<line class="axis" x1="{plot_x}" y1="{top - 4}" x2="{plot_x}" y2="{base}"/>')
    out.append("</svg>")
    return "".join(out)


def stacked_hbar(
    rows: list[tuple],
    series: list[str],
    title: str,
    *,
    colors: list[str] = SERIES,
    width: int = 900,
    label_width: int = 200,
) -> str:
    """Horizontal stacked bars: one per (label, [value per series][, href]), with a legend."""
    bar_h, gap = 18, 6
    legend_rows = _legend_layout(series, width)
    top = 8 + len(legend_rows) * 18 + 6
    bottom = 28
    height = top + len(rows) * (bar_h + gap) + bottom
    plot_x, plot_w = label_width + 8, width - label_width - 8 - 56
    clean = [
        (str(r[0]), [max(0.0, number(v) or 0.0) for v in r[1]], r[2] if len(r) > 2 else None) for r in rows
    ]
    vmax = max([sum(vs) for _, vs, _ in clean] + [0.0])
    axis_top, ticks = _axis(vmax)
    scale = plot_w / axis_top
    out = [_svg_open(width, height, title, "stacked")]
    out.append(_legend(series, colors, legend_rows, 8))
    base = top + len(rows) * (bar_h + gap)
    out.extend(_grid(ticks, plot_x, scale, top, base))
    for i, (label, vs, href) in enumerate(clean):
        y = top + i * (bar_h + gap)
        out.append(_row_label(label, href, label_width, y + bar_h - 5))
        x = float(plot_x)
        for j, v in enumerate(vs):
            if v <= 0:
                continue
            w = v * scale
            name = series[j] if j < len(series) else ""
            out.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colors[j % len(colors)]}">'
                f"<title>{esc(label)} · {esc(name)}：{esc(fmt(v))}</title></rect>"
            )
            x += w
        out.append(f'<text class="value" x="{x + 4:.1f}" y="{y + bar_h - 5}">{esc(fmt(sum(vs)))}</text>')
    out.append(f'<line class="axis" x1="{plot_x}" y1="{top - 4}" x2="{plot_x}" y2="{base}"/>')
    out.append("</svg>")
    return "".join(out)


def _legend_layout(names: list[str], width: int) -> list[list[int]]:
    """Indexes of the legend entries per line, wrapped to `width`."""
    lines: list[list[int]] = [[]]
    x = 0.0
    for i, name in enumerate(names):
        w = 16 + text_width(name) + 14
        if lines[-1] and x + w > width - 8:
            lines.append([])
            x = 0.0
        lines[-1].append(i)
        x += w
    return lines if lines[0] else []


def _legend(names: list[str], colors: list[str], layout: list[list[int]], y0: float) -> str:
    out = ['<g class="legend">']
    for line_no, idxs in enumerate(layout):
        x = 8.0
        y = y0 + line_no * 18
        for i in idxs:
            c = colors[i % len(colors)]
            out.append(f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{c}"/>')
            out.append(f'<text x="{x + 16:.1f}" y="{y + 10}">{esc(names[i])}</text>')
            x += 16 + text_width(names[i]) + 14
    out.append("</g>")
    return "".join(out)


def line_chart(
    series: list[tuple],
    title: str,
    *,
    unit: str = "",
    colors: list[str] = SERIES,
    width: int = 900,
    height: int = 280,
    legend: bool = True,
) -> str:
    """Lines over years: `series` is [(name, [(year, value), ...]), ...]; a point whose value
    is None breaks its line. The x axis holds every year any series has."""
    clean = []
    for name, points in series:
        pts = []
        for x, y in points:
            xv = number(x)
            if xv is not None:
                pts.append((int(xv), number(y)))
        pts.sort(key=lambda p: p[0])
        clean.append((str(name), pts))
    years = sorted({x for _, pts in clean for x, _ in pts})
    names = [n for n, _ in clean]
    layout = _legend_layout(names, width) if legend else []
    top = 10 + len(layout) * 18 + (6 if layout else 0)
    left, right, bottom, pad = 52, 20, 26, 28  # pad: the first and last year off the axes
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [y for _, pts in clean for _, y in pts if y is not None]
    vmax = max(values + [0.0])
    axis_top, ticks = _axis(vmax, unit)
    out = [_svg_open(width, height, title, "line")]
    if layout:
        out.append(_legend(names, colors, layout, 8))

    def px(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + pad + (year - years[0]) / (years[-1] - years[0]) * (plot_w - 2 * pad)

    def py(v: float) -> float:
        return top + plot_h - v / axis_top * plot_h

    for t in ticks:
        y = py(t)
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{esc(fmt(t, unit))}</text>')
    # every year of the span is marked (a year no series has is a gap, not skipped)
    shown_years = list(range(years[0], years[-1] + 1)) if years and years[-1] - years[0] <= 20 else years
    for yr in shown_years:
        out.append(f'<text class="tick" x="{px(yr):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{yr}年</text>')
    out.append(f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>')
    for i, (name, pts) in enumerate(clean):
        c = colors[i % len(colors)]
        runs: list[list[tuple[int, float]]] = [[]]
        for x, y in pts:
            if y is None:
                runs.append([])
            else:
                runs[-1].append((x, y))
        for run in runs:
            if len(run) > 1:
                d = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in run)
                out.append(f'<polyline fill="none" stroke="{c}" stroke-width="2" points="{d}"/>')
        for x, y in pts:
            if y is None:
                continue
            out.append(
                f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.2" fill="{c}">'
                f"<title>{esc(name)} {x}年：{esc(fmt(y, unit))}</title></circle>"
            )
            if len(clean) == 1:
                out.append(f'<text class="value" x="{px(x):.1f}" y="{py(y) - 7:.1f}" text-anchor="middle">{esc(fmt(y, unit))}</text>')
    out.append("</svg>")
    return "".join(out)


def histogram(
    values: list,
    title: str,
    *,
    bins: int = 10,
    threshold: float | None = None,
    threshold_label: str = "",
    color: str = BLUE,
    over_color: str = RED,
    width: int = 900,
    height: int = 220,
) -> str:
    """How many of `values` (shares from 0 to 1) fall in each of `bins` equal ranges, as
    columns; the ranges at or over `threshold` in `over_color`, the threshold as a dashed line."""
    counts = [0] * bins
    for v in values:
        x = number(v)
        if x is None:
            continue
        counts[min(bins - 1, max(0, int(x * bins)))] += 1
    top_pad = 24 if threshold is not None and threshold_label else 10
    left, right, bottom = 52, 20, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    axis_top, ticks = _axis(max(counts + [0]))
    col_w = plot_w / bins
    out = [_svg_open(width, height, title, "histogram")]
    for t in ticks:
        y = top_pad + plot_h - t / axis_top * plot_h
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{esc(fmt(t))}</text>')
    for i, n in enumerate(counts):
        lo, hi = i / bins, (i + 1) / bins
        x = left + i * col_w
        h = n / axis_top * plot_h
        fill = over_color if threshold is not None and lo >= threshold - 1e-9 else color
        label = f"{lo * 100:.0f}%–{hi * 100:.0f}%"
        out.append(
            f'<rect x="{x + 2:.1f}" y="{top_pad + plot_h - h:.1f}" width="{col_w - 4:.1f}" height="{h:.1f}" fill="{fill}">'
            f"<title>{esc(label)}：{n}</title></rect>"
        )
        if n:
            out.append(f'<text class="value" x="{x + col_w / 2:.1f}" y="{top_pad + plot_h - h - 4:.1f}" text-anchor="middle">{n}</text>')
        out.append(f'<text class="tick" x="{x:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle">{lo * 100:.0f}%</text>')
    out.append(f'<text class="tick" x="{left + plot_w:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle">100%</text>')
    out.append(f'<line class="axis" x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" y2="{top_pad + plot_h}"/>')
    if threshold is not None:
        x = left + threshold * plot_w
        out.append(
            f'<line class="threshold" x1="{x:.1f}" y1="{top_pad - 6}" x2="{x:.1f}" y2="{top_pad + plot_h}" '
            f'stroke="{over_color}" stroke-dasharray="5 3" stroke-width="1.5"/>'
        )
        if threshold_label:
            out.append(f'<text class="threshold-label" x="{x:.1f}" y="{top_pad - 10}" text-anchor="middle" fill="{over_color}">{esc(threshold_label)}</text>')
    out.append("</svg>")
    return "".join(out)
