"""Settings shared by every environment. dev, test and production only adjust these."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
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
    "django_htmx",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "crowdmoving.core.dbrouter.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crowdmoving.tenancy.middleware.PlatformMiddleware",
    "crowdmoving.tenancy.middleware.PlatformLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
# A streaming replica of the primary serves the reads of anonymous page views
# (crowdmoving.core.dbrouter); tests treat it as a mirror of the default database.
if env_str("DATABASE_REPLICA_URL", ""):
    with_replica = database_from_env(VAR_DIR / "db.sqlite3", variable="DATABASE_REPLICA_URL")
    DATABASES["replica"] = with_replica | {"TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["crowdmoving.core.dbrouter.ReplicaRouter"]
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

CROWDMOVING = {
    "HOLD_MINUTES": 60,  # how long a place is held for a visitor until they confirm by email
    "COVER_MAX_BYTES": 5 * 1024 * 1024,
    "COVER_MAX_SIDE": 1600,
    "CONFIRMATION_CODE_ATTEMPTS": 5,
    "OUTBOX_MAX_ATTEMPTS": 8,
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
