"""The check of a written IP or signalement: every rule in this one module, pure functions.

The learner writes an information préoccupante (IP) to the CRIP or a signalement to the
procureur de la République from a fictional case file. `check_text` reads the text and returns
one `CheckItem` per rule, each saying what was found, why it matters and what to fix: the
grade is nothing but the share of counted items passed, shown item by item (nothing hidden).

The rules come from the guide's section on writing a signalement and the course lesson
« Rédiger une IP ou un signalement » (fixtures/course/07-agir.json):
- who writes (name, role, institution) and when;
- the young person's situation (where she or he lives, schooling);
- the facts, dated, described as observed; the young person's words quoted exactly, in
  quotation marks; the context and what was already done; the parents informed, or why not;
- the right recipient (CRIP for an IP; procureur with a copy to the CRIP for a signalement);
- no interpretation or judgement, no diagnosis, no presumed aggressor named as guilty, and
  the site's vocabulary (elearning/vocabulary.py);
- each exercise's own key facts (label + patterns) and key quotes, data on the question;
- a warning, not counted, when the text holds identifying data that the fictional case file
  does not: the site never takes real case data about a young person.

Matching is done on a folded copy of the text (lower case, accents removed, ’ → ', every
space one space) of the same length as the text, so positions found in one are valid in the
other; dates written "12/03", "12/3/2026", "1er mars" or "le 12 mars 2026" are read alike.
Words inside quotation marks (« », “ ”, " ") are the young person's or a third party's: the
interpretation, diagnosis and aggressor rules never flag them.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from elearning.vocabulary import find_blaming_wording

MAX_LENGTH = 12_000
MIN_LENGTH = 200
TASK_IP = "ip"
TASK_SIGNALEMENT = "signalement"

# -- folding -----------------------------------------------------------------------------

_APOSTROPHES = "’‘ʼ`´"
_SPACES = "\u00a0\u202f\u2009\u2007\t\r\n"


def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return "'"
    if char in _SPACES:
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else char.lower()[:1] or char


def fold(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe and of space; same length as `text`."""
    return "".join(_fold_char(c) for c in text)


MONTHS = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
          "octobre", "novembre", "decembre"]
_MONTH_WORDS = r"(?:janv(?:ier)?|fevr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|aout|sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|dec(?:embre)?)\.?"
_NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")
_WORD_DATE = re.compile(r"\b(\d{1,2})(?:er)?\s+(" + _MONTH_WORDS + r")(?:\s+(\d{4}))?\b")


def _month_number(word: str) -> int:
    word = word.rstrip(".")
    return next(index for index, name in enumerate(MONTHS, start=1) if name.startswith(word))


def find_dates(folded: str) -> list[tuple[int, int]]:
    """(day, month) of every date in a folded text, in order; impossible dates left out."""
    found = []
    for match in _NUMERIC_DATE.finditer(folded):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.append((match.start(), day, month))
    for match in _WORD_DATE.finditer(folded):
        day = int(match.group(1))
        if 1 <= day <= 31:
            found.append((match.start(), day, _month_number(match.group(2))))
    return [(day, month) for _, day, month in sorted(found)]


def canonical_dates(folded: str) -> str:
    """Every date written as "<day> <month>" ("12/03/2026" → "12 mars 2026", "1er mars" →
    "1 mars"), so that a key fact's pattern matches however the date is written."""
    def numeric(match):
        day, month = int(match.group(1)), int(match.group(2))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return match.group(0)
        year = match.group(3) or ""
        if len(year) == 2:
            year = "20" + year
        return f"{day} {MONTHS[month - 1]}" + (f" {year}" if year else "")

    def worded(match):
        year = match.group(3)
        return f"{int(match.group(1))} {MONTHS[_month_number(match.group(2)) - 1]}" + (f" {year}" if year else "")

    return _WORD_DATE.sub(worded, _NUMERIC_DATE.sub(numeric, folded))


def _flexible(phrase: str) -> re.Pattern:
    """A regex for a folded phrase, any punctuation or spacing between its words."""
    words = re.findall(r"\w+", phrase)
    # A plural or feminine ending on the last word counts ("annonce" finds "annonces").
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?:e?s|x|e)?(?!\w)")


