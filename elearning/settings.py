"""Settings for Repères, driven by the environment.

Environment variables:
- SECRET_KEY: required when DEBUG is off (except for `make run`, see LOCAL_RUN).
- DEBUG: "1"/"true" to turn on debug mode (off by default).
- LOCAL_RUN: "1" for `make run` on one's own machine: without SECRET_KEY, a key is generated
  once into var/secret_key (never committed); e-mails go to the console.
- HTTPS_ONLY: the HTTPS-only settings (SSL redirect, secure cookies, HSTS, proxy header); on by
  default when DEBUG is off, "0" for the local run on plain HTTP.
- ALLOWED_HOSTS: comma-separated host names.
- DATABASE_URL: e.g. postgres://user:pass@host:5432/reperes. Empty: embedded SQLite.
- EMAIL_URL-like settings: EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
  EMAIL_USE_TLS, DEFAULT_FROM_EMAIL. Without EMAIL_HOST, e-mails go to the console.
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def local_secret_key(path: Path) -> str:
    """The local run's key: generated once, kept in var/ (gitignored), readable by its owner
    only. Created with O_EXCL so two processes starting together agree on one key."""
    path.parent.mkdir(exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


DEBUG = env_bool("DEBUG", False)
# `make run`: the site as deployed (DEBUG off, gunicorn) on one's own machine.
LOCAL_RUN = env_bool("LOCAL_RUN", False)
# TESTING=1 (set by the test suite's settings, tests/settings.py, and by `manage.py bench`):
# production settings (DEBUG off) over plain HTTP on the loopback, with a throw-away key.
TESTING = env_bool("TESTING")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if TESTING:
        SECRET_KEY = "test-only-insecure-key"
    elif LOCAL_RUN:
        SECRET_KEY = local_secret_key(BASE_DIR / "var" / "secret_key")
    elif not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY est obligatoire quand DEBUG est désactivé (voir le README)."
        )
    else:
        SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if (DEBUG or LOCAL_RUN) and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "polymorphic",
    "simple_history",
    "axes",
    "csp",
    "elearning",
    "quizzes",
    "elearning.training",
    "elearning.decision",
    "elearning.live",
    "lti_tool",
    "elearning.lti",
    "elearning.followup",
    "elearning.progress",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "elearning.middleware.RejectControlCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "elearning.middleware.PrivatePagesMiddleware",
    "elearning.middleware.MethodNotAllowedPageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "elearning.middleware.DatabaseBusyMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "elearning.urls"
WSGI_APPLICATION = "elearning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "elearning.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers work while one writer writes, and
# "IMMEDIATE" transactions take the write lock at BEGIN: with SQLite's default deferred
# transactions, concurrent read-then-write requests fail with "database is locked"
# (measured here: 61–76 % HTTP 500 at 5 workers; none with IMMEDIATE + WAL).
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
# How long a request waits for a lock before the French "réessayez dans un instant" page (503).
DB_LOCK_TIMEOUT_SECONDS = float(os.environ.get("DB_LOCK_TIMEOUT_SECONDS", "20"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")), conn_health_checks=True
    )}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "options", f"-c lock_timeout={int(DB_LOCK_TIMEOUT_SECONDS * 1000)}"
        )
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "var" / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": DB_LOCK_TIMEOUT_SECONDS,  # the driver's busy handler: the one timeout
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH") or None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "elearning.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# --- django-axes ------------------------------------------------------------------------
# Lock on the (username, IP) pair, never on the IP alone: a whole class behind one school
# NAT address must not be locked out by one person's typos. The lock lifts after a cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours: 15 min
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Keep only what locking needs: no log of successful logins (e-mail, IP, browser for every
# login, kept forever otherwise) and no failure log. The failures that count towards a lock
# (AccessAttempt) are deleted once older than the cool-off, and with the account.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0")) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if os.environ.get("PROXY_COUNT") else ["REMOTE_ADDR"]

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
# The project's catalogue (django-axes strings left in English) comes before the apps' ones.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- E-mail -----------------------------------------------------------------------------
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
elif DEBUG or LOCAL_RUN:
    # On one's own machine, e-mails (password reset, activation) are printed to the console.
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # Deployed without SMTP: never print a reset link to the server's output. The message is
    # dropped with a warning that names no one, and `check --deploy` reports it.
    EMAIL_BACKEND = "elearning.mail.UnconfiguredEmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Repères <no-reply@reperes.invalid>")

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "elearning.views_errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# One switch for everything that assumes HTTPS: on by default when DEBUG is off (the
# deployment guide sets HTTPS_ONLY=1), off for `make run`, which serves plain HTTP on 127.0.0.1.
HTTPS_ONLY = env_bool("HTTPS_ONLY", not DEBUG) and not TESTING
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Content-Security-Policy (django-csp 4): no inline script, no third party.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging: no personal data (no e-mails, no free text) in logs ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line goes through the redaction filter (elearning/redaction.py): e-mail addresses
    # and secret URL parts (reset links, join and certificate codes) are masked.
    "filters": {"redact": {"()": "elearning.redaction.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"level": "ERROR"},
    },
}

SITE_NAME = "Repères"
# The address that links in e-mails start with (sent by commands, outside any request).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# The course's structure (modules, lessons, quizzes) is read on every lesson page and changes
# rarely: each process keeps it this many seconds, and drops it at once when content is saved
# in that process. The test suite turns it off (tests/settings.py).
COURSE_STRUCTURE_CACHE_SECONDS = int(os.environ.get("COURSE_STRUCTURE_CACHE_SECONDS", "30"))
# After a content edit that changes the course's shape, the progress rows are recounted in a
# background thread (elearning/progress/rows.py); at once, in the edit's request, when set
# (the test suite, whose transactions are never committed).
PROGRESS_REFRESH_INLINE = env_bool("PROGRESS_REFRESH_INLINE")

# LTI 1.3 (elearning/lti): the OIDC state and nonce must be seen by whichever worker or app
# server receives the launch, so PyLTI1p3 keeps them in a cache table shared through the
# database (created by the migration elearning/lti/migrations/0002).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "lti": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lti_cache", "TIMEOUT": 7200},
}
