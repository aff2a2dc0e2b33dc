from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_PLATFORM_HOSTS = [*DEFAULT_PLATFORM_HOSTS, "[::1]"]  # noqa: F405
# <slug>.localhost:8000 reaches a new platform (browsers resolve *.localhost to loopback).
PLATFORM_BASE_DOMAIN = env_str("PLATFORM_BASE_DOMAIN", "localhost").strip().lower().strip(".")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
