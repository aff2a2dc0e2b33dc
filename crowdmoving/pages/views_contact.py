"""Every platform's contact page: a plain form that works without JavaScript (the counter in
static/js/contact.js only helps), answered by a redirect to the confirmation page (PRG)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from crowdmoving.core.ratelimit import seconds_until_allowed
from crowdmoving.core.views import too_many_requests

from .contact import send_contact_message
from .forms_contact import MESSAGE_MAX, ContactForm


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """The form; a complete message is stored and mailed (pages.contact), then the sender is
    sent to the confirmation page. A filled honeypot gets the same confirmation, and nothing
    is stored or mailed. Only complete messages count against the rate limit "contact": a
    person who mistypes their address is never locked out, a robot sending mail is."""
    form = ContactForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        wait = seconds_until_allowed(request, "contact")
        if wait is not None:
            return too_many_requests(request, retry_after=wait)
        if not form.is_robot:
            send_contact_message(
                request.platform,  # type: ignore[attr-defined]
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                website=form.cleaned_data["website"],
                message=form.cleaned_data["message"],
            )
        return redirect("contact:sent")
    return render(
        request,
        "pages/contact.html",
        {"form": form, "message_max": MESSAGE_MAX},
        status=400 if form.is_bound else 200,
    )


@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/contact_sent.html")
