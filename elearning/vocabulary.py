"""The guide's vocabulary check: blaming or misleading words, and the wording to use instead.

The guide asks professionals never to describe a young person with words that make her
responsible for the violence she suffers ("prostituée", "se prostitue", "avoue"…) or that
hide it ("loverboy", "michetonnage"…). The course quotes those words on purpose, to teach
them, so a word inside a quotation is never flagged:

- text between « » or “ ” (nested quotes included; a quote left open stops at the end of
  its paragraph, so one missing » never hides the rest of a lesson);
- a Markdown blockquote (lines starting with ">"), except the course's callouts
  ("> [!savoir] …"), which are the course's own voice and are checked.

`find_blaming_wording` is run by the admin on save (a warning, never a block) and by a test
over every fixture file.
"""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    word: str
    suggestion: str
    excerpt: str


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    suggestion: str
    # A match preceded by this (e.g. the legal phrase "personnes prostituées", about adults)
    # is not a finding.
    allowed_after: re.Pattern | None = None


def _rule(pattern, suggestion, allowed_after=None):
    return Rule(
        re.compile(pattern, re.IGNORECASE),
        suggestion,
        re.compile(allowed_after + r"$", re.IGNORECASE) if allowed_after else None,
    )


_VERB_ENDINGS = r"(?:e|es|ent|er|ait|aient|ais|ant|a|era|erait|eraient|é|ée|és|ées)"

# Order matters: an earlier rule's match hides later matches on the same words
# ("s'est prostituée" is one finding, not two).
RULES = [
    _rule(
        r"\b(?:(?:se|me|te|nous|vous)\s+|[smt]['’]\s*(?:est\s+|était\s+|étaient\s+|sont\s+)?)"
        r"prostitu" + _VERB_ENDINGS + r"\b",
        "être victime de prostitution (ou : être en situation de prostitution)",
    ),
    _rule(
        r"\bprostitu(?:é|ée|és|ées)\b",
        "mineure victime de prostitution",
        allowed_after=r"\bpersonnes?\s+",
    ),
    _rule(r"\bavou" + _VERB_ENDINGS + r"\b", "confier (ou : révéler)"),
    _rule(r"\bmichetonneuses?\b", "mineure victime de prostitution"),
    _rule(r"\bmichetonn\w*|\bmichtos?\b", "prostitution (le mot masque la violence subie)"),
    _rule(r"\blover[\s-]?boys?\b", "proxénète"),
    _rule(r"\bconsentant(?:e|es|s)?\b", "victime (le consentement d'une mineure n'est pas en cause)"),
    _rule(r"\bescort(?:ing|s)?\b", "prostitution"),
    _rule(r"\bsuspicions?\s+de\s+prostitution\b", "craintes d'une situation prostitutionnelle"),
]

_OPENING = {"«": "»", "“": "”"}
_CALLOUT = re.compile(r"^\s*>\s*\[!\w+\]")
_BLOCKQUOTE = re.compile(r"^\s*>")
_BLANK_LINE = re.compile(r"[ \t]*\r?(?:\n|$)")
EXCERPT_CHARS = 40


def _quoted_mask(text: str) -> list[bool]:
    """For each character of `text`: is it inside a quotation?"""
    mask = [False] * len(text)
    # Blockquotes, except callouts: a block's first line says which it is.
    position = 0
    in_quotation = False
    previous_was_blockquote = False
    for line in text.splitlines(keepends=True):
        is_blockquote = bool(_BLOCKQUOTE.match(line))
        if is_blockquote and not previous_was_blockquote:
            in_quotation = not _CALLOUT.match(line)
        if is_blockquote and in_quotation:
            mask[position:position + len(line)] = [True] * len(line)
        previous_was_blockquote = is_blockquote
        position += len(line)
    # « … » and “ … ”, nested, closed at the latest by a blank line.
    stack: list[str] = []
    for index, char in enumerate(text):
        if char in _OPENING:
            stack.append(_OPENING[char])
            mask[index] = True
        elif stack and char == stack[-1]:
            stack.pop()
            mask[index] = True
        elif stack and char == "\n" and _BLANK_LINE.match(text, index + 1):
            stack.clear()
        elif stack:
            mask[index] = True
    return mask


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - EXCERPT_CHARS)
    right = min(len(text), end + EXCERPT_CHARS)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def find_blaming_wording(text: str) -> list[Finding]:
    """Blaming or misleading words used outside quotations, in the order they appear."""
    if not text:
        return []
    mask = _quoted_mask(text)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, Finding]] = []
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if any(mask[start:end]):
                continue
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            if rule.allowed_after and rule.allowed_after.search(text[:start]):
                continue
            taken.append((start, end))
            found.append((start, Finding(match.group(0), rule.suggestion, _excerpt(text, start, end))))
    return [finding for _, finding in sorted(found, key=lambda item: item[0])]


# Which fields are read for each content model (a subclass also gets its parents' fields).
CHECKED_FIELDS = {
    "elearning.course": ("title", "summary"),
    "elearning.module": ("title", "summary"),
    "elearning.lesson": ("title", "body"),
    "elearning.contact": ("name", "description"),
    "quizzes.quiz": ("title", "intro"),
    "quizzes.question": ("title", "prompt", "explanation"),
    "quizzes.decisionquestion": ("legal_basis", "key_points"),
    "quizzes.writingquestion": ("case_file", "model_answer", "model_comments", "self_check"),
    "quizzes.option": ("text", "feedback"),
    "quizzes.casequestion": ("profile",),
    "quizzes.casescene": ("title", "text"),
    "quizzes.caseending": ("title", "debrief"),
    "quizzes.casechoice": ("text", "feedback"),
}


def check_fields(model_label: str, fields: dict) -> list[tuple[str, Finding]]:
    """(field name, finding) for the checked fields of one fixture row or one object."""
    return [
        (name, finding)
        for name in CHECKED_FIELDS.get(model_label.lower(), ())
        for finding in find_blaming_wording(fields.get(name) or "")
    ]


def check_instance(obj) -> list[tuple[str, Finding]]:
    """(field's French label, finding) for a content object and, for a question type, the
    fields it inherits."""
    results = []
    for model in [type(obj), *obj._meta.get_parent_list()]:
        label = model._meta.label_lower
        values = {name: getattr(obj, name, "") for name in CHECKED_FIELDS.get(label, ())}
        for name, finding in check_fields(label, values):
            results.append((str(model._meta.get_field(name).verbose_name), finding))
    return results


def warning_text(field_label: str, finding: Finding) -> str:
    return (
        f"Vocabulaire à revoir dans « {field_label} » : « {finding.word} » ({finding.excerpt}). "
        f"Le guide recommande : « {finding.suggestion} ». Si c'est une citation, mettez-la entre « »."
    )
