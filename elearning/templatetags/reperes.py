from django import template

from elearning import markdown

register = template.Library()


@register.filter
def md(text):
    return markdown.render(text)


@register.filter
def lesson_md(text):
    """A lesson's body, with the first use of each glossary term linked to /glossaire/."""
    return markdown.render_lesson(text)


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
def points(gain):
    """A score gain in percentage points: 0.25 → "+25 points", −0.05 → "−5 points"."""
    if gain is None or gain == "":
        return "—"
    n = round(float(gain) * 100)
    return f"{'+' if n > 0 else '−' if n < 0 else ''}{abs(n)} point{'s' if abs(n) > 1 else ''}"
