"""A changed, set or reset password revokes the person's API tokens (as it ends sessions)."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals

from crowdmoving.accounts.models import User

from . import actions


def on_password_changed(sender: Any, user: User, **kwargs: Any) -> None:
    actions.revoke_all_tokens(user)


def connect() -> None:
    uid = "crowdmoving.api.signals"
    for n, signal in enumerate(
        (
            account_signals.password_changed,
            account_signals.password_set,
            account_signals.password_reset,
        )
    ):
        signal.connect(on_password_changed, dispatch_uid=f"{uid}.password{n}")
