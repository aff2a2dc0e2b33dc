"""Production-like settings for the benchmark: DEBUG off, cached templates, a fixed key and
the benchmark's own database (BENCH_DATABASE_URL, set by bench/run.py)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import dj_database_url

from config.settings.base import *  # noqa: F403
from config.settings.base import SQLITE_OPTIONS, VAR_DIR

DEBUG = False
SECRET_KEY = "bench-only-secret-key-not-for-production"  # noqa: S105
DEFAULT_PLATFORM_HOSTS = ["bench.localhost", "localhost", "127.0.0.1"]
ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the outbox is only written
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}

_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'bench.sqlite3'}"
DATABASES = {"default": dict(dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)

# The benchmark serves no static files; whitenoise need not warn about a missing collectstatic.
warnings.filterwarnings("ignore", message="No directory at")

# bench/load.py serves the collected static files as production does (hashed names, gzip copies)
# and, with BENCH_REDIS_URL, shares the cache and the sessions between the workers through Redis
# (production's choice when REDIS_URL is set); without it each worker has its own local cache.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
if os.environ.get("BENCH_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_REDIS_URL"],
            "KEY_PREFIX": "crowdmoving-bench",
        },
        # as production with REDIS_URL: rate-limit counters shared by the workers
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["BENCH_REDIS_URL"],
            "KEY_PREFIX": "crowdmoving-bench-ratelimit",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
