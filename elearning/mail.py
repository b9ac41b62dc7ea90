"""The e-mail backend of a deployment without SMTP: sends nothing, prints nothing.

Django's console backend would write every reset link and recipient to the server's output
(gunicorn's log). Here the message is dropped with one warning that names no one, and the
deploy check `elearning.E001` (`manage.py check --deploy`) reports the missing EMAIL_HOST."""
import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("elearning.mail")


class UnconfiguredEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        if email_messages:
            logger.warning("E-mail non envoyé : EMAIL_HOST n'est pas configuré (%d message(s)).",
                           len(email_messages))
        return 0
