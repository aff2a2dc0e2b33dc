"""Every write to a platform's content pages: create, edit, move in the navigation, delete.

One transaction each, with its audit entry (SETTINGS_CHANGED, the page as target). Each also
raises ``Platform.updated_at``: the navigation and the footer are on every page, and whole
cached pages (projects.pages) and the cached navigation (selectors.navigation_pages) are keyed
by it, so nothing cached shows an old navigation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.core.text import render_markdown
from crowdmoving.tenancy.models import Platform

from .models import ContentPage

if TYPE_CHECKING:
    from crowdmoving.accounts.models import User

PAGE_FIELDS = ("title", "kind", "slug", "body", "in_navigation")


class PageRefused(Exception):
    """A write refused for a reason the person can fix at ``field``."""

    field = ""
    message = _("This is not possible right now.")

    def __str__(self) -> str:
        return str(self.message)


class AddressTaken(PageRefused):
    field = "slug"
    message = _("Another page of this platform has this address already. Please choose another.")


class KindTaken(PageRefused):
    field = "kind"
    message = _(
        "This platform has a page of this kind already. Edit that page, or choose “Custom page”."
    )


def _touch(platform: Platform) -> None:
    Platform.objects.filter(pk=platform.pk).update(updated_at=timezone.now())


def _refusal(platform: Platform, data: dict[str, Any], exclude: int | None) -> PageRefused:
    """Which unique rule a concurrent write broke."""
    others = ContentPage.objects.filter(platform=platform)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.filter(slug=data["slug"]).exists():
        return AddressTaken()
    return KindTaken()


def create_page(platform: Platform, data: dict[str, Any], *, by: User | None) -> ContentPage:
    """A new page (``data``: title, kind, slug, body as Markdown, in_navigation), last in the
    navigation. Raises AddressTaken or KindTaken when another page has the address or the
    (about, FAQ, imprint) kind already."""
    try:
        with transaction.atomic():
            last = ContentPage.objects.filter(platform=platform).aggregate(m=Max("position"))
            page = ContentPage.objects.create(
                platform=platform,
                position=(last["m"] or 0) + 1,
                body_html=render_markdown(data["body"]),
                **{field: data[field] for field in PAGE_FIELDS},
            )
            record(
                Action.SETTINGS_CHANGED,
                actor=by,
                platform=platform,
                target=page,
                change="page_created",
                kind=page.kind,
                fields=list(PAGE_FIELDS),
            )
            _touch(platform)
            return page
    except IntegrityError as error:
        raise _refusal(platform, data, None) from error


def update_page(page: ContentPage, data: dict[str, Any], *, by: User | None) -> ContentPage:
    """Write the changed fields of ``page`` (the Markdown is rendered again when the text
    changed). Saving what is there already changes nothing. Raises AddressTaken or
    KindTaken like create_page."""
    try:
        with transaction.atomic():
            # Compared with the row as stored (a bound form may have changed ``page`` already).
            current = ContentPage.objects.select_for_update().get(pk=page.pk)
            changed = [field for field in PAGE_FIELDS if getattr(current, field) != data[field]]
            if not changed:
                return current
            for field in changed:
                setattr(current, field, data[field])
            if "body" in changed:
                current.body_html = render_markdown(current.body)
            current.save(update_fields=[*changed, "body_html", "updated_at"])
            record(
                Action.SETTINGS_CHANGED,
                actor=by,
                platform=current.platform,
                target=current,
                change="page_changed",
                kind=current.kind,
                fields=changed,
            )
            _touch(current.platform)
            return current
    except IntegrityError as error:
        raise _refusal(page.platform, data, page.pk) from error


def move_page(page: ContentPage, direction: str, *, by: User | None) -> None:
    """Move ``page`` one place up or down in the navigation order (``direction`` "up" or
    "down"); at either end nothing changes. The platform's pages are numbered 1, 2, 3 ...
    afresh, so that equal positions of older pages cannot make a move do nothing."""
    with transaction.atomic():
        pages = list(
            ContentPage.objects.filter(platform_id=page.platform_id)
            .select_for_update()
            .order_by("position", "pk")
            .only("pk", "position", "platform_id")
        )
        index = next(i for i, p in enumerate(pages) if p.pk == page.pk)
        other = index - 1 if direction == "up" else index + 1
        if direction not in ("up", "down") or not 0 <= other < len(pages):
            return
        pages[index], pages[other] = pages[other], pages[index]
        moved = []
        for position, each in enumerate(pages, start=1):
            if each.position != position:
                each.position = position
                moved.append(each)
        ContentPage.objects.bulk_update(moved, ["position"])
        record(
            Action.SETTINGS_CHANGED,
            actor=by,
            platform=page.platform,
            target=page,
            change="page_moved",
            direction=direction,
            fields=["position"],
        )
        _touch(page.platform)


def delete_page(page: ContentPage, *, by: User | None) -> None:
    """Delete ``page``; its address answers 404 from now on. Deleting the imprint means that
    projects cannot be published until there is one again (pages.publishing)."""
    with transaction.atomic():
        record(
            Action.SETTINGS_CHANGED,
            actor=by,
            platform=page.platform,
            target=page,
            change="page_deleted",
            kind=page.kind,
        )
        ContentPage.objects.filter(pk=page.pk).delete()
        _touch(page.platform)
