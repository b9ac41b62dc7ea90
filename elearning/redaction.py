"""No personal data in logs: a filter on the log handler masks e-mail addresses and the
secret parts of URLs (reset links, join codes, certificate codes) in every line, exception
text included (PostgreSQL's "Key (email)=(…) already exists", Django's "Not Found: /path")."""
import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The path segments that act as bearer secrets, after their route's fixed prefix.
SECRET_PATHS = re.compile(
    r"(/comptes/reinitialiser/|/comptes/activer/|/rejoindre/|/comptes/inscription/|/attestation/|/e-mails/desinscription/)"
    r"(?!termine/)[^\s'\"?#]+"
)
MASK = "[masqué]"


def redact(text: str) -> str:
    return SECRET_PATHS.sub(lambda m: m.group(1) + MASK + "/", EMAIL.sub(MASK, text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
