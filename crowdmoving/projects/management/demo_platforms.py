"""The white-label part of the demo (seed_demo): the hub and "meine nestwärme" each with its own
look, pages and projects, so that a newcomer sees two platforms at once.

Idempotent: every step creates only what is missing, so a second ``python3 dev.py serve`` adds
nothing, and changes made in the demo (a new logo, an edited page) are kept."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone
from PIL import Image, ImageDraw

from crowdmoving.accounts.models import User
from crowdmoving.core.images import reencode_png
from crowdmoving.core.text import render_markdown
from crowdmoving.organisations.models import Organisation
from crowdmoving.pages.actions import create_page
from crowdmoving.pages.models import ContentPage
from crowdmoving.projects.models import Project, Task
from crowdmoving.tenancy import colours
from crowdmoving.tenancy.models import Platform

NEST_SLUG = "nestwaerme"
NEST_HOST = "nestwaerme.localhost"
# Berry and honey: both pass the look form's contrast rules (tenancy.colours.check).
NEST_PRIMARY = "#8a2c5a"
NEST_ACCENT = "#e8a33d"
NEST_TAGLINE = "Zeit schenken für Familien mit kranken Kindern"
HUB_TAGLINE = "Das Netzwerk: mitmachen bei Projekten aller Plattformen"

DEMO_NOTE = (
    "> **Beispieltext für die Demo.** Eine Plattform im Betrieb schreibt hier ihren eigenen "
    "Text (unter /platform/pages/)."
)

PAGES: dict[str, list[tuple[str, str, str, str]]] = {
    # platform slug -> (kind, slug, title, Markdown body)
    "hub": [
        (
            ContentPage.Kind.ABOUT,
            "ueber-uns",
            "Über Crowdmoving",
            "Crowdmoving verbindet Menschen, die etwas tun wollen, mit sozialen Projekten, die "
            "konkrete Hilfe brauchen. Diese Plattform zeigt die öffentlichen Projekte aller "
            "Plattformen des Netzwerks.",
        ),
        (
            ContentPage.Kind.IMPRINT,
            "impressum",
            "Impressum",
            "Crowdmoving Demo-Betrieb (Beispiel)  \nMusterstraße 1, 12345 Musterstadt  \n"
            "E-Mail: impressum@example.org (Beispieladresse)",
        ),
    ],
    NEST_SLUG: [
        (
            ContentPage.Kind.ABOUT,
            "ueber-uns",
            "Über meine nestwärme",
            "meine nestwärme bringt Menschen zusammen, die Familien mit chronisch kranken oder "
            "behinderten Kindern im Alltag entlasten: ein Nachmittag Zeit, eine Fahrt, ein "
            "offenes Ohr.",
        ),
        (
            ContentPage.Kind.FAQ,
            "fragen",
            "Häufige Fragen",
            "## Brauche ich Vorkenntnisse?\n\nNein. Jede Aufgabe sagt, was sie braucht.\n\n"
            "## Kann ich wieder absagen?\n\nJa, in *Meine Aufgaben*, mit einem Klick.",
        ),
        (
            ContentPage.Kind.IMPRINT,
            "impressum",
            "Impressum",
            "nestwärme e.V. (Beispiel)  \nBeispielweg 2, 54290 Trier  \n"
            "E-Mail: impressum@nestwaerme.example (Beispieladresse)",
        ),
    ],
}

NEST_PROJECT = "Geschwistertag im Zoo"
NEST_STORY = (
    "Geschwister kranker Kinder stehen oft im Schatten. Einen Tag lang sind sie die "
    "Hauptpersonen: Zoo, Picknick, Zeit nur für sie."
)


def dress(hub: Platform, nest: Platform) -> None:
    """Give both platforms their look and pages, and nestwärme a second project."""
    if not hub.tagline:
        Platform.objects.filter(pk=hub.pk).update(tagline=HUB_TAGLINE, updated_at=timezone.now())
    if not nest.logo:
        _nest_look(nest)
    for platform in (hub, nest):
        _pages(platform, PAGES["hub" if platform.is_default else NEST_SLUG])
    _nest_project(nest)


def _nest_look(nest: Platform) -> None:
    assert colours.check(NEST_PRIMARY, NEST_ACCENT) == []  # noqa: S101 - the demo's own rule
    nest.name = "meine nestwärme"
    nest.tagline = NEST_TAGLINE
    nest.primary_colour = NEST_PRIMARY
    nest.accent_colour = NEST_ACCENT
    nest.email_sender_name = "meine nestwärme"
    nest.contact_email = nest.contact_email or "kontakt@nestwaerme.example"
    logo = reencode_png(
        SimpleUploadedFile("nestwaerme.png", logo_png(), content_type="image/png"),
        prefix="logo",
        max_bytes=2**20,
        max_pixels=4000 * 4000,
        fit=(800, 240),
    )
    nest.logo.save(logo.name, logo, save=False)
    nest.save()


def logo_png(size: int = 240) -> bytes:
    """nestwärme's demo logo: a honey-coloured nest (a ring of twigs) holding a white heart, on a
    transparent background so that it sits on the berry header."""
    scale = 4  # drawn large and scaled down: smooth edges without antialiasing primitives
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    honey, cream = NEST_ACCENT, "#fff7ea"
    draw.ellipse((0, big * 0.08, big, big * 0.92), fill=honey)
    draw.ellipse((big * 0.1, big * 0.2, big * 0.9, big * 0.8), fill=NEST_PRIMARY)
    for offset in range(-3, 4):  # twigs across the nest
        y = big * 0.5 + offset * big * 0.1
        draw.line((big * 0.02, y - big * 0.05, big * 0.98, y + big * 0.05), fill=honey, width=6)
    heart = [
        (big * 0.5, big * 0.74),
        (big * 0.26, big * 0.5),
        (big * 0.5, big * 0.42),
        (big * 0.74, big * 0.5),
    ]
    draw.polygon(heart, fill=cream)
    radius = big * 0.13
    for cx in (big * 0.385, big * 0.615):
        draw.ellipse((cx - radius, big * 0.3, cx + radius, big * 0.3 + 2 * radius), fill=cream)
    nest = Image.new("L", (big, big), 0)  # the twigs end at the nest's rim
    ImageDraw.Draw(nest).ellipse((0, big * 0.08, big, big * 0.92), fill=255)
    image.putalpha(nest)
    out = BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(out, format="PNG")
    return out.getvalue()


def _pages(platform: Platform, pages: list[tuple[str, str, str, str]]) -> None:
    existing = ContentPage.objects.filter(platform=platform)
    kinds = set(existing.values_list("kind", flat=True))
    slugs = set(existing.values_list("slug", flat=True))
    for kind, slug, title, body in pages:
        if kind in kinds or slug in slugs:
            continue
        create_page(
            platform,
            {
                "title": title,
                "kind": kind,
                "slug": slug,
                "body": f"{DEMO_NOTE}\n\n{body}",
                "in_navigation": kind != ContentPage.Kind.IMPRINT,  # the footer links it
            },
            by=None,
        )


def _nest_project(nest: Platform) -> None:
    verein = Organisation.objects.filter(platform=nest, slug=NEST_SLUG).first()
    if verein is None or Project.objects.filter(organisation=verein, title=NEST_PROJECT).exists():
        return
    petra = User.objects.filter(email="petra@nestwaerme.example").first()
    day = timezone.localdate() + timedelta(days=21)
    project = Project.objects.create(
        organisation=verein,
        title=NEST_PROJECT,
        story=NEST_STORY,
        story_html=render_markdown(NEST_STORY),
        place="Trier, Zoo",
        starts_on=day,
        ends_on=day,
        status=Project.Status.PUBLIC,
        published_at=timezone.now(),
        created_by=petra,
    )
    position = Task.objects.filter(project=project).aggregate(m=Max("position"))["m"] or 0
    for offset, (title, capacity) in enumerate(
        (("Kinder durch den Zoo begleiten", 4), ("Picknick vorbereiten", 2)), start=1
    ):
        Task.objects.create(
            project=project,
            title=title,
            capacity=capacity,
            position=position + offset,
            timing=Task.Timing.DAY,
            day=day,
            location="Trier, Zoo",
        )
