"""The shape of a personal access token and how a presented one is checked.

A token reads ``cm_<prefix>_<secret>``: ``prefix`` (8 hex characters) is stored and shown so
that a person can tell their tokens apart; ``secret`` is 256 random bits. Only the SHA-256
digest of the whole token is stored. A plain, unsalted SHA-256 is the right tool here (as for
GitHub's and Django REST Knox's tokens): salts and slow hashes protect guessable passwords,
whereas a random 256-bit secret cannot be guessed or looked up in a table, and a fast digest
lets every API request find its token with one indexed query."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.utils import timezone

from crowdmoving.accounts.deletion import is_tombstone
from crowdmoving.tenancy.models import Platform

from .models import AccessToken

PREFIX = "cm_"


@dataclass(frozen=True)
class NewToken:
    prefix: str
    secret: str  # the whole token as the person copies it: shown once, never stored

    @property
    def key_hash(self) -> str:
        return digest(self.secret)


def generate() -> NewToken:
    prefix = secrets.token_hex(4)
    return NewToken(prefix=prefix, secret=f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}")


def digest(presented: str) -> str:
    return hashlib.sha256(presented.encode()).hexdigest()


def valid_token(presented: str, platform: Platform) -> AccessToken | None:
    """The token ``presented`` if it was made on ``platform`` (the one being served) and still
    works: not revoked, not expired, its person active and not deleted. One query."""
    if not presented.startswith(PREFIX) or len(presented) > 200:
        return None
    token = (
        AccessToken.objects.filter(key_hash=digest(presented), platform=platform)
        .select_related("user")
        .first()
    )
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    if not token.user.is_active or is_tombstone(token.user):
        return None
    return token
