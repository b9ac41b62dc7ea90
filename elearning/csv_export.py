"""CSV files that open cleanly in French Excel, streamed row by row.

- UTF-8 with a byte order mark (without it Excel reads the accents as Windows-1252);
- `;` as separator (a French Excel splits on it, the comma being the decimal mark);
- a text cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return) is prefixed
  with an apostrophe, so that a learner named "=HYPERLINK(…)" stays text instead of becoming
  a formula (CSV injection);
- rows are written as the database cursor yields them: memory stays flat for any cohort.
"""
import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from urllib.parse import quote

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import slugify

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 200


def escape_cell(value) -> str:
    """A cell as text: dates in French form, booleans as oui/non, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        return str(value).replace(".", ",")
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def percent_cell(value: float | None) -> int | None:
    """A score between 0 and 1 as a whole percentage (the column header says "%")."""
    return None if value is None else round(value * 100)


class _Line:
    """A write-only file for csv.writer: `write` returns what it was given."""

    def write(self, value):
        return value


def _lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    yield BOM + writer.writerow(header)
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([escape_cell(cell) for cell in row]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


def dated_filename(name: str, what: str, *, day: date | None = None) -> str:
    """« Groupe Été 93 », "apprenants" → "groupe-été-93-apprenants-2026-11-29.csv": the
    group's name and today's date, as a slug (letters, digits, hyphens; accents kept)."""
    day = day or timezone.localdate()
    stem = slugify(name, allow_unicode=True) or "groupe"
    return f"{stem}-{what}-{day.isoformat()}.csv"


def content_disposition(filename: str) -> str:
    """An attachment header every browser reads: an ASCII name (accents dropped) in
    `filename`, the UTF-8 name in `filename*` (RFC 5987/6266) for those that know it."""
    ascii_name = slugify(filename.removesuffix(".csv")) + ".csv" if not filename.isascii() else filename
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def csv_response(header: list[str], rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """A streamed download named `filename` (any text: see `content_disposition`)."""
    response = StreamingHttpResponse(_lines(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    # Personal data: never kept by a shared cache or the browser's.
    patch_cache_control(response, private=True, no_store=True)
    return response
