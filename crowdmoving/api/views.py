"""The tokens page in the person's settings: list, create (the secret is shown once, in the
answer to the POST, and stored nowhere), revoke."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
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
def tokens(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = TokenForm(request.POST or None)
    created: AccessToken | None = None
    secret = ""
    if request.method == "POST" and form.is_valid():
        created, secret = actions.create_token(
            user,
            request.platform,  # type: ignore[attr-defined]
            name=form.cleaned_data["name"],
            valid_until=form.cleaned_data["valid_until"],
        )
        form = TokenForm()  # the next token starts empty
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
        },
    )


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
