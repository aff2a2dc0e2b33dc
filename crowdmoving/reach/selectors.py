"""The alerts a page shows, and the alert an emailed link names."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.http import Http404

from crowdmoving.accounts.models import User
from crowdmoving.tenancy.models import Platform

from .models import Subscription


def access_subscription(platform: Platform, token: str) -> Subscription:
    """The alert of ``platform`` with the emailed ``token``, else Http404 (also for another
    platform's token: the link works on the platform it was mailed from only)."""
    subscription = (
        Subscription.objects.filter(platform=platform, token=token)
        .select_related("platform", "organisation")
        .first()
    )
    if subscription is None:
        raise Http404
    return subscription


def my_alerts(user: User, platform: Platform) -> QuerySet[Subscription]:
    """The person's alerts on ``platform``: theirs by account, or to any address of their
    account they confirmed (actions.subscribe stores addresses in lower case). Two queries."""
    addresses = [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    ]
    return (
        Subscription.objects.filter(platform=platform)
        .filter(Q(user=user) | Q(email__in=addresses))
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )
