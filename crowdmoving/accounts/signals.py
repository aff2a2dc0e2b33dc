"""The audit log's record of sign-ins, failed sign-ins, sign-outs, password and two-factor
changes, from Django's and allauth's signals (connected in ``apps.Config.ready``).

Entries name the person as a foreign key only: never the typed email address, a password, a
code or a token. A failed sign-in names the account (``subject``) when the typed address
belongs to one.
"""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action

from . import mfa
from .models import User


def _methods(request: HttpRequest, user: User) -> list[str]:
    """How the person proved who they are in this session: password, code, mfa."""
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, user)
    return sorted({str(r.get("method", "")) for r in records} - {""})


def on_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """allauth's sign-in (password, emailed code, and the authenticator step after them)."""
    record(Action.LOGIN, request=request, actor=user, subject=user, methods=_methods(request, user))


def on_session_started(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Every new session (Django's signal): decide once whether this person must set up an
    authenticator app, so that the requests after it ask nothing (mfa.lacks_second_factor)."""
    if request is not None and hasattr(request, "session"):
        mfa.remember_state(request, user)


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A wrong password (Django's signal, sent by ``authenticate``): the typed address only
    serves to find the account; it is not stored."""
    email = credentials.get("email") or credentials.get("username") or ""
    subject = User.objects.filter(email__iexact=email).first() if email else None
    record(Action.LOGIN_FAILED, request=request, subject=subject, method="password")


def on_login_code_rejected(
    sender: Any, request: HttpRequest, user: User | None = None, **kwargs: Any
) -> None:
    record(
        Action.LOGIN_FAILED,
        request=request,
        subject=user,
        method="code",
        last_attempt=bool(kwargs.get("last_attempt")),
    )


def on_second_factor_failed(
    sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    """A wrong authenticator or recovery code, at sign-in or when confirming it is you."""
    record(
        Action.LOGIN_FAILED,
        request=request,
        subject=user,
        method="mfa",
        reauthentication=bool(kwargs.get("reauthentication")),
    )


def on_logged_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        record(Action.LOGOUT, request=request, actor=user, subject=user)


def _password(how: str) -> Any:
    def receiver(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        record(Action.PASSWORD_CHANGED, request=request, actor=user, subject=user, how=how)

    receiver.__name__ = f"on_password_{how}"
    return receiver


on_password_changed = _password("changed")
on_password_set = _password("set")
on_password_reset = _password("reset")


def _authenticator(change: str) -> Any:
    def receiver(
        sender: Any, request: HttpRequest, user: User, authenticator: Authenticator, **kw: Any
    ) -> None:
        record(
            Action.MFA_CHANGED,
            request=request,
            actor=user,
            subject=user,
            change=change,
            type=authenticator.type,
        )
        # The session's answer to "is an authenticator app missing?" changed with it.
        if hasattr(request, "session") and request.user.is_authenticated:
            mfa.remember_state(request, request.user)

    receiver.__name__ = f"on_authenticator_{change}"
    return receiver


on_authenticator_added = _authenticator("added")
on_authenticator_removed = _authenticator("removed")
on_authenticator_reset = _authenticator("reset")


def connect() -> None:
    uid = "crowdmoving.accounts.signals"
    account_signals.user_logged_in.connect(on_logged_in, dispatch_uid=f"{uid}.login")
    auth_signals.user_logged_in.connect(on_session_started, dispatch_uid=f"{uid}.session")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid=f"{uid}.failed")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid=f"{uid}.logout")
    account_signals.login_code_rejected.connect(on_login_code_rejected, dispatch_uid=f"{uid}.code")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid=f"{uid}.pw1")
    account_signals.password_set.connect(on_password_set, dispatch_uid=f"{uid}.pw2")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid=f"{uid}.pw3")
    mfa_signals.authentication_failed.connect(
        on_second_factor_failed, dispatch_uid=f"{uid}.mfa_failed"
    )
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid=f"{uid}.mfa1")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid=f"{uid}.mfa2")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid=f"{uid}.mfa3")
