from decimal import ROUND_HALF_UP, Decimal

from django import template

from elearning import markdown

register = template.Library()


@register.filter
def md(text):
    return markdown.render(text)


@register.filter
def md_inline(text):
    return markdown.render_inline(text)


@register.filter
def percent(value):
    """0.734 → "73 %" (French typography, narrow no-break space)."""
    if value is None or value == "":
        return "—"
    return f"{round(float(value) * 100)}\u202f%"


@register.filter
def decimal_fr(value, places=1):
    """A number with a decimal comma, rounded half up as people expect: 2.25 → "2,3"
    (Python's round and format round half to even on the binary value: "2,2"). The one
    formatter for decimal figures shown to people."""
    if value is None or value == "":
        return "—"
    quantum = Decimal(1).scaleb(-int(places))
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded}".replace(".", ",").replace("-", "−")


@register.filter
def points(gain):
    """A score gain in percentage points: 0.25 → "+25 points", −0.05 → "−5 points"."""
    if gain is None or gain == "":
        return "—"
    n = round(float(gain) * 100)
    return f"{'+' if n > 0 else '−' if n < 0 else ''}{abs(n)} point{'s' if abs(n) > 1 else ''}"


@register.filter
def duration(minutes):
    """A time estimate in hours and minutes: 155 → "2 h 35 min", 45 → "45 min", 180 → "3 h"."""
    if minutes is None or minutes == "":
        return "—"
    hours, rest = divmod(max(0, int(minutes)), 60)
    if not hours:
        return f"{rest}\u00a0min"
    return f"{hours}\u00a0h\u00a0{rest:02d}\u00a0min" if rest else f"{hours}\u00a0h"


@register.filter
def pluriel(count, suffixes="s"):
    """French plural: singular for 0 and 1 (« 0 leçon lue », « 2 leçons lues »), unlike
    Django's `pluralize`. `suffixes` is "plural" or "singular,plural"."""
    singular, _, plural = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    try:
        many = abs(int(len(count) if hasattr(count, "__len__") else count)) >= 2
    except (TypeError, ValueError):
        return singular
    return plural if many else singular
