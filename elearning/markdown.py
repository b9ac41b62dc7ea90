"""The one Markdown renderer: every lesson, question and feedback text goes through
`render`, admin-entered content included, and comes out sanitised by nh3.

Callouts use the blockquote syntax:

    > [!chiffre] Chiffre clé
    > 6 000 à 10 000 …

and become <aside class="callout callout-chiffre">.
"""
import html as html_lib
import re
from functools import lru_cache

import markdown as md
import nh3
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from elearning import glossary

CALLOUTS = {
    "chiffre": "Chiffre clé",
    "savoir": "Bon à savoir",
    "retenir": "À retenir",
    "focus": "Focus",
    "maj": "Mise à jour",
}

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "ul", "ol", "li", "strong", "em", "b", "i",
    "a", "blockquote", "q", "cite", "code", "pre", "table", "thead", "tbody", "tr", "th",
    "td", "aside", "div", "span", "abbr", "sup", "sub", "dl", "dt", "dd",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"scope"},
    "td": set(),
    "aside": {"role", "aria-label"},
}
ALLOWED_CLASSES = {
    "aside": {"callout"} | {f"callout-{k}" for k in CALLOUTS},
    "p": {"callout-title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# A callout starts a line, or a list item ("- > [!savoir] …"), or is indented inside one.
_CALLOUT_START = re.compile(r"^(?P<prefix>\s*(?:(?:[-*+]|\d+[.)])\s+)?)>\s*\[!(?P<kind>[a-z]+)\]\s*(?P<title>.*)$")
_QUOTE_LINE = re.compile(r"^\s*>\s?")
_PLACEHOLDER = "CALLOUTPLACEHOLDER{}X"


def _convert(text: str) -> str:
    return md.markdown(
        text,
        extensions=["tables", "sane_lists", "smarty"],
        extension_configs={
            "smarty": {
                "smart_quotes": False,  # French quotes are typed « » by authors
                "smart_angled_quotes": False,
            }
        },
        output_format="html",
    )


def _extract_callouts(text: str) -> tuple[str, list[str]]:
    """Replace each callout block by a placeholder paragraph; return rendered blocks."""
    lines = text.splitlines()
    out: list[str] = []
    blocks: list[str] = []
    i = 0
    while i < len(lines):
        match = _CALLOUT_START.match(lines[i])
        if match and match.group("kind") in CALLOUTS:
            kind = match.group("kind")
            title = match.group("title").strip() or CALLOUTS[kind]
            prefix = match.group("prefix")
            body = []
            i += 1
            while i < len(lines) and _QUOTE_LINE.match(lines[i]):
                body.append(_QUOTE_LINE.sub("", lines[i], count=1))
                i += 1
            inner = _convert("\n".join(body))
            title_html = nh3.clean_text(title)
            blocks.append(
                f'<aside class="callout callout-{kind}" role="note" aria-label="{title_html}">'
                f'<p class="callout-title">{title_html}</p>{inner}</aside>'
            )
            placeholder = prefix + _PLACEHOLDER.format(len(blocks) - 1)
            # In a list item the placeholder stays on the item's line; elsewhere it is a
            # paragraph of its own (indented under an item when the callout was).
            out.extend([placeholder] if prefix.strip() else ["", placeholder, ""])
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out), blocks


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_TABLE = re.compile(r"<table>(?P<inner>.*?)</table>", re.S)
_HEADER_ROW = re.compile(r"<thead>.*?</thead>", re.S)


def _wrap_tables(safe_html: str) -> str:
    """Put each (already sanitised) table in a box that scrolls sideways on a phone, so the
    page itself never does (WCAG 1.4.10). The box is a labelled, focusable region: keyboard
    users can scroll it, screen readers announce it with the table's column headings.
    The wrapper is our own markup, added after nh3: authors cannot write these attributes."""

    def wrap(match):
        header = _HEADER_ROW.search(match.group("inner"))
        cells = re.findall(r"<th(?:\s[^>]*)?>(.*?)</th>", header.group(0), re.S) if header else []
        names = [html_lib.unescape(nh3.clean(cell, tags=set())).strip() for cell in cells]
        label = "Tableau" + (" : " + ", ".join(name for name in names if name) if any(names) else "")
        return (f'<div class="table-scroll" role="region" aria-label="{html_lib.escape(label)}" tabindex="0">'
                f"{match.group(0)}</div>")

    return _TABLE.sub(wrap, safe_html)


def render(text: str) -> SafeString:
    """Markdown → safe HTML. Raw HTML written by an author is sanitised, not trusted."""
    if not text:
        return mark_safe("")
    return _render(str(text))


# Lessons are read far more often than edited: keep the rendering of recent texts per process.
# The key is the text itself, so an edit can never be served stale.
@lru_cache(maxsize=512)
def _render(text: str) -> SafeString:
    source, blocks = _extract_callouts(text)
    html = _convert(source)
    for index, block in enumerate(blocks):
        placeholder = _PLACEHOLDER.format(index)
        html = html.replace(f"<p>{placeholder}</p>", block).replace(placeholder, block)
    return mark_safe(_wrap_tables(sanitise(html)))


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
# No glossary link inside a link, an abbreviation, code or a heading (a link in a heading
# would be read as the heading's whole purpose).
_NO_GLOSSARY_IN = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


def link_glossary(safe_html: str) -> str:
    """Link the first use of each glossary term in a (sanitised) text to its definition on
    /glossaire/, as `<a><abbr title="…">IP</abbr></a>`: done once here, at render time, so
    the fixtures stay plain Markdown and a new lesson is linked without anyone thinking of it.
    Only text between tags is touched; the added markup is ours, after nh3."""
    url = reverse("glossary")
    seen: set[str] = set()
    skip = 0
    parts = []
    for part in _TAG.split(safe_html):
        tag = _TAG_NAME.match(part) if part.startswith("<") else None
        if tag:
            if tag.group(2).lower() in _NO_GLOSSARY_IN and not part.endswith("/>"):
                skip += -1 if tag.group(1) else 1
            parts.append(part)
            continue
        if skip > 0 or not part:
            parts.append(part)
            continue

        def link(match):
            abbr = match.group(0)
            if abbr in seen:
                return abbr
            seen.add(abbr)
            term = glossary.BY_ABBR[abbr]
            return (f'<a class="glossary-term" href="{url}#{term.anchor}">'
                    f'<abbr title="{html_lib.escape(term.name)}">{abbr}</abbr></a>')

        parts.append(glossary.PATTERN.sub(link, part))
    return "".join(parts)


@lru_cache(maxsize=256)
def render_lesson(text: str) -> SafeString:
    """A lesson's body: `render`, then the first use of each glossary term linked."""
    return mark_safe(link_glossary(str(render(text))))


def render_inline(text: str) -> SafeString:
    """For one-line texts (options): no wrapping paragraph."""
    html = str(render(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)


# Raw HTML whose opening tag, left unclosed, hides the rest of the lesson (its content is
# dropped by the sanitiser, or read as raw text), or shows it as stray markup.
SWALLOWING_TAGS = ("math", "svg", "style", "script", "template", "textarea", "title", "xmp", "iframe",
                   "noembed", "noframes", "noscript", "plaintext", "select", "object")


def unclosed_html(text: str) -> list[str]:
    """The raw HTML that would swallow what follows it: each tag opened more often than it
    is closed, and a comment never closed. For the admin's warning."""
    lowered = str(text or "").lower()
    found = [
        f"<{tag}>" for tag in SWALLOWING_TAGS
        if len(re.findall(rf"<{tag}[\s/>]", lowered)) > len(re.findall(rf"</{tag}\s*>", lowered))
    ]
    if lowered.count("<!--") > lowered.count("-->"):
        found.append("<!--")
    return found


def plain_text(text: str) -> str:
    """The text a reader sees, for word counts and fact checks."""
    return nh3.clean(str(render(text)), tags=set())
