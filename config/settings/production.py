"""Production: behind a TLS proxy, served by gunicorn (config/gunicorn.conf.py).

Every knob is an environment variable; docs/deploy.md has the table. Required: SECRET_KEY.
"""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, SILENCED_SYSTEM_CHECKS
from .env import env_bool, env_int, env_list, env_str, env_url

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
# Former keys, comma-separated: still accepted for signatures and to decrypt two-factor secrets.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
# Two-factor secrets are encrypted with a key derived from this (else from SECRET_KEY); see
# docs/deploy.md "Two-factor secrets" before setting or changing it.
MFA_ENCRYPTION_KEY = env_str("MFA_ENCRYPTION_KEY", "")
MFA_ENCRYPTION_KEY_FALLBACKS = env_list("MFA_ENCRYPTION_KEY_FALLBACKS", "")
DEFAULT_PLATFORM_HOSTS = env_list("DEFAULT_PLATFORM_HOSTS", "")

# A database that does not answer fails a request (and /readyz) in seconds, not minutes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DB_CONNECT_TIMEOUT", 5
    )

# ALLOWED_HOSTS stays "*" (base.py): the Domain table is the allowlist, and the tenancy
# middleware answers every host that is no platform's with a 404 before any view runs.
# `check --deploy` does not warn about "*" (only about an empty list), so nothing is silenced.

# --- HTTPS: the proxy terminates TLS and sets X-Forwarded-Proto (it must overwrite any value a
# client sent; Caddy and the nginx snippet in docs/deploy.md do).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe over plain HTTP by IP: the health endpoints answer there, not redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)  # one year
# Off by default: a platform's own domain (e.g. mitmachen.example.org) may have sibling hosts
# the organisation runs without HTTPS; includeSubDomains on example.org's answers would lock
# them out of browsers for a year. Preloading is as hard to undo. Switch on per installation.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# `check --deploy` warns about both (W005, W021); they are off on purpose, for the reason above.
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Host-only cookies (no SESSION_COOKIE_DOMAIN / CSRF_COOKIE_DOMAIN): a session on one
# platform's domain is nothing on another's. HttpOnly and SameSite=Lax (base.py) as well.
SESSION_COOKIE_HTTPONLY = True
# allauth counts sign-in attempts per client address: behind the proxy that is the last
# X-Forwarded-For entry (the address the proxy saw; Caddy and the nginx snippet set it), not
# REMOTE_ADDR, which is the proxy itself. Two proxies in a row (a load balancer): 2.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
# nosniff, Referrer-Policy, X-Frame-Options, COOP and the Content-Security-Policy: base.py.
# CSRF_TRUSTED_ORIGINS is not needed: every form posts to its own origin over HTTPS.

# --- static files: WhiteNoise serves them from STATIC_ROOT (`manage.py collectstatic`), with
# hashed names (cached for a year, immutable) and gzip-compressed copies.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- caches: task cards, rate limits (allauth) and, with Redis, sessions. Several gunicorn
# workers (and machines) must share the cache, so no process-local cache here.
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "crowdmoving"),
            # A Redis that hangs must not hang every request with it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # Sessions are read from Redis and written through to the database: a Redis restart
    # signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Rate-limit counters (crowdmoving.core.ratelimit) shared by every worker: exact limits.
    CACHES["ratelimit"] = {
        **CACHES["default"],
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "crowdmoving") + "-ratelimit",
    }
    # django_ratelimit.W001 (silenced in base.py) names only the django-redis package as
    # supported; Django's own RedisCache increments with Redis INCR, which is atomic. E003
    # (a per-process cache) no longer applies.
    SILENCED_SYSTEM_CHECKS.remove("django_ratelimit.E003")
else:
    # The table is created by `manage.py createcachetable` (docs/deploy.md).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "crowdmoving_cache",
            # A project page reads one card per task: room for many projects' cards.
            "OPTIONS": {"MAX_ENTRIES": 50_000, "CULL_FREQUENCY": 4},
        },
        # Rate-limit counters stay per process without Redis: the database cache cannot
        # increment atomically (base.py, RATELIMIT_USE_CACHE and the silenced check).
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "crowdmoving-ratelimit",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }
