"""What a platform and an organisation need before projects can be published: the platform's
imprint (Impressum) and privacy policy, and, where new organisations need the administrators'
approval, that approval. ``projects.actions.change_status`` refuses to open a project to the
inner circle or the public while something is missing; the organisers' dashboard and the
administrators' start page show the same checklist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crowdmoving.privacy.models import PrivacyText
from crowdmoving.projects.errors import Refused
from crowdmoving.tenancy.models import Platform

from .models import ContentPage

if TYPE_CHECKING:
    from crowdmoving.organisations.models import Organisation

ADMINISTRATORS = _("the platform's administrators")


@dataclass(frozen=True)
class Step:
    """One item of the checklist: what is needed, whether it is there, who can do it and
    where (the address is for the administrators)."""

    key: str
    label: str | Promise
    done: bool
    who: str | Promise
    fix_url: str
    note: str = ""


class PublishingRefused(Refused):
    message = _(
        "This project cannot be published yet: the platform is not ready for it. The "
        "checklist on this page says what is missing and who can do it."
    )

    def __init__(self, missing: list[Step]) -> None:
        super().__init__()
        self.missing = missing


def platform_steps(platform: Platform) -> list[Step]:
    """The platform's part of the checklist: an imprint and a privacy policy. One query."""
    found = (
        Platform.objects.filter(pk=platform.pk)
        .annotate(
            has_imprint=Exists(
                ContentPage.objects.filter(
                    platform_id=OuterRef("pk"), kind=ContentPage.Kind.IMPRINT
                )
            ),
            has_privacy_text=Exists(PrivacyText.objects.filter(platform_id=OuterRef("pk"))),
        )
        .values("has_imprint", "has_privacy_text")
        .first()
    ) or {"has_imprint": False, "has_privacy_text": False}
    return [
        Step(
            key="imprint",
            label=_("An imprint (Impressum) of the platform"),
            done=bool(found["has_imprint"]),
            who=ADMINISTRATORS,
            fix_url=f"{reverse('pages:admin_create')}?kind={ContentPage.Kind.IMPRINT}",
        ),
        Step(
            key="privacy_text",
            label=_("A privacy policy (Datenschutzerklärung) of the platform"),
            done=bool(found["has_privacy_text"]),
            who=ADMINISTRATORS,
            fix_url=reverse("privacy:publish"),
        ),
    ]


def organisation_step(organisation: Organisation) -> Step | None:
    """The approval of the organisation, if it is not approved (no query)."""
    if organisation.is_approved:
        return None
    declined = organisation.approval == organisation.Approval.DECLINED
    return Step(
        key="approval",
        label=(
            _("The platform's administrators declined this organisation")
            if declined
            else _("Waiting for the platform's approval of this organisation")
        ),
        done=False,
        who=ADMINISTRATORS,
        fix_url=reverse("organisations:queue"),
        note=organisation.approval_reason if declined else "",
    )


def checklist(platform: Platform, organisation: Organisation | None = None) -> list[Step]:
    """Every step, done or not, for ``platform`` (and ``organisation``). One query."""
    steps = platform_steps(platform)
    step = organisation_step(organisation) if organisation is not None else None
    return steps + ([step] if step is not None else [])


def missing(platform: Platform, organisation: Organisation | None = None) -> list[Step]:
    """The steps still open. One query."""
    return [step for step in checklist(platform, organisation) if not step.done]


def check_can_publish(organisation: Organisation) -> None:
    """Raise PublishingRefused (with the missing steps) unless ``organisation`` may open a
    project to the inner circle or the public now."""
    open_steps = missing(organisation.platform, organisation)
    if open_steps:
        raise PublishingRefused(open_steps)
