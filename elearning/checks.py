"""System checks for a deployment (`manage.py check --deploy`)."""
from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that print, store or drop mail instead of sending it.
NOT_SENDING_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "elearning.mail.UnconfiguredEmailBackend",
}


@register(Tags.security, deploy=True)
def email_backend_sends_mail(app_configs, **kwargs):
    """In production, reset and activation links must go by e-mail, never to the console
    (that is, to the server's logs) nor nowhere."""
    if settings.DEBUG or settings.EMAIL_BACKEND not in NOT_SENDING_BACKENDS:
        return []
    return [Error(
        f"Les e-mails ne sont pas envoyés ({settings.EMAIL_BACKEND}).",
        hint="Configurez EMAIL_HOST (et EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) : "
             "la console afficherait les liens de réinitialisation dans les journaux du serveur.",
        id="elearning.E001",
    )]
