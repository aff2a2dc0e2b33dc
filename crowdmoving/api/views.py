"""The tokens page in the person's settings: list, create (the secret is shown once, in the
answer to the POST, and stored nowhere), revoke."""

from __future__ import annotations

import secrets
from typing import cast

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from crowdmoving.accounts.models import User

from . import actions
from .forms import TokenForm
from .models import AccessToken


def _tokens_of(user: User) -> list[AccessToken]:
    """The person's tokens on this platform (the request's scope), newest first."""
    return list(AccessToken.objects.filter(user=user).order_by("-created_at", "-pk"))


@never_cache
@login_required
# Making a token hands out the person's rights to a program: like allauth's own sensitive
# changes it wants the password (or code) confirmed within the last minutes. allauth keeps the
# POST meanwhile and sends it on after the confirmation.
@reauthentication_required(allow_get=True)
def tokens(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = TokenForm(request.POST or None)
    created: AccessToken | None = None
    secret = ""
    if request.method == "POST" and form.is_valid():
        if _spend_form_key(request):
            created, secret = actions.create_token(
                user,
                request.platform,  # type: ignore[attr-defined]
                name=form.cleaned_data["name"],
                valid_until=form.cleaned_data["valid_until"],
            )
            form = TokenForm()  # the next token starts empty
        else:
            form.add_error(None, SENT_TWICE)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": _tokens_of(user),
            "created": created,
            "secret": secret,
            "api_url": request.build_absolute_uri(reverse("api-v1:api-root")),
            "docs_url": reverse("api-v1:openapi-view"),
            "form_key": _new_form_key(request),
        },
    )


# Each rendering of the form carries a one-time key: sending the same form again (reloading the
# page that showed a new secret, a double click) makes no second token.
FORM_KEYS = "api_token_form_keys"
KEPT_FORM_KEYS = 5  # forms open in other tabs keep working
SENT_TWICE = gettext_lazy(
    "This form was already sent, and its token was made then. Its secret is shown only once: "
    "if you did not copy it, revoke that token below and make a new one."
)


def _new_form_key(request: HttpRequest) -> str:
    key = secrets.token_urlsafe(16)
    request.session[FORM_KEYS] = [*request.session.get(FORM_KEYS, [])[-(KEPT_FORM_KEYS - 1) :], key]
    return key


def _spend_form_key(request: HttpRequest) -> bool:
    """Whether the POST carries a key this session handed out and has not used yet (and use
    it up)."""
    keys = request.session.get(FORM_KEYS, [])
    key = request.POST.get("form_key", "")
    if key not in keys:
        return False
    request.session[FORM_KEYS] = [k for k in keys if k != key]
    return True


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the person's own tokens on this platform; anybody else's is a 404."""
    token = AccessToken.objects.filter(pk=token_id, user=cast(User, request.user)).first()
    if token is None:
        raise Http404
    if actions.revoke_token(token, by=cast(User, request.user)):
        messages.success(
            request,
            _("The token “%(name)s” is revoked. It no longer works.") % {"name": token.name},
        )
    return redirect("me:tokens")
