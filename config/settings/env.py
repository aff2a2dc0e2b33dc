"""Typed environment helpers that fail loudly on bad values."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_url(name: str, default: str | None = None, *, schemes: tuple[str, ...]) -> str:
    """A URL with one of ``schemes`` that names a host or a path (sqlite:///file, a unix
    socket); "" when unset and the default is ""."""
    value = env_str(name, default)
    if value == "":
        return value
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.hostname or parts.path.strip("/")):
        allowed = ", ".join(f"{scheme}://" for scheme in schemes)
        # The value is not repeated: it may hold a password.
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with {allowed} and naming a host or path "
            f"(it starts with {parts.scheme or 'no scheme'!r})."
        )
    return value
