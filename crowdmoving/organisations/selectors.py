"""The organisations that the platform administrators' pages need, with their query budget."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from crowdmoving.tenancy.models import Platform

from .models import Membership, Organisation, Role


def approval_queue(platform: Platform) -> QuerySet[Organisation]:
    """The platform's organisations, those waiting for approval first (oldest first, so the
    longest waiting is on top), then the declined, then the approved (newest first); each with
    its owners (``owners``). Two queries."""
    pending = Organisation.Approval.PENDING
    declined = Organisation.Approval.DECLINED
    return (
        Organisation.objects.filter(platform=platform)
        .annotate(
            queue_order=Case(
                When(approval=pending, then=Value(0)),
                When(approval=declined, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role=Role.OWNER)
                .select_related("user")
                .order_by("user__name", "pk"),
                to_attr="owners",
            )
        )
        .order_by("queue_order", "created_at", "pk")
    )


def waiting_count(platform: Platform) -> int:
    """How many organisations wait for the administrators' approval. One query."""
    return Organisation.objects.filter(
        platform=platform, approval=Organisation.Approval.PENDING
    ).count()
