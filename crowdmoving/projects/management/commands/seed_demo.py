"""Demo data from the story: KRASS e.V. and "Kinder malen ihre Welt", plus a second platform.

Idempotent: a second run adds only what is missing (demo_platforms.dress) and prints the demo
logins."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from crowdmoving.accounts.models import User
from crowdmoving.core.text import render_markdown
from crowdmoving.organisations.models import Membership, Organisation, Role
from crowdmoving.privacy.actions import give_consent, publish_text
from crowdmoving.projects.management.demo_platforms import dress
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.tenancy.models import Domain, Platform

PASSWORD = "crowdmoving-demo"  # noqa: S105 (printed demo login, never used in production)

STORY = """Stell dir vor, du musst als Kind in einem Flüchtlingsheim auf engem Raum mit vielen
Erwachsenen leben, hast kaum Platz zu spielen und keine Materialien, um zu malen.

Wie wäre es, wenn du dich dann gemeinsam mit anderen Kindern aus verschiedenen Unterkünften
treffen könntest, **große Leinwände bemalen** und deine Erlebnisse so verarbeiten könntest?

Das wollen wir ermöglichen, damit viele Kinder selber etwas kreieren können und sich damit auch
ihre Unterkunft zu eigen machen können.

**Willst du dabei sein, die Kinder unterstützen und die leuchtenden Kinderaugen erleben?**
Such dir unten eine Aufgabe aus – ein Klick genügt."""

PRIVACY_EXAMPLE = """> **Beispieltext für die Demo.** Dies ist keine geprüfte
> Datenschutzerklärung: Eine Plattform im Betrieb veröffentlicht hier ihre eigene
> (unter /platform/privacy/).

## Wer verantwortlich ist

{operator} (Beispiel), erreichbar unter datenschutz@example.org (Beispieladresse).

## Welche Daten wir verarbeiten

- Deinen Namen und deine E-Mail-Adresse, wenn du ein Konto anlegst oder eine Aufgabe übernimmst.
- Welche Aufgaben du übernimmst und, nach dem Einsatz, deine bestätigten Stunden.
- Was du im Team eines Projekts schreibst.

## Wozu

Damit die Organisationen wissen, wer welche Aufgabe übernimmt, und dich dazu erreichen können.
Keine Werbung, kein Tracking, keine Weitergabe an Dritte.

## Wer sie sieht

Die Organisator*innen eines Projekts sehen Namen und E-Mail-Adressen der Menschen, die dort
Aufgaben übernehmen. Alle anderen sehen dich so, wie du es in deinen Einstellungen wählst.

## Wie lange

Konten, deren E-Mail-Adresse nie bestätigt wurde, löschen wir nach 7 Tagen; nie bestätigte
Platzreservierungen nach 30 Tagen. Dein Konto kannst du jederzeit in den Einstellungen löschen.

## Deine Rechte

