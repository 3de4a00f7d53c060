"""Django settings for Atom, built from environment variables only.

Every variable is parsed strictly by ``atom.env``: a bad value stops start-up
with a message naming the variable. The README has the table of variables;
docs/architecture.md explains the layers these settings configure.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from atom.env import ConfigError, Env
from atom.security.core.client_ip import TrustedProxies
from atom.security.core.vault import parse_keys as parse_token_keys

env = Env()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.text("ATOM_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env.flag("ATOM_DEBUG", False)

_secret_key = env.secret("ATOM_SECRET_KEY")
if _secret_key is None:
    if not DEBUG:
        raise ConfigError(
            "ATOM_SECRET_KEY is not set. Set it (or ATOM_SECRET_KEY_FILE) to a long random "
            "string; `make run` generates one into var/secret_key."
        )
    # Only for a developer's throwaway run with ATOM_DEBUG=1: sessions and
    # derived token keys do not survive a restart with a different key.
    _secret_key = "atom-debug-only-insecure-key"  # noqa: S105
elif len(_secret_key) < 32:
    raise ConfigError("ATOM_SECRET_KEY: must be at least 32 characters long.")
SECRET_KEY = _secret_key
# Old keys still verify sessions and password-reset links while a new key is
# rolled out (Django 4.1+), so rotating the key does not log everyone out.
SECRET_KEY_FALLBACKS = env.items("ATOM_SECRET_KEY_FALLBACKS", [])

# Keys that encrypt API tokens at rest (first encrypts, all decrypt). When
# unset, one key is derived from SECRET_KEY (see atom.security.core.vault).
ATOM_TOKEN_KEYS = env.secret("ATOM_TOKEN_KEYS")
if ATOM_TOKEN_KEYS is not None:
    try:
        parse_token_keys(ATOM_TOKEN_KEYS)
    except ValueError as exc:
        raise ConfigError(f"ATOM_TOKEN_KEYS: {exc}") from None

ALLOWED_HOSTS = env.items("ATOM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.items("ATOM_CSRF_TRUSTED_ORIGINS", [])

# Client address resolution (docs/architecture.md, "The request path"): REMOTE_ADDR unless
# it is one of these proxies, then the rightmost untrusted X-Forwarded-For hop.
ATOM_TRUSTED_PROXIES = env.parsed(
    "ATOM_TRUSTED_PROXIES", TrustedProxies.parse, TrustedProxies.parse("")
)
# Intranet installations (and tests) may allow private addresses in a
# company's allowlist; public deployments never need to.
ATOM_ALLOW_PRIVATE_ADDRESSES = env.flag("ATOM_ALLOW_PRIVATE_ADDRESSES", False)

# Tunables: every limit and interval of Atom, in this one place.
#
# Each is read where it is used, at call time (``settings.ATOM_...`` inside a
# function, never copied into a module constant at import), so tests change
# one with ``override_settings`` and nothing needs reloading. Each names its
# unit and the environment variable that overrides it; the README's
# Configuration table lists them too. The framework-free core
# (atom.security.core) never reads settings: its callers pass the limit.

# How often each process looks for security changes saved by another process:
# the bound on how long a rotated token or a saved allowlist may lag.
# Seconds; ATOM_PROPAGATION_INTERVAL_MS, in milliseconds, default 250.
ATOM_PROPAGATION_INTERVAL = (
    env.integer("ATOM_PROPAGATION_INTERVAL_MS", 250, minimum=10, maximum=1000) / 1000
)
# With Redis answering, the database row of security changes is still read
# this often, so a lost announcement costs at most this long (within the
# one-second bound above). Seconds; ATOM_DATABASE_SAFETY_INTERVAL_MS, in
# milliseconds, default 750.
ATOM_DATABASE_SAFETY_INTERVAL = (
    env.integer("ATOM_DATABASE_SAFETY_INTERVAL_MS", 750, minimum=10, maximum=1000) / 1000
)
# API requests per second per company, for companies without their own
# limit (`atom ratelimit`). Requests per second; default 50.
ATOM_DEFAULT_RATE_LIMIT = env.integer("ATOM_DEFAULT_RATE_LIMIT", 50, minimum=1, maximum=1_000_000)
# Failed token attempts (missing, malformed or unknown tokens) one address
# may make per window before it is answered 429 without its token being
# read. Attempts; default 30 per 60-second window.
ATOM_TOKEN_FAILURE_LIMIT = env.integer("ATOM_TOKEN_FAILURE_LIMIT", 30, minimum=1, maximum=1_000_000)
ATOM_TOKEN_FAILURE_WINDOW_SECONDS = env.integer(
    "ATOM_TOKEN_FAILURE_WINDOW_SECONDS", 60, minimum=1, maximum=3600
)
# A token's last use (time, address, browser) is written at most once per
# token in this interval per process: the admin needs "which integration
# still uses the old token", not a write on every request. Seconds; default 60.
ATOM_LAST_USE_INTERVAL_SECONDS = env.integer(
    "ATOM_LAST_USE_INTERVAL_SECONDS", 60, minimum=1, maximum=86_400
)
# A refused address is audited at most once per company in this window: an
# attacker decides how often it knocks, not how big the audit log grows.
# Seconds; default 60.
ATOM_DENIAL_AUDIT_WINDOW_SECONDS = env.integer(
    "ATOM_DENIAL_AUDIT_WINDOW_SECONDS", 60, minimum=1, maximum=86_400
)
# Memory bounds of each serving process. Unknown token digests are
# remembered so that a client hammering with one bad token costs a lookup,
# not a query; counter keys (rate limits, failures per address) are
# remembered to spare Redis round trips. Past the bound a table is emptied:
# random tokens or many attacking addresses cannot grow memory without
# limit, and forgetting costs only a query or a round trip. Entries;
# defaults 10,000 and 100,000.
ATOM_UNKNOWN_TOKENS_REMEMBERED = env.integer(
    "ATOM_UNKNOWN_TOKENS_REMEMBERED", 10_000, minimum=1, maximum=10_000_000
)
ATOM_COUNTER_KEYS_REMEMBERED = env.integer(
    "ATOM_COUNTER_KEYS_REMEMBERED", 100_000, minimum=1, maximum=10_000_000
)
# Companies (allowlist, limits), known tokens and verified Authorization
# headers each serving process keeps in memory, each table at most this many:
# past it the least recently used entry is evicted and loaded again (one
# query) on its next use, so memory stays bounded however many companies
# call. `state.stats()` (atom.security.runtime.state) reports the hit rate.
# Entries per table; default 50,000.
ATOM_SECURITY_CACHE_ENTRIES = env.integer(
    "ATOM_SECURITY_CACHE_ENTRIES", 50_000, minimum=1, maximum=10_000_000
)
# Flows whose definition (company, variables) each process keeps for their
# webhooks, so that a webhook call does not query its flow. Past the bound
# the table is emptied. Flows; default 10,000.
ATOM_FLOWS_REMEMBERED = env.integer("ATOM_FLOWS_REMEMBERED", 10_000, minimum=1, maximum=10_000_000)
# Group commit (atom.api.group_commit): a worker of `atom serve` stores the
# webhook calls and template sends that reach it together in one
# transaction, at most this many. Requests; default 64.
ATOM_GROUP_COMMIT_MAX = env.integer("ATOM_GROUP_COMMIT_MAX", 64, minimum=1, maximum=1_000)
# How long the first request of a group may wait while the worker serves
# others that keep arriving, before the group is committed anyway. When no
# other request waits, a group is committed at once. Milliseconds; default 20.
ATOM_GROUP_COMMIT_WAIT_MS = env.integer("ATOM_GROUP_COMMIT_WAIT_MS", 20, minimum=0, maximum=1_000)
# How long a Redis connection or answer may take before Redis counts as
# failed, and how long it is then left alone (one timeout per interval at
# worst, instead of one per request). Seconds; ATOM_REDIS_TIMEOUT_MS, in
# milliseconds, default 500; ATOM_REDIS_RETRY_AFTER_SECONDS, default 5.
ATOM_REDIS_TIMEOUT = env.integer("ATOM_REDIS_TIMEOUT_MS", 500, minimum=10, maximum=60_000) / 1000
ATOM_REDIS_RETRY_AFTER_SECONDS = env.integer(
    "ATOM_REDIS_RETRY_AFTER_SECONDS", 5, minimum=1, maximum=3600
)
# Sudo mode: revealing, copying, generating or saving the API token asks for
# the password unless it was entered this recently. Minutes; default 15.
ATOM_SUDO_MINUTES = env.integer("ATOM_SUDO_MINUTES", 15, minimum=1, maximum=24 * 60)
# A token made by "Generate new Token" works nowhere until Save; unsaved
# this long, it lapses and Save needs a new one. Minutes; default 60.
ATOM_PENDING_TOKEN_MINUTES = env.integer(
    "ATOM_PENDING_TOKEN_MINUTES", 60, minimum=1, maximum=7 * 24 * 60
)
# Between the password and the second step of a log-in: unfinished this
# long, the log-in starts again from the password. Minutes; default 5.
ATOM_SECOND_STEP_MINUTES = env.integer("ATOM_SECOND_STEP_MINUTES", 5, minimum=1, maximum=60)
# An Idempotency-Key counts for this long; `atom prune` deletes older ones.
# Hours; default 24.
ATOM_IDEMPOTENCY_KEY_HOURS = env.integer(
    "ATOM_IDEMPOTENCY_KEY_HOURS", 24, minimum=1, maximum=30 * 24
)
# The largest JSON body the API and webhooks accept, refused with 413 before
# and while reading. KiB; default 64 (at most DATA_UPLOAD_MAX_MEMORY_SIZE).
ATOM_API_MAX_BODY_KIB = env.integer("ATOM_API_MAX_BODY_KIB", 64, minimum=1, maximum=1024)

# A console session's last activity is written (to the session and to its
# "Where you're signed in" line) at most this often: enough for an idle
# timeout of 15 minutes or more, without a write per click. Seconds; default 60.
ATOM_SESSION_SEEN_INTERVAL_SECONDS = env.integer(
    "ATOM_SESSION_SEEN_INTERVAL_SECONDS", 60, minimum=1, maximum=3600
)
# Security emails (`atom send-emails`): a claimed email not marked sent
# after this long is taken again by another worker (it died mid-send).
# Seconds; default 120.
ATOM_EMAIL_LEASE_SECONDS = env.integer("ATOM_EMAIL_LEASE_SECONDS", 120, minimum=10, maximum=3600)
# Attempts before a security email is given up and left as "failed", with
# its last error; retried after 1, 2, 4... minutes (at most an hour apart).
# Attempts; default 12 (about 8 hours).
ATOM_EMAIL_MAX_ATTEMPTS = env.integer("ATOM_EMAIL_MAX_ATTEMPTS", 12, minimum=1, maximum=100)
# The console's address as users reach it, for the links in security emails.
ATOM_CONSOLE_URL = env.text("ATOM_CONSOLE_URL", "http://127.0.0.1:8000")

REDIS_URL = env.secret("REDIS_URL")

HTTPS = env.flag("ATOM_HTTPS", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    # Swagger UI's files for /api/docs, served from Atom's own static files.
    "ninja",
    "atom.accounts",
    "atom.companies",
    "atom.security",
    "atom.audit",
    "atom.api",
    "atom.flows",
    "atom.outbox",
    "atom.signins",
    "atom.mail",
    "atom.twofactor",
]

MIDDLEWARE = [
    # First: the scheme (X-Forwarded-Proto) is believed only from a trusted
    # proxy, before anything asks whether the request is secure.
    "atom.security.runtime.middleware.client_address",
    # API and webhook calls leave here for the API's own short chain (the
    # gate, security headers, the view): atom.api.short_path.
    "atom.api.short_path.api_short_path",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "atom.security.runtime.middleware.content_security_policy",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "atom.security.runtime.middleware.console_allowlist",
    "atom.signins.middleware.session_limits",
    "atom.accounts.middleware.password_change_required",
    "atom.twofactor.middleware.second_step_required",
]

ROOT_URLCONF = "atom.urls"
WSGI_APPLICATION = "atom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "atom.companies.context_processors.navigation",
            ],
        },
    }
]

# Database: embedded SQLite by default, PostgreSQL (or any URL Django knows)
# through DATABASE_URL.
_database_url = env.secret("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {
            "default": dj_database_url.parse(
                _database_url, conn_max_age=600, conn_health_checks=True
            )
        }
    except ValueError as exc:
        raise ConfigError(f"DATABASE_URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "atom.sqlite3",
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of failing with
        # "database is locked" when both try to upgrade a read lock.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "atom.accounts.backends.EmailBackend",
]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "atom.accounts.validators.CompanyMinimumLengthValidator"},
    {"NAME": "atom.accounts.validators.MaximumLengthValidator"},
    {"NAME": "atom.accounts.validators.CommonPasswordValidator"},
    {"NAME": "atom.accounts.validators.EmailSimilarityValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Log-in throttling (django-axes): five failures for one account from one
# address lock that pair out for 15 minutes. Locking per pair, not per
# account alone, keeps an attacker from locking a real user out from
# everywhere by failing on purpose.
AXES_FAILURE_LIMIT = env.integer("ATOM_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "atom.security.runtime.middleware.client_address_text"
AXES_LOCKOUT_CALLABLE = "atom.accounts.views.locked_out"
AXES_USERNAME_CALLABLE = "atom.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Masked in the POST data django-axes stores with each failure; every field
# that carries a secret checked through atom.accounts.verification is here.
AXES_SENSITIVE_PARAMETERS = [
    "password",
    "current_password",
    "new_password1",
    "new_password2",
    "old_password",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
if HTTPS:
    # "__Host-": the browser itself refuses these cookies unless they are
    # Secure, for this host only and for the whole site (OWASP ASVS 3.4.4),
    # so no subdomain or plain-HTTP page can plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.flag("ATOM_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.integer("ATOM_HSTS_SECONDS", 31536000, minimum=0, maximum=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the domain and its subdomains to HTTPS in browsers
    # for months, beyond this deployment: the operator opts in. Until then
    # Django's reminder (security.W021) is not a finding of `check --deploy`.
    SECURE_HSTS_PRELOAD = env.flag("ATOM_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    # The scheme only comes from a proxy that the operator trusts.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Bodies and headers beyond these are refused before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
# The console's stylesheet and modules live in the package, not in an app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Only needed for `atom collectstatic` behind a CDN; WhiteNoise serves the
# apps' static folders directly (below).
STATIC_ROOT = env.text("ATOM_STATIC_ROOT", "") or None
# Serve straight from the apps' static folders: no collectstatic step to
# forget, and files are still cached and compressed by WhiteNoise.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    # Log-in failure counts shared by every host (django-axes); see
    # atom.security.runtime.fallback_cache for what happens while Redis is down.
    CACHES["axes"] = {
        "BACKEND": "atom.security.runtime.fallback_cache.RedisWithFallbackCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "atom-axes",
    }
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    AXES_CACHE = "axes"
else:
    # One host: the database is what every process shares.
    AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# E-mail (password reset): printed on the console unless SMTP is configured.
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}.get(env.text("ATOM_EMAIL_BACKEND", "console"), "")
if not EMAIL_BACKEND:
    raise ConfigError("ATOM_EMAIL_BACKEND: expected 'console' or 'smtp'.")
EMAIL_HOST = env.text("ATOM_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("ATOM_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.text("ATOM_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.secret("ATOM_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env.flag("ATOM_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.text("ATOM_EMAIL_FROM", "Atom <no-reply@atom.localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.text("ATOM_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry paths only; bodies and headers are never logged.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
