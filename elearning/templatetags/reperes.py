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
def points(value):
    """A gain between two scores: 0.5 → "+50 points"."""
    if value is None or value == "":
        return "—"
    n = round(float(value) * 100)
    return f"{'+' if n > 0 else ''}{n} point{'s' if abs(n) > 1 else ''}"
