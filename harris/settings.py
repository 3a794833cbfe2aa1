"""Settings for Harris Tracker, read from environment variables with safe development defaults.

Development needs no configuration: SQLite in ``db.sqlite3`` beside ``manage.py`` and DEBUG on.
Production sets ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a boolean environment variable: 1/true/yes/on are true, 0/false/no/off false."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name, default):
    """Read a comma-separated environment variable as a list of non-empty items."""
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # A development-only key: DEBUG=0 refuses to start without a real one.
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "csp",
    "axes",
    "rest_framework",
    "simple_history",
    "import_export",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "public_data",
    "reviews",
    "recommendations",
    "rounds",
    "extraction",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but for security: a database outage anywhere below is a 503, not a 500.
    "harris.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous hits on public pages are answered here, before everything below.
    "public_data.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "harris.middleware.StaffQueryNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Attributes every audited change made during a request to the signed-in user.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "harris.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "harris.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite through the project's backend, whose flush keeps the append-only triggers
# (harris/append_only.py); PostgreSQL's flush truncates, which no row trigger refuses.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "harris.db.sqlite3"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves the collected, hashed and compressed files from the app itself, so the site
# needs nothing from outside at run time. Without a manifest (tests, before collectstatic) it
# falls back to the plain file names.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MANIFEST_STRICT = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Anonymous public pages and API responses are cached until public data next changes
# (public_data/caching.py); this is only the upper bound. 0 turns the cache off.
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "3600"))
# Counts and breakdowns behind the pages, cached the same way even when whole responses are not.
PUBLIC_AGGREGATE_CACHE_SECONDS = int(os.environ.get("PUBLIC_AGGREGATE_CACHE_SECONDS", "3600"))

# Months without a published update after which a recommendation is flagged as stale.
STALE_AFTER_MONTHS = int(os.environ.get("STALE_AFTER_MONTHS", "12"))

# ---- Staff admin ----
# The audit trail is read-only: reverting through it would bypass the services' rules, so every
# change is made through the change forms. Browsing history needs the historical model's own
# view permission, which agency contributors do not have (history copies staff-only fields).
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
# Imports run in one transaction that is rolled back on any row error, so a bad file writes
# nothing; exports neutralise cells a spreadsheet would run as formulae.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# The largest report staff may upload to load a review from its document (extraction/); checked
# from the request's length before the upload is read. Django's own limits stay at their
# defaults: forms up to 2.5 MB, and uploads over 2.5 MB go to a temporary file, not memory.
EXTRACTION_MAX_UPLOAD_BYTES = int(
    os.environ.get("EXTRACTION_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))
)

# ---- Email ----
# Round reminders go out through Django's email framework. Development needs no mail server:
# with DEBUG on and no EMAIL_HOST, mail is printed to the console instead of sent.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not EMAIL_HOST
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A cron job must not hang on an unresponsive mail server: fail, and retry on the next run.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
# /healthz/ and /readyz/ check the mail server at most this often per process, this patiently.
MAIL_CHECK_SECONDS = float(os.environ.get("MAIL_CHECK_SECONDS", "30"))
MAIL_CHECK_TIMEOUT = float(os.environ.get("MAIL_CHECK_TIMEOUT", "1"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "harris-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's address, for links in emails (which have no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Days before a progress round's deadline that contributors with outstanding reports are
# reminded (``manage.py send_round_reminders``); they are reminded again once it has passed.
ROUND_REMINDER_DAYS = int(os.environ.get("ROUND_REMINDER_DAYS", "7"))

# ---- Caches ----
# Throttle counts and cached pages must be shared by every server process: Redis when REDIS_URL
# is set; otherwise the database in production, and local memory in development and tests.
# Either may fail without taking the site down (harris/cache.py): a failed call is a miss, and
# the cache is skipped for CACHE_RETRY_SECONDS before it is tried again.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "harris.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("CACHE_CONNECT_TIMEOUT", "0.2")),
                "socket_timeout": float(os.environ.get("CACHE_SOCKET_TIMEOUT", "0.25")),
            },
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "harris.cache.ResilientDatabaseCache",
            "LOCATION": "harris_cache",
        }
    }
CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "2"))
CACHE_LOG_SECONDS = float(os.environ.get("CACHE_LOG_SECONDS", "60"))
# How long a server process may keep serving the public data version it last read from the
# database (public_data/version.py): other processes see a publish within this time.
PUBLIC_VERSION_MEMO_SECONDS = float(os.environ.get("PUBLIC_VERSION_MEMO_SECONDS", "1"))
# The Retry-After of the 503 answered while the database is unreachable (harris/middleware.py).
DATABASE_RETRY_AFTER_SECONDS = int(os.environ.get("DATABASE_RETRY_AFTER_SECONDS", "5"))

# ---- Security ----
# Sessions live in the database, so any server process can serve any visitor.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere: everything comes from this site's own files.
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

# Staff login: lock out repeated failures per username *and* address, so one person behind a
# shared proxy cannot lock out everyone else at that address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# ---- Public API ----
# Anonymous, read-only and public: no logins or sessions on the API (so no CSRF either), JSON
# only, and each address throttled (through the shared cache) to API_THROTTLE_RATE.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["public_data.api.filters.CountingFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "public_data.api.pagination.PagePagination",
    "DEFAULT_THROTTLE_CLASSES": ["public_data.api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_THROTTLE_RATE", "120/minute")},
    # The client address is the one the last of these proxies saw, as for the login lockout.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
    "EXCEPTION_HANDLER": "public_data.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # No ?format=: an unknown value would be an undocumented 404.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Harris Tracker API",
    "DESCRIPTION": (
        "Read-only public data on the recommendations of the reviews of London's preparedness "
        "for a terrorist attack: the reviews, the owning agencies, the recommendations with "
        "their public status history, and published updates. Anonymous; throttled per address."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation's script and style come from this site (drf-spectacular-sidecar).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would fetch from a third-party site.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "recommendations.models.Status",
        "ReviewKindEnum": "reviews.models.Review.Kind",
        "LinkKindEnum": "recommendations.models.RecommendationLink.Kind",
        "PublishedEnum": ["published"],
        "WithheldEnum": ["withheld"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "level": os.environ.get("LOG_LEVEL", "WARNING"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
