"""Every e-mail Repères sends: French, plain text and HTML, sober, with the support numbers;
an unsubscribe link (and the one-click headers of RFC 8058) on reminders.

Sent through Django's e-mail framework (SMTP settings in the README; the console backend for
`make dev` and `make run` only). Nothing here logs an address or a link: a failure is logged by
its kind only.

Deployed without SMTP, `UnconfiguredEmailBackend` (below) sends nothing and prints nothing:
Django's console backend would write every reset link and recipient to the server's output
(gunicorn's log). The deploy check `elearning.E001` (`manage.py check --deploy`) reports it."""
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse

from elearning.context_processors import SUPPORT_NUMBERS

log = logging.getLogger(__name__)
UNSUBSCRIBE_SALT = "reperes.e-mails.desinscription"


def unsubscribe_token(user) -> str:
    """A signed token naming the person; it never expires (an old reminder must still work)."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def user_id_from_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT)["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send(*, to: str, subject: str, template: str, context: dict, unsubscribe_user=None) -> bool:
    """Render `emails/<template>.txt` and `.html` and send one message. True when sent."""
    context = {**context, "SUPPORT_NUMBERS": SUPPORT_NUMBERS, "SITE_URL": settings.SITE_URL.rstrip("/")}
    headers = {}
    if unsubscribe_user is not None:
        url = site_url(reverse("unsubscribe", args=[unsubscribe_token(unsubscribe_user)]))
        context["unsubscribe_url"] = url
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(
        subject=f"[Repères] {subject}",
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001  (any transport error: the caller keeps the row for later)
        log.warning("E-mail « %s » non envoyé : %s", template, type(error).__name__)
        return False
    return True


class UnconfiguredEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if email_messages:
            log.warning("E-mail non envoyé : EMAIL_HOST n'est pas configuré (%d message(s)).", len(email_messages))
        return 0
