"""Enrol a list of learners in a cohort from a CSV file (name, e-mail, profession,
département), with a line-by-line report.

All or nothing: every line is checked first; if one is wrong, nothing is written and the
report says, line by line and in French, what to fix. Otherwise every line is written in
one transaction. An address that already has an account enrols that account (never a
second one); the report does not say whether an account existed, so the import cannot be
used to find out who uses Repères. New accounts have no password yet: the person sets one
with « Mot de passe oublié ».
"""
import csv
import io
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from elearning.accounts import join_cohort
from elearning.models import Cohort, Departement, Enrolment, Profession, User

MAX_BYTES = 200_000
MAX_ROWS = 500
COLUMNS = {
    "nom": "last_name", "prenom": "first_name", "e-mail": "email", "email": "email", "courriel": "email",
    "adresse e-mail": "email", "profession": "profession", "departement": "departement",
}


class ImportRefused(Exception):
    """The file as a whole cannot be read (size, encoding, header, number of lines)."""


@dataclass
class ImportLine:
    number: int
    email: str
    name: str
    errors: list[str] = field(default_factory=list)
    outcome: str = ""


@dataclass
class ImportReport:
    lines: list[ImportLine]
    imported: bool

    @property
    def errors(self) -> int:
        return sum(1 for line in self.lines if line.errors)

    @property
    def enrolled(self) -> int:
        return sum(1 for line in self.lines if line.outcome == ENROLLED)


ENROLLED = "inscrit·e au groupe"
ALREADY = "déjà dans le groupe"


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: « Département » → « departement »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def _choice(value: str, choices, what: str, errors: list[str]) -> str:
    if not value.strip():
        return ""
    wanted = _plain(value)
    for code, label in choices:
        if wanted in {_plain(code), _plain(label)} or _plain(label).startswith(wanted + " "):
            return code
    errors.append(f"{what} inconnue « {value.strip()} »." if what == "Profession" else
                  f"{what} inconnu « {value.strip()} ».")
    return ""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel saves French CSV files in either
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("Le fichier n'est pas un fichier texte lisible : enregistrez-le au format CSV (UTF-8).")


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(line number, {field: value}) for each non-empty line after the header."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"Le fichier dépasse {MAX_BYTES // 1000} Ko : découpez-le en plusieurs fichiers.")
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:2000], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportRefused("Le fichier est vide.") from None
    names = [COLUMNS.get(_plain(cell)) for cell in header]
    if "email" not in names or "last_name" not in names:
        raise ImportRefused("La première ligne doit nommer les colonnes : « nom », « e-mail », et si vous les "
                            "avez « prénom », « profession », « département ».")
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportRefused(f"Plus de {MAX_ROWS} lignes : découpez le fichier en plusieurs parties.")
            values = {name: cell.strip() for name, cell in zip(names, cells, strict=False) if name}
            rows.append((reader.line_num, values))
    except csv.Error:
        raise ImportRefused(f"Ligne {reader.line_num} illisible (guillemets mal fermés ?).") from None
    return rows


def _check(number: int, values: dict, seen: dict[str, int]) -> tuple[ImportLine, dict]:
    email = values.get("email", "").lower()
    first, last = values.get("first_name", ""), values.get("last_name", "")
    if "first_name" not in values and " " in last:
        first, last = last.split(" ", 1)  # one « nom » column holding « Prénom Nom »
    line = ImportLine(number=number, email=email, name=f"{first} {last}".strip())
    try:
        validate_email(email)
    except ValidationError:
        line.errors.append(f"Adresse e-mail invalide « {email} »." if email else "Adresse e-mail manquante.")
    if email in seen:
        line.errors.append(f"Même adresse e-mail qu'à la ligne {seen[email]}.")
    seen.setdefault(email, number)
    if not last:
        line.errors.append("Nom manquant.")
    if len(first) > 150 or len(last) > 150:
        line.errors.append("Nom trop long (150 caractères au plus).")
    fields = {
        "first_name": first[:150], "last_name": last[:150],
        "profession": _choice(values.get("profession", ""), Profession.choices, "Profession", line.errors),
        "departement": _choice(values.get("departement", ""), Departement.choices, "Département", line.errors),
    }
    return line, fields


def enrol_from_csv(*, cohort: Cohort, data: bytes) -> ImportReport:
    """Check every line, then enrol them all in one transaction (or none)."""
    seen: dict[str, int] = {}
    checked = [_check(number, values, seen) for number, values in read_rows(data)]
    lines = [line for line, _ in checked]
    if not lines:
        raise ImportRefused("Aucune ligne à importer sous la ligne des titres.")
    if any(line.errors for line in lines):
        return ImportReport(lines=lines, imported=False)
    with transaction.atomic():
        existing = {user.email.lower(): user for user in User.objects.filter(email__in=[line.email for line in lines])}
        already = set(Enrolment.objects.filter(cohort=cohort, user__in=existing.values()).values_list("user_id", flat=True))
        for line, fields in checked:
            user = existing.get(line.email)
            if user is None:
                user = User.objects.create_user(email=line.email, password=None, **fields)
            line.outcome = ALREADY if user.pk in already else ENROLLED
            join_cohort(user=user, cohort=cohort)
    return ImportReport(lines=lines, imported=True)
