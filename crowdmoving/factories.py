"""factory_boy factories for the whole product. Create objects inside a platform scope."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone

from crowdmoving.accounts.models import User
from crowdmoving.organisations.models import Membership, Organisation, Role
from crowdmoving.projects.models import Commitment, Project, Task
from crowdmoving.tenancy.models import Domain, Platform


class PlatformFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"Platform {n}")
    slug = factory.Sequence(lambda n: f"platform-{n}")
    default_language = "de"


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    platform = factory.SubFactory(PlatformFactory)
    domain = factory.Sequence(lambda n: f"platform-{n}.example.org")
    is_primary = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n} Example")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Mark the address verified for allauth (pass verified=False to skip)."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
            self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    platform = factory.SubFactory(PlatformFactory)
    name = factory.Sequence(lambda n: f"Verein {n} e.V.")
    slug = factory.Sequence(lambda n: f"verein-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Projekt {n}")
    story = "Stell dir vor ..."
    story_html = "<p>Stell dir vor ...</p>"
    place = "Berlin"
    status = Project.Status.PUBLIC
    published_at = factory.LazyAttribute(
        lambda p: timezone.now() if p.status in ("public", "closed") else None
    )


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Aufgabe {n}")
    description = "Was zu tun ist."
    timing = Task.Timing.SCHEDULED
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda t: t.starts_at + timedelta(hours=3))
    location = "Infostand am Markt"
    capacity = 3
    position = factory.Sequence(lambda n: n)


class CommitmentFactory(factory.django.DjangoModelFactory):
    """Use projects.actions in tests of behaviour; this is for arranging data only.
    It keeps Task.taken in step for places that are held or taken."""

    class Meta:
        model = Commitment

    task = factory.SubFactory(TaskFactory)
    user = factory.SubFactory(UserFactory)
    status = Commitment.Status.ACTIVE

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        commitment = super()._create(model_class, *args, **kwargs)
        if commitment.status in Commitment.HOLDING_A_PLACE:
            Task.objects.filter(pk=commitment.task_id).update(taken=F("taken") + 1)
        return commitment