def contains_phrase(text: str, phrase: str) -> bool:
    """Does `text` contain `phrase`, ignoring case, accents, punctuation and the way dates are written?"""
    needle = canonical_dates(fold(phrase))
    if not re.search(r"\w", needle):
        return False
    return bool(_flexible(needle).search(canonical_dates(fold(text))))


# -- quotations --------------------------------------------------------------------------

_PAIRS = {"«": "»", "“": "”"}
_BLANK_LINE = re.compile(r"[ \t\r]*(?:\n|$)")


def quoted_mask(text: str) -> list[bool]:
    """For each character: is it inside a quotation (« », “ ”, or a pair of straight ")?
    A quotation left open stops at the end of its paragraph."""
    mask = [False] * len(text)
    stack: list[str] = []
    straight_open = False
    for index, char in enumerate(text):
        if char == '"':
            straight_open = not straight_open
            mask[index] = True
        elif char in _PAIRS:
            stack.append(_PAIRS[char])
            mask[index] = True
        elif stack and char == stack[-1]:
            stack.pop()
            mask[index] = True
        else:
            if char == "\n" and _BLANK_LINE.match(text, index + 1):
                stack.clear()
                straight_open = False
            mask[index] = bool(stack) or straight_open
    return mask


def quotations(text: str) -> list[str]:
    """The passages written inside quotation marks."""
    mask = quoted_mask(text)
    parts, current = [], []
    for char, inside in zip(text, mask, strict=True):
        if inside:
            current.append(char)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return [p.strip("«»“”„‹›\" \u00a0\u202f") for p in parts if p.strip("«»“”„‹›\" \u00a0\u202f")]


def has_quoted_phrase(text: str, phrase: str) -> bool:
    """Is `phrase` written in `text` inside quotation marks (punctuation and case aside)?"""
    folded = fold(text)
    mask = quoted_mask(text)
    needle = fold(phrase)
    if not re.search(r"\w", needle):
        return False
    return any(mask[m.start()] and mask[m.end() - 1] for m in _flexible(needle).finditer(folded))


def _unquoted_matches(text: str, pattern: re.Pattern, *, allowed_before: re.Pattern | None = None,
                      allowed_after: re.Pattern | None = None) -> list[str]:
    folded = fold(text)
    mask = quoted_mask(text)
    found = []
    for match in pattern.finditer(folded):
        if any(mask[match.start():match.end()]):
            continue
        if allowed_before and allowed_before.search(folded[max(0, match.start() - 40):match.start()]):
            continue
        if allowed_after and allowed_after.match(folded, match.end()):
            continue
        found.append(text[match.start():match.end()])
    return found


# -- the items ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyElement:
    """One of an exercise's own expectations: a fact (any pattern found counts) or a quote
    (the young person's words, to be found inside quotation marks)."""

    key: str
    kind: str  # "fact" or "quote"
    label: str
    patterns: tuple[str, ...]
    why: str = ""


def parse_key_elements(facts: str, quotes: str) -> tuple[list[KeyElement], list[str]]:
    """The exercise's key facts ("libellé | motif ; autre motif | pourquoi", one a line) and key
    quotes (one a line), with French messages for the lines that cannot be read."""
    elements: list[KeyElement] = []
    errors: list[str] = []
    for number, line in enumerate([line for line in (facts or "").splitlines() if line.strip()], start=1):
        parts = [part.strip() for part in line.split("|")]
        label = parts[0]
        patterns = tuple(p.strip() for p in (parts[1] if len(parts) > 1 else "").split(";") if re.search(r"\w", p))
        why = " | ".join(parts[2:]).strip()
        if not label or not patterns:
            errors.append(f"Élément attendu n° {number} illisible : écrivez « libellé | motif ; autre motif | pourquoi ».")
            continue
        elements.append(KeyElement(key=str(number), kind="fact", label=label, patterns=patterns, why=why))
    for number, line in enumerate([line.strip() for line in (quotes or "").splitlines() if line.strip()], start=1):
        quote = line.strip("«»“”\" \u00a0\u202f")
        if not re.search(r"\w", quote):
            errors.append(f"Citation attendue n° {number} vide.")
            continue
        elements.append(KeyElement(key=str(number), kind="quote", label=f"Ses mots exacts, entre guillemets : « {quote} »",
                                   patterns=(quote,)))
    return elements, errors


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str
    passed: bool
    why: str
    fix: str
    counted: bool = True  # False: a warning shown to the learner, outside the score
    found: tuple[str, ...] = field(default_factory=tuple)
    blocking: bool = False  # True: while it fails, the score is 0 (said on the page)