Du hast das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung,
Datenübertragbarkeit und Widerspruch, und das Recht, dich bei einer Datenschutzaufsichtsbehörde
zu beschweren. Deine Einwilligung kannst du in den Einstellungen unter *Meine Einwilligungen*
widerrufen.
"""

PEOPLE = {
    "claudia@krass.example": ("Claudia Seidensticker", User.Visibility.FULL_NAME),
    "margit@example.org": ("Margit Lehmann", User.Visibility.FIRST_NAME),
    "jonas@example.org": ("Jonas Weber", User.Visibility.FULL_NAME),
    "aylin@example.org": ("Aylin Demir", User.Visibility.FIRST_NAME),
    "peter@example.org": ("Peter Brandt", User.Visibility.ANONYMOUS),
    "sofia@example.org": ("Sofia Marino", User.Visibility.FIRST_NAME),
    "petra@nestwaerme.example": ("Petra Sommer", User.Visibility.FULL_NAME),
}


class Command(BaseCommand):
    help = "Load the demo platform, association, project and people (idempotent)."

    @scopes_disabled()
    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            hub = Platform.objects.get(is_default=True)
            if not Organisation.objects.filter(platform=hub, slug="krass-ev").exists():
                self._seed(hub)
                self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            # Each platform's look, pages (Impressum included) and projects: only what is missing.
            dress(hub, Platform.objects.get(slug="nestwaerme"))
        self.stdout.write(
            "\nDemo logins (password for all: "
            f"{PASSWORD}):\n"
            "  organiser  claudia@krass.example   (KRASS e.V.)\n"
            "  volunteer  margit@example.org\n"
            "  the hub (the whole network):  http://127.0.0.1:8000/ or http://localhost:8000/\n"
            "  second platform (own look):   http://nestwaerme.localhost:8000/\n"
            "    organiser  petra@nestwaerme.example   (nestwärme e.V.)\n"
        )

    def _seed(self, hub: Platform) -> None:
        users = {}
        for email, (name, visibility) in PEOPLE.items():
            user, _ = User.objects.get_or_create(
                email=email, defaults={"name": name, "visibility": visibility}
            )
            user.set_password(PASSWORD)
            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            users[email.split("@")[0]] = user

        krass = Organisation.objects.create(
            platform=hub,
            name="KRASS e.V.",
            slug="krass-ev",
            description="Kunst stärkt benachteiligte Kinder: wir malen mit Kindern aus Unterkünften.",  # noqa: E501
        )
        Membership.objects.create(organisation=krass, user=users["claudia"], role=Role.OWNER)
        project = Project.objects.create(
            organisation=krass,
            title="Kinder malen ihre Welt",
            story=STORY,
            story_html=render_markdown(STORY),
            place="Düsseldorf, Kulturzentrum",
            postal_code="40210",
            category=Project.Category.CHILDREN,
            suitable_for_groups=True,
            starts_on=timezone.localdate() + timedelta(days=14),
            ends_on=timezone.localdate() + timedelta(days=15),
            status=Project.Status.PUBLIC,
            published_at=timezone.now(),
            created_by=users["claudia"],
        )
        day = timezone.localdate() + timedelta(days=14)

        def at(hour: int, days: int = 0) -> datetime:
            return timezone.make_aware(datetime.combine(day + timedelta(days=days), time(hour)))

        tasks = [
            ("Infostand besetzen", "Am Stand vom Projekt erzählen und Flyer verteilen.",
             Task.Timing.SCHEDULED, at(10), at(14), 2, "Freude am Gespräch", ["jonas"], []),
            ("Koordination vor Ort", "Ansprechperson für Helfende und Unterkünfte.",
             Task.Timing.SCHEDULED, at(13), at(18), 1, "Organisationstalent", ["aylin"], ["peter"]),
            ("Hilfe bei rechtlichen Anträgen", "Zwei Familien beim Antrag auf Förderung begleiten.",
             Task.Timing.FLEXIBLE, None, None, 1, "Verwaltungsdeutsch", [], []),
            ("Leinwände und Farben besorgen", "Mit dem Auto Material beim Großhandel abholen.",
             Task.Timing.SCHEDULED, at(9, -3), at(12, -3), 3, "Führerschein", ["sofia"], []),
            ("Kuchen backen für das Fest", "Ein Blech Kuchen für die Abschlussfeier mitbringen.",
             Task.Timing.SCHEDULED, at(15, 1), at(17, 1), 4, "", [], []),
        ]  # fmt: skip
        # Little time, no special skill: the directory's "easy to join" filter finds them.
        EASY_TASKS = {"Infostand besetzen", "Kuchen backen für das Fest"}  # noqa: N806
        for position, (
            title,
            text,
            timing,
            start,
            end,
            capacity,
            skills,
            taken,
            waiting,
        ) in enumerate(tasks, start=1):
            task = Task.objects.create(
                project=project, title=title, description=text, timing=timing, starts_at=start,
                ends_at=end, location="Kulturzentrum, Hof" if start else "", capacity=capacity,
                skills=skills, position=position, taken=len(taken), easy=title in EASY_TASKS,
            )  # fmt: skip
            for key in taken:
                Commitment.objects.create(
                    task=task, user=users[key], status=Commitment.Status.ACTIVE
                )
            for key in waiting:
                Commitment.objects.create(
                    task=task, user=users[key], status=Commitment.Status.WAITING
                )

        nest, _ = Platform.objects.get_or_create(
            slug="nestwaerme", defaults={"name": "meine nestwärme", "default_language": "de"}
        )
        Domain.objects.get_or_create(
            domain="nestwaerme.localhost", defaults={"platform": nest, "is_primary": True}
        )
        verein = Organisation.objects.create(
            platform=nest, name="nestwärme e.V.", slug="nestwaerme"
        )
        Membership.objects.create(organisation=verein, user=users["petra"], role=Role.OWNER)
        relief = Project.objects.create(
            organisation=verein,
            title="Ein Nachmittag auf dem Eselhof",
            story="Familien mit chronisch kranken Kindern verbringen einen Nachmittag mit Tieren.",
            story_html=render_markdown(
                "Familien mit chronisch kranken Kindern verbringen einen Nachmittag mit Tieren."
            ),
            place="Trier",
            postal_code="54290",
            category=Project.Category.ANIMALS,
            status=Project.Status.PUBLIC,
            published_at=timezone.now(),
            created_by=users["petra"],
        )
        Task.objects.create(
            project=relief, title="Fahrdienst für eine Familie", capacity=2, position=1,
            timing=Task.Timing.DAY, day=day + timedelta(days=7), location="Trier",
        )  # fmt: skip

        # An example privacy text on both platforms, so that sign-up and the hold form ask for
        # it; the demo people accepted it already (their logins go straight in).
        on_hub = [person for key, person in users.items() if key != "petra"]
        for platform, operator, people in (
            (hub, "Der Betrieb dieser Demo-Plattform", on_hub),
            (nest, "nestwärme e.V.", [users["petra"]]),
        ):
            policy = publish_text(
                platform,
                body=PRIVACY_EXAMPLE.format(operator=operator),
                summary_of_changes="",
                by=None,
            )
            for person in people:
                give_consent(person, policy, platform=platform)
