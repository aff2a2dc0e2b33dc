"""Email alerts: ask for one (/alerts/new/), confirm it by the emailed link, stop it with one
click, and the signed-in person's list (/me/alerts/). Forms work without JavaScript."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from crowdmoving.accounts.models import User
from crowdmoving.core.ratelimit import seconds_until_allowed
from crowdmoving.core.views import too_many_requests

from . import actions
from .forms import PLACE_MAX, AlertForm
from .models import Subscription
from .selectors import access_subscription, my_alerts


def _signed_in(request: HttpRequest) -> User | None:
    return cast(User, request.user) if request.user.is_authenticated else None


def _prefill(form: AlertForm, query: QueryDict) -> None:
    """?organisation=<slug>, ?category=<key> or ?place=<text> (the links on a project page and
    the directory) choose the alert's kind and subject; anything unknown is ignored."""
    slug = query.get("organisation", "")
    category = query.get("category", "")
    place = " ".join(query.get("place", "").split())[:PLACE_MAX]
    if slug in form.organisations:
        form.initial.update(kind=Subscription.Kind.ORGANISATION, organisation=slug)
    elif category in dict(form.fields["category"].choices) and category:  # type: ignore[attr-defined]
        form.initial.update(kind=Subscription.Kind.CATEGORY, category=category)
    elif place:
        form.initial.update(kind=Subscription.Kind.PLACE, place=place)


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """The form. A complete request counts against the rate limit "alerts" (a mistyped
    address does not lock anyone out) and leads to the "check your inbox" page, whether or
    not the address had this alert already (actions.subscribe). A filled honeypot gets the
    same page, and nothing is stored or mailed."""
    platform = request.platform  # type: ignore[attr-defined]
    person = _signed_in(request)
    form = AlertForm(
        request.POST if request.method == "POST" else None,
        platform=platform,
        account_email=person.email if person else "",
    )
    if not form.is_bound:
        _prefill(form, request.GET)
    if form.is_bound and form.is_valid():
        wait = seconds_until_allowed(request, "alerts")
        if wait is not None:
            return too_many_requests(request, retry_after=wait)
        if form.is_robot:
            return redirect("alerts:sent")
        outcome = actions.subscribe(
            platform,
            email=form.cleaned_data["email"],
            subject=form.subject,
            language=translation.get_language() or platform.default_language,
            user=person,
        )
        if outcome is actions.Outcome.ACTIVE:
            messages.success(
                request, _("Your alert is active: we email you once a day when there is news.")
            )
            return redirect("alerts:mine")
        return redirect("alerts:sent")
    return render(
        request, "reach/alerts/new.html", {"form": form}, status=400 if form.is_bound else 200
    )


@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "reach/alerts/sent.html")


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, alert_token: str) -> HttpResponse:
    """The emailed confirmation link. GET only shows the alert and a button: mail scanners
    and link previews open (GET) every link in a mail, and must not confirm an alert nobody
    asked for. The POST confirms, then shows the same page (now "active")."""
    subscription = access_subscription(request.platform, alert_token)  # type: ignore[attr-defined]
    if request.method == "POST":
        actions.confirm(subscription)
        return redirect("alerts:confirm", alert_token=alert_token)
    return render(
        request,
        "reach/alerts/confirm.html",
        {"subscription": subscription, "about": actions.describe(subscription)},
    )


def _is_one_click(request: HttpRequest) -> bool:
    """A mail program's unsubscribe request (RFC 8058): a POST whose body is
    ``List-Unsubscribe=One-Click`` (form-encoded or multipart)."""
    return request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, alert_token: str) -> HttpResponse:
    """The link in every alert mail and its List-Unsubscribe header. GET shows a button (a
    scanner opening the link stops nothing); its POST carries the CSRF token as every form
    does. The mail program's one-click POST (RFC 8058) comes without a CSRF token and
    without cookies: for it alone the token in the address is the permission, which is why
    this view is csrf_exempt and every other POST is checked by ``csrf_protect`` below."""
    if request.method == "POST" and not _is_one_click(request):
        return _unsubscribe_by_button(request, alert_token)
    subscription = access_subscription(request.platform, alert_token)  # type: ignore[attr-defined]
    context = {"subscription": subscription, "about": actions.describe(subscription)}
    if request.method == "POST":
        actions.unsubscribe(subscription, via="one_click")
        return render(request, "reach/alerts/unsubscribe.html", {**context, "done": True})
    return render(request, "reach/alerts/unsubscribe.html", context)


@csrf_protect
def _unsubscribe_by_button(request: HttpRequest, alert_token: str) -> HttpResponse:
    subscription = access_subscription(request.platform, alert_token)  # type: ignore[attr-defined]
    about = actions.describe(subscription)
    actions.unsubscribe(subscription, via="link", actor=_signed_in(request))
    return render(
        request,
        "reach/alerts/unsubscribe.html",
        {"subscription": subscription, "about": about, "done": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's alerts on this platform (selectors.my_alerts); a POST with
    ``alert`` (an id among them) stops that one. Anybody else's alert is a 404."""
    person = cast(User, request.user)
    alerts = my_alerts(person, request.platform)  # type: ignore[attr-defined]
    if request.method == "POST":
        chosen = request.POST.get("alert", "")
        alert = alerts.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if alert is None:
            raise Http404
        about = actions.describe(alert)
        actions.unsubscribe(alert, via="my_alerts", actor=person)
        messages.success(request, _("Stopped: %(about)s.") % {"about": about})
        return redirect("alerts:mine")
    rows = [(alert, actions.describe(alert)) for alert in alerts]
    return render(request, "reach/alerts/mine.html", {"rows": rows})
