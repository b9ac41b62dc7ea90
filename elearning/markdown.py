"""The one Markdown renderer: every lesson, question and feedback text goes through
`render`, admin-entered content included, and comes out sanitised by nh3.

Callouts use the blockquote syntax:

    > [!chiffre] Chiffre clé
    > 6 000 à 10 000 …

and become <aside class="callout callout-chiffre">.
"""
import re
from functools import lru_cache

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

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
    return mark_safe(sanitise(html))


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
