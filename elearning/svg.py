"""Tiny server-side SVG charts for the trainer pages: horizontal bars, single or paired.

No JavaScript and no inline style (the CSP forbids both): colours come from the classes of
static/css/site.css (`bar-before`, `bar-after`) and from SVG presentation attributes. Each
chart is an `<svg role="img">` whose `<title>` says what it shows and whose `<desc>` lists
every figure; the pages also show the same figures in a table next to the chart.

Geometry is computed here in Python, never in templates: template localisation would write
"12,5" in an SVG attribute, which browsers reject.
"""
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 780  # room after a full bar for "100 % de réussite (12)"
LABEL_WIDTH = 230
BAR_WIDTH = 320
ROW = 28
BAR = 16
PAIRED_ROW = 44
LABEL_CHARS = 36
TRACK_FILL = "#eef1f4"


@dataclass
class Bar:
    """One row: `value` (and `value_2` for paired charts) between 0 and 1, as a fraction of
    the bar's full length; `text` is written after the bar."""

    label: str
    value: float | None
    text: str
    value_2: float | None = None
    text_2: str = ""


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _length(value: float | None) -> float:
    if value is None:
        return 0.0
    return round(BAR_WIDTH * min(1.0, max(0.0, float(value))), 1)


def _frame(chart_id: str, height: int, title: str, description: str, body: list[str]) -> SafeString:
    chart_id = escape(chart_id)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-titre {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" focusable="false">'
        f'<title id="{chart_id}-titre">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _label(y: float, label: str) -> str:
    full = escape(label)
    short = escape(_short(label))
    # The full label stays available as a tooltip when it had to be shortened.
    tooltip = f"<title>{full}</title>" if short != full else ""
    return f'<text x="0" y="{y}" dy="12">{tooltip}{short}</text>'


def _bar(y: float, value: float | None, text: str, css_class: str) -> str:
    length = _length(value)
    return (
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH}" height="{BAR}" fill="{TRACK_FILL}"></rect>'
        f'<rect class="{css_class}" x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}"></rect>'
        f'<text x="{LABEL_WIDTH + length + 6}" y="{y}" dy="12">{escape(text)}</text>'
    )


def bar_chart(bars: list[Bar], *, chart_id: str, title: str) -> SafeString:
    """Horizontal bars, one per row."""
    body = []
    for index, bar in enumerate(bars):
        y = index * ROW + 4
        body.append(_label(y, bar.label))
        body.append(_bar(y, bar.value, bar.text, "bar-after"))
    description = " ; ".join(f"{bar.label} : {bar.text}" for bar in bars) or "Aucune donnée."
    return _frame(chart_id, max(ROW, len(bars) * ROW + 4), title, description, body)


def paired_bar_chart(bars: list[Bar], *, chart_id: str, title: str,
                     legend: tuple[str, str] = ("Avant", "Après")) -> SafeString:
    """Two bars per row (grey: `value`, accent: `value_2`), with a legend above."""
    first, second = legend
    body = [
        f'<rect class="bar-before" x="{LABEL_WIDTH}" y="2" width="12" height="12"></rect>'
        f'<text x="{LABEL_WIDTH + 18}" y="2" dy="11">{escape(first)}</text>'
        f'<rect class="bar-after" x="{LABEL_WIDTH + 110}" y="2" width="12" height="12"></rect>'
        f'<text x="{LABEL_WIDTH + 128}" y="2" dy="11">{escape(second)}</text>'
    ]
    for index, bar in enumerate(bars):
        y = 24 + index * PAIRED_ROW
        body.append(_label(y + 10, bar.label))
        body.append(_bar(y, bar.value, bar.text, "bar-before"))
        body.append(_bar(y + BAR + 2, bar.value_2, bar.text_2, "bar-after"))
    description = " ; ".join(
        f"{bar.label} : {first.lower()} {bar.text}, {second.lower()} {bar.text_2}" for bar in bars
    ) or "Aucune donnée."
    return _frame(chart_id, 24 + max(1, len(bars)) * PAIRED_ROW, title, description, body)
