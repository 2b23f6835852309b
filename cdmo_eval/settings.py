"""Settings for the CDMO partner evaluation product.

Everything is read from the environment (django-environ). With nothing set, the app
runs on the embedded defaults: plain HTTP on 127.0.0.1 with the app's own error
pages (DEBUG=1 opts in to Django's), SQLite in ``var/``, background jobs
in-process, email printed to the console. Production differs only by environment
variables (see ``.env.example``).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

# Two switches. PRODUCTION=1 is a deployed site: it needs SECRET_KEY and
# ALLOWED_HOSTS, sends cookies over HTTPS only, redirects HTTP to HTTPS and serves
# hashed, compressed static files. DEBUG=1 is a developer's opt-in to Django's
# technical pages (tracebacks, the URL list on a 404); without it everyone, also
# on `make run`, sees the app's own 403, 404 and 500 pages.
PRODUCTION = env.bool("PRODUCTION", default=False)
DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG=1 shows tracebacks to anyone; it cannot be on with PRODUCTION=1."
    )
if PRODUCTION:
    # An empty value (``SECRET_KEY=`` as shipped in .env.example) counts as unset.
    SECRET_KEY = env("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when PRODUCTION is on.")
else:
    SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-only")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    # audit before auditlog: its management commands win (no auditlogflush).
    "audit",
    "auditlog",
    "cdmo_eval",
    "accounts",
    "partners",
    "negotiations",
    "scorecards",
    "work",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TimeZoneMiddleware",
    "audit.context.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Axes must come last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cdmo_eval.urls"
WSGI_APPLICATION = "cdmo_eval.wsgi.application"

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
                "cdmo_eval.context_processors.product",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several people at once: a write transaction
    # takes the write lock when it begins (IMMEDIATE, so two never deadlock on
    # upgrading a read lock) and waits up to 20 s for it; WAL lets pages be read
    # while someone writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The audit trail (django-auditlog, with the audit app's append-only entry model).
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_CID_GETTER = "audit.context.current_cid"
AUDITLOG_STORE_JSON_CHANGES = True
# auditlog's own migrations create its LogEntry table even though the entry model
# is swapped for ours; without them no unused table (with a key to users) exists.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Files --------------------------------------------------------------------
# Uploads and generated reports are private: they live outside the static web root
# and are only ever served through views that check membership (no MEDIA_URL route).
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
if not PRODUCTION:
    # WhiteNoise warns on every request when its root is missing in development.
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
# Outside production WhiteNoise serves static files straight from the apps' and
# the project's folders (no collectstatic), as they change.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = env.path("FILES_ROOT", default=str(VAR_DIR / "files"))
# No public URL serves these files; the value only satisfies tools that need one.
MEDIA_URL = "/private-files-are-never-served/"

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # An S3-compatible bucket shared by web and workers on different machines.
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# A DOCX or XLSX (a zip package) may unpack to at most this many bytes and parts.
UPLOAD_MAX_UNPACKED_BYTES = env.int(
    "UPLOAD_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024
)
UPLOAD_MAX_ENTRIES = env.int("UPLOAD_MAX_ENTRIES", default=2000)
# Limits a bundle file (JSON) must keep to before its content is read: size,
# nesting depth, digits of a number, characters of a text, items of a list.
BUNDLE_MAX_BYTES = env.int("BUNDLE_MAX_BYTES", default=5 * 1024 * 1024)
BUNDLE_MAX_DEPTH = env.int("BUNDLE_MAX_DEPTH", default=32)
BUNDLE_MAX_INT_DIGITS = env.int("BUNDLE_MAX_INT_DIGITS", default=15)
BUNDLE_MAX_STRING = env.int("BUNDLE_MAX_STRING", default=100_000)
BUNDLE_MAX_ITEMS = env.int("BUNDLE_MAX_ITEMS", default=50_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Reports ------------------------------------------------------------------
# Each PDF renders in a child process that is stopped after this many seconds and
# may use at most this much memory (address space; 0 = no cap).
REPORT_TIMEOUT_SECONDS = env.float("REPORT_TIMEOUT_SECONDS", default=120)
REPORT_MEMORY_MB = env.int("REPORT_MEMORY_MB", default=1024)
# Largest image a report may carry inline as a data: URL (PNG, JPEG, SVG only).
REPORT_DATA_URL_MAX_BYTES = env.int(
    "REPORT_DATA_URL_MAX_BYTES", default=2 * 1024 * 1024
)

# --- Background jobs ----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# No broker configured: run every task eagerly in the calling process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Evaluations without an as-of date are measured as of today.
    "refresh-outdated-alignment": {
        "task": "scorecards.tasks.refresh_outdated_alignment",
        "schedule": crontab(hour=0, minute=10),
    },
    # Each member's digest of what is due soon or overdue (`work`).
    "send-reminders": {
        "task": "work.tasks.send_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
}

# --- Auth, sessions, throttling ----------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
_VALIDATORS = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _VALIDATORS + name}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_work"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many proxies in front of the app append to X-Forwarded-For (a TLS proxy: 1);
# the lockout then counts the client's address, not the proxy's.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "cdmo_eval.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Idle sessions expire: every request pushes the expiry forward by this much.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Security -----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks from the load balancer / compose come over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# A strict policy: every script, style and font comes from the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Email --------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="CDMO evaluation <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach the app at, for links in emails sent by background jobs.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- I18n ---------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
# One date format and one date-time format everywhere (`cdmo_eval.formats`).
FORMAT_MODULE_PATH = ["cdmo_eval.formats"]
USE_TZ = True

# Opt into Django 6.0 behaviour now: scheme-less URLs typed in forms mean https.
FORMS_URLFIELD_ASSUME_HTTPS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