@dataclass(frozen=True)
class CheckResult:
    items: tuple[CheckItem, ...]

    @property
    def counted(self):
        return [item for item in self.items if item.counted]

    @property
    def passed_count(self) -> int:
        return sum(1 for item in self.counted if item.passed)

    @property
    def blocked(self) -> bool:
        return any(item.blocking and not item.passed for item in self.items)

    @property
    def score(self) -> float:
        if self.blocked:
            return 0.0
        counted = self.counted
        return self.passed_count / len(counted) if counted else 0.0

    @property
    def warnings(self):
        return [item for item in self.items if not item.counted and not item.passed]


def _any(patterns: str) -> re.Pattern:
    return re.compile(patterns)


ROLE_WORDS = _any(
    r"\b(?:professeure?s?|enseignante?s?|cpe|conseill(?:er|ere)s? principale?s? d'education|infirmier|infirmiere|"
    r"educat(?:eur|rice)s?|educ\.? specialise|assistante? (?:de service )?social|assistante? sociale?|"
    r"animat(?:eur|rice)|psychologue|medecin|directeur|directrice|principale?|proviseure?|chef(?:fe)? de service|"
    r"coordinat(?:eur|rice)|referente?|travailleu(?:r|se) social|mediat(?:eur|rice)|entraineu(?:r|se)|"
    r"moniteur|monitrice|surveillante?|aed|assistante? d'education|conseill(?:er|ere) d'insertion)\b"
)
INSTITUTION_WORDS = _any(
    r"\b(?:college|lycee|ecole|mecs|foyer|maison d'enfants|etablissement|service|association|club|"
    r"centre|mission locale|structure|hopital|pmi|cmp|mairie|departement|aemo|pjj|ase|prevention|"
    r"internat|cfa|institut|residence|dispositif|equipe)\b"
)
SELF_WORDS = _any(r"\b(?:je soussign\w*|je suis|mon nom|signe|signature|madame|monsieur|mme|en ma qualite|en qualite|"
                  r"en tant que|fonction)\b|\bm\.\s|\bje,\s")
WRITTEN_WHEN = _any(r"\b(?:fait a|fait le|redige le|ecrit le|date (?:de|du)|le \d{1,2}\b|\d{1,2} \w+ \d{4}|\d{1,2}/\d{1,2}/\d{2,4})")
OBSERVED_WORDS = _any(
    r"\b(?:j'ai (?:constate|observe|vu|remarque|note|entendu|releve)|nous avons (?:constate|observe|vu|remarque|note)|"
    r"a ete (?:constate|observe|vu|remarque)|(?:je|nous) (?:constate|constatons|observe|observons|remarque)|"
    r"(?:ai|avons) pu (?:constater|observer|voir)|constat|est arrivee?|etait absente?|portait|presentait)\b"
)
SPOKEN_WORDS = _any(r"\b(?:m'a (?:dit|confie|declare|explique|indique|raconte|rapporte)|a (?:dit|confie|declare|explique|indique|rapporte|raconte)|"
                    r"(?:elle|il) dit|selon (?:elle|lui|ses mots)|en ces termes|ses mots|a revele|a evoque)\b")
DONE_WORDS = _any(
    r"\b(?:entretien|j'ai (?:recu|rencontre|appele|contacte|oriente|accompagne|informe|sollicite|pris contact|echange)|"
    r"nous avons (?:recu|rencontre|appele|contacte|oriente|accompagne|informe|sollicite|pris contact)|"
    r"a ete (?:recue?|orientee?|accompagnee?|vue?)|infirmerie|rendez-vous|conseil|orient\w*|accompagn\w*|"
    r"deja (?:ete )?(?:fait|mis|engage)|mis en place|demarche|soins)\b"
)
CONTEXT_WORDS = _any(r"\b(?:contexte|depuis|a l'occasion|lors d|au cours d|circonstances|alors que|suite a|a la suite|apres)\b")
PARENT_WORDS = _any(r"\b(?:parents?|mere|pere|representants? legaux|responsables? legaux|titulaires? de l'autorite parentale|"
                    r"famille|tuteur|tutrice|autorite parentale)\b")
