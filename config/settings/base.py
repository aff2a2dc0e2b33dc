"""Settings shared by every environment. dev, test and production only adjust these."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = ["*"]  # the Domain table decides which hosts are served (tenancy middleware)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # its templates; crowdmoving.reach.seo serves the sitemaps
    "django_htmx",
    "csp",
    "django_ratelimit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # the API's interactive docs: swagger-ui from ninja's static files, not a CDN
    "crowdmoving.core",
    "crowdmoving.tenancy",
    "crowdmoving.accounts",
    "crowdmoving.organisations",
    "crowdmoving.projects",
    "crowdmoving.notifications",
    "crowdmoving.team",
    "crowdmoving.audit",
    "crowdmoving.privacy",
    "crowdmoving.pages",
    "crowdmoving.reach",
    "crowdmoving.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages are sent gzip-compressed to browsers that ask (static files are compressed by
    # whitenoise ahead of time). Django pads the compressed body by a random length, its
    # mitigation of BREACH for pages that carry a CSRF token.
    "django.middleware.gzip.GZipMiddleware",
    # X-Robots-Tag: noindex on private addresses (crowdmoving.reach.seo.PRIVATE_PATHS).
    "crowdmoving.reach.seo.NoindexMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crowdmoving.core.dbrouter.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crowdmoving.tenancy.middleware.PlatformMiddleware",
    # A session belongs to the platform it was started on (a visitor on any other).
    "crowdmoving.tenancy.sessions.PlatformSessionMiddleware",
    "crowdmoving.audit.middleware.AuditContextMiddleware",
    "crowdmoving.tenancy.middleware.PlatformLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Administrators and operators without an authenticator app are sent to set one up.
    "crowdmoving.accounts.mfa.RequireSecondFactorMiddleware",
    # Signed-in people accept the platform's current privacy text before they go on.
    "crowdmoving.privacy.middleware.ConsentMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "crowdmoving" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crowdmoving.tenancy.context_processors.platform",
                "crowdmoving.notifications.context_processors.unread",
                "crowdmoving.pages.context_processors.navigation",
            ],
        },
    }
]

SQLITE_OPTIONS = {
    # One writer at a time, taken at BEGIN: no "database is locked" upgrades mid-transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env(default_sqlite: Path, variable: str = "DATABASE_URL") -> dict[str, Any]:
    """DATABASE_URL when set (PostgreSQL in production and CI), else the embedded SQLite file.

    Connections persist for DB_CONN_MAX_AGE seconds (checked before reuse). With DB_POOL=1 on
    PostgreSQL each process keeps a psycopg pool of DB_POOL_MIN_SIZE..DB_POOL_MAX_SIZE
    connections instead (Django requires CONN_MAX_AGE=0 with a pool)."""
    url = env_url(
        variable,
        f"sqlite:///{default_sqlite}",
        schemes=("sqlite", "postgres", "postgresql", "pgsql"),
    )
    config = dj_database_url.parse(
        url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = dict(SQLITE_OPTIONS)
    if env_bool("DB_POOL", False):
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DB_POOL=1 needs PostgreSQL in DATABASE_URL.")
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "pool": {
                "min_size": env_int("DB_POOL_MIN_SIZE", 1),
                "max_size": env_int("DB_POOL_MAX_SIZE", 4),
                "timeout": env_int("DB_POOL_TIMEOUT", 10),  # seconds to wait for a connection
            },
        }
    return dict(config)


DATABASES = {"default": database_from_env(VAR_DIR / "db.sqlite3")}
# A streaming replica of the primary serves the reads of anonymous page views
# (crowdmoving.core.dbrouter); tests treat it as a mirror of the default database.
if env_str("DATABASE_REPLICA_URL", ""):
    with_replica = database_from_env(VAR_DIR / "db.sqlite3", variable="DATABASE_REPLICA_URL")
    DATABASES["replica"] = with_replica | {"TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["crowdmoving.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "projects:home"

# django-allauth: email is the identity; a password is optional thanks to login by code.
ACCOUNT_ADAPTER = "crowdmoving.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "crowdmoving.accounts.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True

# Sign-in throttling without permanent lock-out: allauth counts attempts in the default cache
# per address ("ip"), per typed email address ("key") or per person ("user"), in sliding
# windows; a refused attempt gets the 429 page and works again once the window has passed.
# docs/deploy.md lists them. Behind the proxy the address is the last X-Forwarded-For entry
# (ALLAUTH_TRUSTED_PROXY_COUNT in production.py).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",  # every sign-in attempt from one address
    # Wrong passwords: 10 a minute from one address; 5 in 5 minutes for one account (also
    # wrong authenticator codes, per person). A successful sign-in does not reset the count.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "10/m/ip",
    "confirm_email": "1/3m/key",  # resending the confirmation mail to one address
    "reset_password": "10/m/ip,3/15m/key",  # reset mails: per address and per email
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "10/m/ip,3/15m/key",  # sign-in codes mailed to one email
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3  # wrong codes before a sign-in code is spent

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with recovery codes,
# offered to everyone, required for platform administrators and operators
# (crowdmoving.accounts.mfa). The issuer shown in the app is the platform's name.
MFA_ADAPTER = "crowdmoving.accounts.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_TOLERANCE = 1  # accept the code of the previous and next 30 seconds (clock drift)
MFA_RECOVERY_CODE_COUNT = 10
# The app's secret and the recovery codes' seed are stored encrypted (crowdmoving.accounts.
# mfa_secrets) with a key derived from MFA_ENCRYPTION_KEY, or from SECRET_KEY when it is empty;
# SECRET_KEY_FALLBACKS and MFA_ENCRYPTION_KEY_FALLBACKS still decrypt (production.py: env).
MFA_ENCRYPTION_KEY = ""
MFA_ENCRYPTION_KEY_FALLBACKS: list[str] = []

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "crowdmoving" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The project-wide static folder (app.css, vendored htmx) belongs to no app: name it, or no
# finder (and no collectstatic) sees it.
STATICFILES_DIRS = [BASE_DIR / "crowdmoving" / "static"]
# Static files are served by WhiteNoise (compressed, cache-busted in production); in development
# and tests straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Mail leaves only through the outbox (crowdmoving.notifications); this is the transport.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # well below the outbox's 5-minute claim
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Crowdmoving <noreply@crowdmoving.localhost>")

# Rendered task cards (keyed by the task's version) and other derived data. One process-local
# cache by default; a shared cache (Redis) for several app servers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "crowdmoving",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Hosts that always mean the default platform (the hub), besides the Domain table.
DEFAULT_PLATFORM_HOSTS = env_list("DEFAULT_PLATFORM_HOSTS", "localhost,127.0.0.1")
# A new platform gets the subdomain <slug>.<PLATFORM_BASE_DOMAIN> as its primary domain (the
# operator console); empty: no subdomain, the operator attaches domains by hand.
PLATFORM_BASE_DOMAIN = env_str("PLATFORM_BASE_DOMAIN", "").strip().lower().strip(".")

CROWDMOVING: dict[str, Any] = {
    "HOLD_MINUTES": 60,  # how long a place is held for a visitor until they confirm by email
    "COVER_MAX_BYTES": 5 * 1024 * 1024,
    "COVER_MAX_SIDE": 1600,
    "CONFIRMATION_CODE_ATTEMPTS": 5,
    "OUTBOX_MAX_ATTEMPTS": 8,
    # Retention (crowdmoving.privacy.retention, once a day by the worker): accounts that never
    # confirmed their address, and the rows of held places that were never confirmed.
    "RETENTION_UNCONFIRMED_ACCOUNT_DAYS": env_int("RETENTION_UNCONFIRMED_ACCOUNT_DAYS", 7),
    "RETENTION_EXPIRED_HOLD_DAYS": env_int("RETENTION_EXPIRED_HOLD_DAYS", 30),
    "RETENTION_CONTACT_MESSAGE_DAYS": env_int("RETENTION_CONTACT_MESSAGE_DAYS", 180),
    # Email alerts (crowdmoving.reach) nobody confirmed by the emailed link.
    "RETENTION_UNCONFIRMED_ALERT_DAYS": env_int("RETENTION_UNCONFIRMED_ALERT_DAYS", 7),
    # The client address of audit entries (blanked; the entries stay), kept for investigations.
    "RETENTION_AUDIT_IP_DAYS": env_int("RETENTION_AUDIT_IP_DAYS", 90),
    # Where `manage.py backup` writes its sets (and `--keep` prunes); see README "Operations".
    "BACKUP_DIR": Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups"))),
    # Requests per person (signed in) or per address (visitors) and window, counted by
    # crowdmoving.core.ratelimit; over the limit the 429 page says when to try again. Only
    # POSTs count. docs/deploy.md has the table; sign-in, sign-up and codes are allauth's own.
    "RATE_LIMITS": {
        "take": "30/10m",  # take, join the waiting list, step back (shared)
        "hold": "20/10m",  # visitors hold a place (a mail each); a shared tablet at a fair
        "code": "30/10m",  # typing the emailed code (each hold also allows only 5 tries)
        "team_message": "30/10m",  # across projects; each project also allows 10 per person
        "invitation": "30/h",  # invitations sent by one organiser (a mail each)
        "export": "10/h",  # downloading one's own data
        "supporters_export": "30/h",  # supporter lists (CSV) downloaded by one organiser
        "delete_account": "10/h",
        "contact": "5/h",  # messages sent through a platform's contact form (a mail each)
        # The JSON API (crowdmoving.api.auth): every request, per token, else per address.
        "api_read": "600/10m",  # GET
        "api_write": "120/10m",  # POST, PATCH (take, step back, edit)
        "alerts": "10/h",  # email alerts asked for (a confirmation mail each)
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- security headers, the same in every environment (HSTS and Secure cookies: production.py).
# No inline script or style anywhere: JavaScript in static/js/, CSS in static/css/app.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"  # for browsers without CSP frame-ancestors
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links in stories and messages lead to other sites: they learn nothing of the page (an
# inner-circle project's secret link included); our own pages still see where one came from.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "crowdmoving.core.views.csrf_failure"

# --- rate limits (crowdmoving.core.ratelimit, django-ratelimit). Counting needs an atomic
# increment: LocMem's is (one lock per process), the database cache's is not (get, then set,
# and a write lock on SQLite for every counted POST). So the counters live in a cache of their
# own, per process here and in production without Redis; with REDIS_URL production counts in
# Redis (production.py).
CACHES["ratelimit"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "crowdmoving-ratelimit",
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
RATELIMIT_USE_CACHE = "ratelimit"
SILENCED_SYSTEM_CHECKS = [
    # django_ratelimit.E003 "LocMemCache is not a shared cache": true and accepted. With W
    # worker processes a client can reach at most W times a limit; the limits are a brake on
    # abuse and mail floods, not a quota. Set REDIS_URL for exact limits (production.py).
    "django_ratelimit.E003",
    # django_ratelimit.W001 "not officially supported": it names only memcached and the
    # django-redis package; the reason we accept LocMem is the one above.
    "django_ratelimit.W001",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
