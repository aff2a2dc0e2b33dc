"""Two-factor secrets encrypted at rest.

allauth.mfa keeps the authenticator app's secret (``data["secret"]``) and the seed of the
recovery codes (``data["seed"]``, and ``data["migrated_codes"]`` of codes imported from
django-otp) in ``mfa_authenticator``; anyone with a database dump could make every
administrator's codes from them. ``MFAAdapter.encrypt``/``decrypt`` (crowdmoving.accounts.mfa)
run them through this module, and migration accounts 0003 encrypted the rows written before.

The key: Fernet (AES-128-CBC + HMAC-SHA256), derived with HKDF-SHA256 (info
``b"crowdmoving mfa"``) from ``MFA_ENCRYPTION_KEY`` if set, otherwise from ``SECRET_KEY``.
Decryption also tries ``MFA_ENCRYPTION_KEY_FALLBACKS``, ``SECRET_KEY`` and
``SECRET_KEY_FALLBACKS`` (in that order), so rotating either key, or introducing
``MFA_ENCRYPTION_KEY`` later, locks nobody out while the old key is listed;
``manage.py rotate_mfa_secrets`` re-encrypts every row with the current key so that the old
one can then be dropped.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "fernet:"
HKDF_INFO = b"crowdmoving mfa"
# The values of ``Authenticator.data`` that are secrets: strings, and one list of strings.
SECRET_FIELDS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


class UndecryptableSecret(Exception):
    """An encrypted value none of the configured keys opens (the key was lost or changed
    without keeping the old one as a fallback)."""


def _fernet_key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


def configured_keys() -> tuple[str, ...]:
    """The secrets to derive keys from: the first encrypts, all of them decrypt."""
    dedicated = getattr(settings, "MFA_ENCRYPTION_KEY", "") or ""
    keys = [dedicated, *getattr(settings, "MFA_ENCRYPTION_KEY_FALLBACKS", [])] if dedicated else []
    keys += [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    # Without repeats, in order (a fallback that equals the current key costs a try).
    return tuple(dict.fromkeys(key for key in keys if key))


@lru_cache(maxsize=8)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(text: str) -> str:
    """``text`` encrypted with the current key, marked with ``PREFIX``."""
    return PREFIX + _box(configured_keys()).encrypt(text.encode()).decode("ascii")


def decrypt(value: str) -> str:
    """The text of a value ``encrypt`` made; raises UndecryptableSecret if no key opens it.

    A value without ``PREFIX`` is returned unchanged: rows written before secrets were
    encrypted (and, during a deploy, by a process still running the old code before the
    migration ran) hold the plain secret, and refusing them would lock those people out.
    The prefix cannot occur in a plain value: TOTP secrets are base32 and recovery seeds
    hexadecimal, neither has a colon."""
    if not is_encrypted(value):
        return value
    try:
        return _box(configured_keys()).decrypt(value[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise UndecryptableSecret from error


def rotate(value: str) -> str:
    """``value`` encrypted with the current key (a plain value encrypted, an encrypted one
    re-encrypted); raises UndecryptableSecret if no key opens it."""
    return encrypt(decrypt(value))


def transform_data(
    data: dict[str, Any], change: Callable[[str], str]
) -> tuple[dict[str, Any], bool]:
    """``Authenticator.data`` with ``change`` (a function str -> str) applied to every secret
    in it, and whether anything changed."""
    new = dict(data)
    for field in SECRET_FIELDS:
        if isinstance(new.get(field), str):
            new[field] = change(new[field])
    for field in SECRET_LISTS:
        if isinstance(new.get(field), list):
            new[field] = [change(item) for item in new[field]]
    return new, new != data