INFORMED_WORDS = _any(r"\b(?:informe\w*|prevenu\w*|avise\w*|averti\w*|contacte\w*|joint\w*|pas ete|n'ont pas|ne pas|"
                      r"n'avons pas|n'ai pas|sans (?:les )?informer|pas informe|pas prevenu|danger|represailles|risque)\b")
PLACE_WORDS = _any(r"\b(?:domicile|vit|habite|heberge\w*|foyer|mecs|famille d'accueil|chez (?:sa|son|ses)|lieu de vie|placee?|"
                   r"residence|internat|en fugue|fugue)\b")
SCHOOL_WORDS = _any(r"\b(?:scolaris\w*|eleve|classe|college|lycee|ecole|cfa|apprenti\w*|formation|descolaris\w*|"
                    r"seconde|premiere|terminale|[3-6]e|cap|bac pro|absenteisme|absences?)\b")
# The Val-d'Oise calls its CRIP the CDIP (guide, contacts of the 95).
IP_WORDS = _any(r"\b(?:information preoccupante|crip|cdip|cellule de recueil)\b")
PROSECUTOR_WORDS = _any(r"\b(?:procureure?|parquet|procureur\w* de la republique|tribunal judiciaire)\b")
SIGNALEMENT_WORDS = _any(r"\bsignalement\b")
CRIP_WORDS = _any(r"\b(?:crip|cdip|cellule de recueil)\b")

INTERPRETATION = _any(
    r"\b(?:je (?:pense|crois|suppose|suis (?:sure?|convaincue?)|soupconne|devine|sais bien)|il me semble|a mon avis|"
    r"selon moi|j'ai l'impression|sans doute|surement|certainement|visiblement|de toute evidence|manifestement|"
    r"(?:elle|il) ment|(?:elle|il) mentait|menteu(?:r|se)|mytho\w*|affabul\w*|invente des histoires|"
    r"(?:elle|il) (?:provoque|provoquait|l'a (?:bien )?cherche|aime (?:ca|l'argent|cette vie)|cherche (?:a attirer|l'attention))|"
    r"provocante?|provocat(?:eur|rice)|aguich\w*|allumeuse|argent facile|fille facile|"
    r"de mauvaise vie|mauvaises? frequentations|comportement (?:de|d') ?(?:fille|garcon) facile|"
    r"(?:elle|il) (?:se prostitue|se prostituait|fait le trottoir|vend son corps|fait la pute)|"
    r"(?:elle|il) est (?:d'accord|consentante?|volontaire)|(?:elle|il) le veut bien|c'est son choix|"
    r"manipulat(?:eur|rice)|perverse?|vicieu(?:x|se)|chaudasse|pute|salope|"
    r"on pense|nous pensons|se met en danger par son comportement|(?:a|ont) choisi cette vie|clairement|"
    r"ce qui montre bien|cache quelque chose|bizarre|recadr\w*|n'importe quoi|qu'(?:elle|il) comprenne|"
    r"(?:elle|il) a reconnu|(?:elle|il) l'a voulu)\b"
)
# Investigating or attaching images is not the writer's role (and an intimate image of a minor
# may not be kept or sent: art. 227-23 of the Code pénal).
INVESTIGATION = _any(
    r"\b(?:captures? d'ecran|pour (?:verifier|en savoir plus|enqueter)|"
    r"(?:j'ai|nous avons|on a) (?:verifie|fouille|cherche|consulte son|consulte ses|interroge|enquete|"
    r"fait des captures|photographie)|"
    r"je (?:joins|vous transmets|vous envoie) (?:les |des |ses |la |une )?(?:photos?|images?|captures?|messages|videos?)|"
    r"en pieces? jointes?|(?:on|nous) l'(?:a|avons) convoquee?|je l'ai convoquee?)"
)
DIAGNOSIS = _any(
    r"\b(?:depressi\w*|bipolaire|schizophr\w*|borderline|etat limite|psychopath\w*|psychotique|hysteri\w*|"
    r"pervers narcissique|trouble(?:s)? (?:de la personnalite|psychiatrique\w*|du comportement|de l'attachement|bipolaire)|"
    r"tdah|hyperactif|hyperactive|autis\w*|anorexi\w*|boulimi\w*|stress post-?traumatique|tspt|psychotraumatis\w*|"
    r"syndrome|addict\w*|toxicomane|alcoolique|deficien\w*|retard mental|mythomane)\b"
)
GUILT = _any(r"\b(?:proxenete|maquereau|mac|violeur|pedophile|predateur|coupable|agresseur|trafiquant|souteneur|"
             r"exploiteur)s?\b")
