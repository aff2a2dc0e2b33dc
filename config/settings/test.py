import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
SECRET_KEY = "test-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_PLATFORM_HOSTS = ["localhost", "127.0.0.1", "testserver"]
MEDIA_ROOT = VAR_DIR / "test-media"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that the concurrency tests' threads really share one database.
    # CROWDMOVING_TEST_DB lets parallel runs on one machine use separate files.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / os.environ.get("CROWDMOVING_TEST_DB", "test-db.sqlite3"))
    }
ACCOUNT_RATE_LIMITS = False  # type: ignore[assignment]  # allauth takes False for "none"
# Our own rate limits (crowdmoving.core.ratelimit) are off too: many tests act as one person.
# The tests of the limits switch them on (settings.RATELIMIT_ENABLE = True).
RATELIMIT_ENABLE = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