# A generic mention ("exploitée par un réseau de proxénètes", "un agresseur présumé") names no one.
GUILT_ALLOWED_BEFORE = _any(r"(?:presumee?|supposee?|possible|eventuelle?|d'un|d'une|par un|par une|par des|des|de)\s*$")
GUILT_ALLOWED_AFTER = _any(r"\s+(?:presume|presumee|suppose|supposee|eventuel|eventuelle)\b")

# Identifying data: telephone numbers, e-mail addresses, street addresses, names.
PHONE = re.compile(r"(?<!\d)(?:\+33\s?\(?0?\)?\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
STREET = re.compile(
    r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:rue|avenue|av\.|boulevard|bd|allee|impasse|place|chemin|route|quai|"
    r"cours|square|villa|passage|residence|cite)\b[^\n,.;]{0,40}"
)
TITLED_NAME = re.compile(r"\b(?:M\.|Mme|Mlle|Madame|Monsieur|Mademoiselle|Dr|Docteur|Maître|Me)\s+([A-ZÀ-Ý][\w'’-]+)")
UPPER_SURNAME = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ'’-]+)\s+([A-ZÀ-Ý]{2,}(?:[-\s][A-ZÀ-Ý]{2,})?)\b")
# Upper-case words that are names of institutions or laws, never of people.
ACRONYMS = {
    "CRIP", "ASE", "MECS", "CPE", "CASF", "AEMO", "PJJ", "PMI", "CMP", "CIO", "CFA", "CAP", "BTS", "SMS", "EPS",
    "IP", "OPP", "TJ", "JE", "RSA", "SDF", "SVT", "CDI", "CMPP", "CAF", "IDF", "SAMU", "SEGPA", "ULIS", "EN",
    "RGPD", "ARS", "CHU", "APHP", "UMJ", "CNAPE", "CPAM", "DASEN", "ITEP", "IME", "MDPH", "PAEJ", "PPE", "AED",
    "LGBT", "FR", "DDSP", "BPM", "BRP", "CP", "CE", "CM", "TGI", "RER", "SNCF", "RATP", "URL", "OCRTEH",
}


def identifying_data(text: str, *, allowed: str) -> list[str]:
    """Telephone numbers, e-mail and street addresses and names in `text` that are not in
    the fictional case file (`allowed`): possibly a real person's."""
    allowed_folded = fold(allowed)
    allowed_digits = re.sub(r"\D", "", allowed)
    found: list[str] = []

    def keep(value: str):
        if value not in found:
            found.append(value)

    for match in PHONE.finditer(text):
        if re.sub(r"\D", "", match.group(0))[-9:] not in allowed_digits:
            keep(match.group(0).strip())
    for match in EMAIL.finditer(text):
        if fold(match.group(0)) not in allowed_folded:
            keep(match.group(0))
    folded = fold(text)
    for match in STREET.finditer(folded):
        head = " ".join(match.group(0).split()[:3])
        if head not in allowed_folded:
            keep(text[match.start():match.end()].strip())
    allowed_words = set(re.findall(r"\w+", allowed_folded))
    for match in TITLED_NAME.finditer(text):
        if fold(match.group(1)) not in allowed_words:
            keep(match.group(0))
    for match in UPPER_SURNAME.finditer(text):
        first, surname = match.group(1), match.group(2)
        surname_words = [w for w in re.split(r"[-\s]", surname) if w]
        if all(w in ACRONYMS for w in surname_words):
            continue
        if all(fold(w) in allowed_words for w in surname_words):
            continue
        keep(f"{first} {surname}")
    return found


# -- the check ---------------------------------------------------------------------------

RECIPIENT = {
    TASK_IP: ("Le destinataire : la CRIP, pour une information préoccupante",
              "Une IP va à la cellule de recueil des informations préoccupantes (CRIP) du département, qui fait évaluer la situation.",
              "Adressez votre écrit à la CRIP du département et nommez-le « information préoccupante »."),
    TASK_SIGNALEMENT: ("Le destinataire : le procureur de la République, copie à la CRIP",
                       "Des faits d'infraction révélés ou établis, même passés, vont au procureur de la République ; "
                       "la CRIP en reçoit une copie pour information (art. L226-4 du CASF).",
                       "Adressez le signalement au procureur ou à la procureure de la République du tribunal judiciaire, "
                       "écrivez le mot « signalement » dans l'objet et indiquez « copie à la CRIP »."),
}


def check_text(text: str, *, task: str, elements: list[KeyElement] | tuple[KeyElement, ...] = (),
               case_file: str = "") -> CheckResult:
    """Every rule on `text`, in the order a reader meets them in a good écrit."""
    folded = fold(text)
    items: list[CheckItem] = []

    def add(code, label, passed, why, fix, *, counted=True, found=(), blocking=False):
        items.append(CheckItem(code=code, label=label, passed=bool(passed), why=why, fix=fix, counted=counted,
                               found=tuple(found), blocking=blocking))

    copied = copied_share(text, case_file)
    add("redaction", "Un écrit rédigé, pas le dossier recopié", copied < COPIED_LIMIT,
        "Une IP ou un signalement s'adresse à un lecteur qui ne connaît pas la situation : il faut choisir, ordonner "
        "et présenter les faits. Le dossier recopié n'est pas un écrit, et ses mots couvriraient tous les points : "
        "tant que ce point manque, le score est de 0 %.",
        "Rédigez avec vos mots (les paroles de la ou du jeune restent citées mot pour mot, entre guillemets).",
        found=[f"{round(copied * 100)} % du texte (hors citations) repris du dossier"] if copied >= COPIED_LIMIT else [],
        blocking=True)

    recipient_label, recipient_why, recipient_fix = RECIPIENT[task]
    if task == TASK_SIGNALEMENT:
        recipient_ok = (PROSECUTOR_WORDS.search(folded) and SIGNALEMENT_WORDS.search(folded)
                        and CRIP_WORDS.search(folded))
    else:
        recipient_ok = IP_WORDS.search(folded)
    add("destinataire", recipient_label, recipient_ok, recipient_why, recipient_fix)

    add("auteur", "Qui écrit : nom, fonction, structure",
        ROLE_WORDS.search(folded) and INSTITUTION_WORDS.search(folded) and SELF_WORDS.search(folded),
        "Le lecteur doit pouvoir vous rappeler et savoir d'où vous parlez : la CRIP ou le parquet ne vous connaissent pas.",
        "Présentez-vous au début : « Je soussigné·e [nom], [fonction] au [structure] » (le nom fictif du dossier).")
    first_last = "\n".join(_edge_lines(text))
    add("date-ecrit", "Quand : la date de l'écrit",
        WRITTEN_WHEN.search(fold(first_last)),
        "La date de l'écrit situe les faits dans le temps et montre que vous avez transmis sans délai.",
        "Datez votre écrit, au début ou à la fin : « Fait à [ville], le 14 mars 2026 ».")
    add("situation", "La ou le jeune : lieu de vie et scolarité",
        PLACE_WORDS.search(folded) and SCHOOL_WORDS.search(folded),
        "Le guide demande où se trouve réellement la ou le jeune (domicile, foyer, MECS, fugue) et sa situation "
        "scolaire : c'est ce qui permet de la ou le protéger vite.",
        "Indiquez où vit la ou le jeune aujourd'hui et où elle ou il est scolarisé·e (ou ne l'est plus).")
    dates = set(find_dates(folded))
    add("faits-dates", "Les faits sont datés", len(dates) >= 2,
        "Des faits datés, dans l'ordre, montrent la durée et l'évolution de la situation ; sans date, ils ne peuvent pas être vérifiés.",
        "Donnez une date à chaque constat et à chaque propos rapporté (« le 3 février », « le 12/03 »), dans l'ordre chronologique.",
        found=[f"{d} {MONTHS[m - 1]}" for d, m in sorted(dates, key=lambda x: (x[1], x[0]))])
    add("constats", "Les faits décrits comme constatés, chacun avec sa source",
        OBSERVED_WORDS.search(folded) and SPOKEN_WORDS.search(folded),
        "Le lecteur doit distinguer ce que vous avez vu vous-même, ce que la ou le jeune a dit et ce qu'un tiers a rapporté.",
        "Écrivez « j'ai constaté que… » pour ce que vous avez vu et « elle m'a dit : « … » » pour ses propos.")
    quoted = [q for q in quotations(text) if len(re.findall(r"\w+", q)) >= 3]
    add("paroles", "Les mots de la ou du jeune, exacts, entre guillemets", quoted,
        "Ses mots exacts, même crus ou maladroits, permettent au lecteur de mesurer ce qu'elle ou il vit et de "
        "qualifier les faits ; reformulés, ils perdent leur poids.",
        "Recopiez ses phrases mot pour mot entre « » (ou \" \"), sans les traduire dans votre langage.",
        found=quoted[:5])
    add("contexte", "Le contexte et ce qui a déjà été fait",
        CONTEXT_WORDS.search(folded) and DONE_WORDS.search(folded),
        "Le contexte de la révélation (quand, où, à qui) et ce que vous avez déjà fait (entretien, soins, appel "
        "pour conseil) évitent de refaire ce qui est fait et de faire répéter la ou le jeune.",
        "Dites dans quelles circonstances vous avez appris les faits et ce qui a été fait depuis.")
    parents_ok = any(PARENT_WORDS.search(sentence) and INFORMED_WORDS.search(sentence)
                     for sentence in re.split(r"(?<=[.!?;])\s+|\n+", folded))
    add("parents", "Les parents informés, ou pourquoi pas",
        parents_ok,
        "Les parents sont en principe informés, sauf si cela met la ou le jeune en danger (représailles, famille "
        "impliquée) : le lecteur doit savoir ce qu'il en est, et pourquoi.",
        "Écrivez si les parents (ou représentants légaux) ont été informés ; sinon, pourquoi pas.")
    for element in elements:
        if element.kind == "quote":
            passed = any(has_quoted_phrase(text, pattern) for pattern in element.patterns)
            add(f"citation-{element.key}", element.label, passed,
                element.why or "Ce sont ses mots exacts : ils doivent figurer tels quels, entre guillemets.",
                "Recopiez cette phrase du dossier mot pour mot, entre « ».")
        else:
            passed = any(contains_phrase(text, pattern) for pattern in element.patterns)
            add(f"fait-{element.key}", element.label, passed,
                element.why or "C'est un élément du dossier dont la CRIP ou le parquet ont besoin pour évaluer la situation.",
                "Reprenez cet élément du dossier dans votre écrit, avec sa date.")
    interpretations = _unquoted_matches(text, INTERPRETATION)
    add("interpretation", "Pas d'interprétation ni de jugement", not interpretations,
        "Une supposition écrite comme un fait, ou un jugement sur la ou le jeune, peut faire douter de sa parole "
        "et la ou le culpabiliser : vous décrivez, la CRIP évalue, la justice qualifie.",
        "Remplacez l'opinion par ce que vous avez vu ou entendu ; une inquiétude se dit comme telle : "
        "« craintes d'une situation prostitutionnelle ».", found=interpretations)
    investigation = _unquoted_matches(text, INVESTIGATION)
    add("enquete", "Pas d'enquête, aucune image jointe", not investigation,
        "La CRIP évalue, la justice enquête : chercher soi-même, interroger ou convoquer peut alerter l'agresseur "
        "et fragiliser la procédure ; détenir ou transmettre une image intime d'une mineure relève de l'article "
        "227-23 du Code pénal.",
        "Retirez ce passage : relevez seulement ce qui vous a été montré ou dit (pseudonymes, adresses de pages, "
        "plateformes, dates), sans chercher vous-même ni joindre d'image.", found=investigation)
    diagnoses = _unquoted_matches(text, DIAGNOSIS)
    add("diagnostic", "Pas de diagnostic", not diagnoses,
        "Un diagnostic n'est pas un constat : il appartient aux soignant·es qui ont examiné la ou le jeune.",
        "Décrivez ce que vous observez (« elle pleure, dit ne plus dormir depuis le 2 mars ») sans le nommer.",
        found=diagnoses)
    accused = _unquoted_matches(text, GUILT, allowed_before=GUILT_ALLOWED_BEFORE, allowed_after=GUILT_ALLOWED_AFTER)
    add("agresseur", "Personne désignée coupable", not accused,
        "Qualifier les faits et désigner un coupable revient à la justice ; écrivez ce qui a été dit ou vu de cette "
        "personne, sans la juger (présomption d'innocence).",
        "Rapportez ses propos (« c'est Kevin qui m'envoie chez les clients ») ou parlez d'« agresseur présumé ».",
        found=accused)
    wording = find_blaming_wording(text)
    add("vocabulaire", "Le vocabulaire du guide", not wording,
        "Certains mots rendent la ou le jeune responsable de la violence subie (« prostituée », « avouer ») : le "
        "guide demande de parler de mineur·e victime de prostitution.",
        "; ".join(f"« {f.word} » → {f.suggestion}" for f in wording) or "Gardez ces mots pour les citations, entre « ».",
        found=[f.word for f in wording])
    identifying = identifying_data(text, allowed=case_file)
    add("donnees-reelles", "Pas de données réelles", not identifying,
        "Ce site ne reçoit jamais de données réelles sur une ou un jeune : numéros, adresses, e-mails et noms doivent "
        "venir du dossier fictif.",
        "Retirez ces éléments ou remplacez-les par ceux du dossier fictif. Une situation réelle ne s'écrit pas ici : "
        "elle va à la CRIP ou au parquet.", counted=False, found=identifying)
    return CheckResult(items=tuple(items))


# A text is "the dossier copied" when more than half of its runs of six words (quotations
# aside: the young person's words are to be copied) come from the dossier. Measured on the
# bank: model answers 3–17 %, the dossier pasted with a few lines added 84–90 %.
COPIED_LIMIT = 0.5
_SHINGLE = 6


def _shingles(text: str, *, skip_quotations: bool) -> list[str]:
    folded = fold(text)
    if skip_quotations:
        mask = quoted_mask(text)
        folded = "".join(" " if inside else char for char, inside in zip(folded, mask, strict=True))
    words = re.findall(r"\w+", folded)
    return [" ".join(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)]


def copied_share(text: str, source: str) -> float:
    """Share of the text's six-word runs (outside quotations) found in `source`."""
    runs = _shingles(text, skip_quotations=True)
    if not runs or not source:
        return 0.0
    known = set(_shingles(source, skip_quotations=False))
    return sum(1 for run in runs if run in known) / len(runs)


def _edge_lines(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[:4] + lines[-4:]


# -- the learner's text: limits ------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(raw: str) -> str:
    """What can be stored: control characters (NUL included) removed, line ends as \\n."""
    return _CONTROL.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))


def text_problem(raw: str, *, for_draft: bool = False) -> str:
    """A French message when `raw` cannot be recorded as it stands; empty when it can."""
    if _CONTROL.search(raw):
        return ("Votre texte contenait des caractères invisibles (caractère nul ou de contrôle), que nous ne pouvons "
                "pas enregistrer : ils ont été retirés ci-dessous. Relisez votre texte, puis envoyez-le de nouveau.")
    length = len(clean_text(raw))
    if length > MAX_LENGTH:
        return (f"Votre texte fait {length} caractères : la limite est de {MAX_LENGTH}. Raccourcissez-le "
                "(un écrit clair tient souvent en une page) ; rien n'a été effacé.")
    if not for_draft and length < MIN_LENGTH:
        return (f"Votre texte fait {length} caractère{'s' if length > 1 else ''} : il en faut au moins {MIN_LENGTH} "
                "pour une IP ou un signalement. Complétez-le ; vous pouvez aussi enregistrer un brouillon.")
    return ""
