"""Every write to projects, tasks and commitments. Each action is one transaction that also
writes the outbox rows for the mails it causes.

Places are taken with one conditional UPDATE (``taken < capacity``) and the row count decides;
a partial unique constraint keeps one live commitment per person and task, and a check
constraint keeps ``taken <= capacity``. Nothing here reads, checks and then writes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Max, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from crowdmoving.accounts.models import User
from crowdmoving.audit.api import record
from crowdmoving.audit.models import Action
from crowdmoving.core.text import render_markdown
from crowdmoving.organisations.models import Organisation
from crowdmoving.pages.publishing import PublishingRefused, check_can_publish
from crowdmoving.privacy import actions as privacy
from crowdmoving.privacy.models import PrivacyText

from . import notify
from .errors import (
    HoldExpired,
    PeopleAffected,
    TaskFull,
    TaskNotOpen,
    TaskRemoved,
    TooManyAttempts,
    WrongCode,
)
from .models import Commitment, Project, Task, new_secret

Status = Commitment.Status
HOLD_SALT = "crowdmoving.hold"


def _tasks() -> QuerySet[Task]:
    """Tasks for conditional UPDATEs by primary key, straight on the table.

    Through the scoped manager the platform filter joins other tables, and Django then writes
    ``UPDATE ... WHERE id IN (SELECT ... taken < capacity)``. On PostgreSQL an UPDATE that waited
    for a concurrent one re-checks only ``id IN (...)``, not the subquery: every waiting
    take-over passed the condition. The rows were found through the platform scope before."""
    return Task._base_manager.all()


def _commitments() -> QuerySet[Commitment]:
    """Commitments for conditional UPDATEs by primary key; see _tasks()."""
    return Commitment._base_manager.all()


# --- projects -------------------------------------------------------------------------------


PROJECT_FIELDS = (
    "title", "story", "cover", "category", "place", "postal_code", "starts_on", "ends_on",
    "suitable_for_groups", "public_on",
)  # fmt: skip


def create_project(organisation: Organisation, author: User, data: dict[str, Any]) -> Project:
    """A new draft project of ``organisation``; ``data`` holds cleaned PROJECT_FIELDS."""
    project = Project(organisation=organisation, created_by=author)
    return update_project(project, data)


def update_project(project: Project, data: dict[str, Any]) -> Project:
    """Write cleaned project fields; the story's safe HTML is rendered once here."""
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field])
    project.story_html = render_markdown(project.story)
    if project.pk is None:
        project.save()
        return project
    # Only these fields: a copy read before a concurrent change of state (the worker's
    # release, a colleague closing it or renewing the secret) must not write the old one back.
    written = [name for name in PROJECT_FIELDS if name in data]
    project.save(update_fields=[*written, "story_html", "updated_at"])
    if project.public_on is not None and (
        Project._base_manager.filter(pk=project.pk)
        .exclude(status=Project.Status.INNER_CIRCLE)
        .update(public_on=None)
    ):
        project.public_on = None  # the day belongs to the inner circle (released meanwhile)
    return project


def change_status(project: Project, status: str, *, by: User | None = None) -> Project:
    """Move ``project`` to another state; the first time it becomes public is remembered, so
    that closing a project that was only ever shared in the inner circle keeps it there. A
    change of state is noted in the audit log with ``by`` (None: the system). Opening it to the
    inner circle or the public raises PublishingRefused while the platform lacks its imprint or
    privacy policy, or the organisation awaits approval (pages.publishing); projects open
    already stay open."""
    was = project.status
    opening = (Project.Status.INNER_CIRCLE, Project.Status.PUBLIC)
    if status in opening and was != status:
        check_can_publish(project.organisation)
    project.status = Project.Status(status)
    if project.status == Project.Status.PUBLIC and project.published_at is None:
        project.published_at = timezone.now()
    if project.status != Project.Status.INNER_CIRCLE:
        project.public_on = None  # "public automatically on" belongs to the inner circle
    with transaction.atomic():
        project.save(update_fields=["status", "published_at", "public_on", "updated_at"])
        if project.status != was:
            record(
                Action.PROJECT_STATE_CHANGED,
                actor=by,
                platform=project.organisation.platform,
                target=project,
                before=was,
                after=project.status.value,
            )
        if project.status == Project.Status.CLOSED and was != Project.Status.CLOSED:
            notify.project_closed(project)
    return project


def schedule_release(
    project: Project, public_on: date | None, *, open_now: bool = False, by: User | None = None
) -> Project:
    """Let the worker make ``project`` public on ``public_on`` (None: not automatically). With
    ``open_now`` the project first opens to the inner circle (PublishingRefused as
    change_status). The day was checked by forms.check_public_on."""
    with transaction.atomic():
        if open_now and project.status != Project.Status.INNER_CIRCLE:
            change_status(project, Project.Status.INNER_CIRCLE, by=by)
        project.public_on = public_on
        project.save(update_fields=["public_on", "updated_at"])
    return project


def release_project(project: Project) -> bool:
    """Make ``project``, in the inner circle with its ``public_on`` due, public as the
    organisers' "Publish" does (change_status: published_at, the audit entry, the platform's
    publishing checklist), and tell its organisers. The day is claimed first with a
    conditional UPDATE, so of two workers (or a stale copy) exactly one goes on; it is cleared
    either way. When the platform or organisation cannot publish yet, the project stays in
    the inner circle and the organisers are told why, once. True when it became public."""
    day = project.public_on
    if day is None:
        return False
    with transaction.atomic():
        claimed = Project._base_manager.filter(
            pk=project.pk, status=Project.Status.INNER_CIRCLE, public_on=day
        ).update(public_on=None)
        if not claimed:
            return False
        project.public_on = None
        try:
            with transaction.atomic():
                change_status(project, Project.Status.PUBLIC, by=None)
        except PublishingRefused as refusal:
            project.status = Project.Status.INNER_CIRCLE
            notify.release_refused(project, day, refusal.missing)
            return False
        notify.project_released(project, day)
        return True


def release_due_projects(now: datetime) -> int:
    """The worker's part "releases": every project in the inner circle whose ``public_on`` is
    today or earlier (in the installation's time zone, settings.TIME_ZONE) goes public
    (release_project). Runs with scopes disabled, across platforms; returns how many did."""
    due = Project.objects.filter(
        status=Project.Status.INNER_CIRCLE,
        public_on__isnull=False,
        public_on__lte=timezone.localdate(now),
    ).select_related("organisation__platform")
    return sum(release_project(project) for project in due)


def regenerate_secret(project: Project, *, by: User | None = None) -> Project:
    """A new inner-circle link; the old one stops working at once. The audit log notes who
    renewed it (never the secret)."""
    project.secret = new_secret()
    with transaction.atomic():
        project.save(update_fields=["secret", "updated_at"])
        record(
            Action.SECRET_LINK_RENEWED,
            actor=by,
            platform=project.organisation.platform,
            target=project,
        )
    return project


# --- tasks ----------------------------------------------------------------------------------


TASK_FIELDS = (
    "title", "description", "timing", "starts_at", "ends_at", "day", "location", "capacity",
    "skills", "easy",
)  # fmt: skip


def add_task(project: Project, data: dict[str, Any]) -> Task:
    with transaction.atomic():
        last = Task.objects.filter(project=project).aggregate(m=Max("position"))["m"]
        task = Task(project=project, position=(last or 0) + 1)
        for field in TASK_FIELDS:
            setattr(task, field, data.get(field, getattr(task, field)))
        task.save()
        return task


def people_beyond(task: Task, capacity: int) -> list[Commitment]:
    """Those who would lose their place if ``task`` had only ``capacity`` places: places held
    for unconfirmed visitors go first, then the latest to join."""
    holders = sorted(
        Commitment.objects.filter(task=task, status__in=Commitment.HOLDING_A_PLACE)
        .select_related("user")
        .order_by("-joined_at", "-pk"),
        key=lambda c: c.status != Status.HELD,
    )
    return holders[: max(len(holders) - capacity, 0)]


def update_task(task: Task, data: dict[str, Any], *, confirmed: bool = False) -> Task:
    """Write cleaned task fields. Shrinking below the places taken raises PeopleAffected unless
    ``confirmed``; then unconfirmed held places end (confirming later takes a place afresh if
    one is free) and the latest to join move back to the head of the waiting list, told by
    email. More places move people up from the waiting list."""
    with transaction.atomic():
        current = _tasks().select_for_update().get(pk=task.pk)
        if current.removed_at is not None:
            raise TaskRemoved
        capacity = int(data.get("capacity", current.capacity))
        affected = people_beyond(current, capacity)
        if affected and not confirmed:
            raise PeopleAffected(affected)
        before = {field: getattr(current, field) for field in notify.WATCHED_FIELDS}
        for field in TASK_FIELDS:
            if field in data:
                setattr(current, field, data[field])
        stamp = secrets.token_hex(4)
        freed = 0
        for commitment in affected:
            if commitment.status == Status.HELD:
                # Never confirmed: the place ends; an unverified person is not queued.
                freed += (
                    _commitments()
                    .filter(pk=commitment.pk, status=Status.HELD)
                    .update(status=Status.EXPIRED, changed_at=timezone.now())
                )
                continue
            # Back to the waiting list, keeping their original place in the queue.
            moved = (
                _commitments()
                .filter(pk=commitment.pk, status=commitment.status)
                .update(status=Status.WAITING, changed_at=timezone.now())
            )
            if moved:
                freed += 1
                notify.supporter_task_changed(commitment, "shrunk", stamp)
        current.taken = _tasks().filter(pk=current.pk).values_list("taken", flat=True).get() - freed
        current.version += 1
        current.save()
        promoted = promote_from_waitlist(current)
        current.refresh_from_db()
        changed = [f for f, value in before.items() if getattr(current, f) != value]
        notify.task_changed(current, changed, skip=[c.pk for c in promoted])
        return current


def remove_task(task: Task) -> list[Commitment]:
    """Remove ``task`` from its project; everybody who held it or waited is told by email.
    The rows stay (marked removed) so that history and figures remain true."""
    with transaction.atomic():
        rows = (
            _tasks()
            .filter(pk=task.pk, removed_at__isnull=True)
            .update(removed_at=timezone.now(), taken=0)
        )
        if not rows:
            return []
        live = list(
            Commitment.objects.filter(task=task, status__in=Commitment.LIVE).select_related(
                "user", "task__project__organisation__platform"
            )
        )
        _commitments().filter(pk__in=[c.pk for c in live]).update(
            status=Status.RELEASED, changed_at=timezone.now()
        )
        for commitment in live:
            notify.supporter_task_changed(commitment, "removed", "")
        return live


def move_task(task: Task, direction: str) -> None:
    """Swap ``task`` with its neighbour above ('up') or below ('down')."""
    with transaction.atomic():
        siblings = list(
            _tasks()
            .select_for_update()
            .filter(project_id=task.project_id, removed_at__isnull=True)
            .order_by("position", "pk")
        )
        index = next((i for i, t in enumerate(siblings) if t.pk == task.pk), None)
        if index is None:  # removed meanwhile
            return
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(siblings):
            return
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                Task.objects.filter(pk=sibling.pk).update(position=position)


# --- taking places --------------------------------------------------------------------------


def _claim_place(task_id: int) -> bool:
    """Take one place with a single conditional UPDATE; True when a place was free."""
    return bool(
        _tasks()
        .filter(pk=task_id, taken__lt=F("capacity"), removed_at__isnull=True)
        .update(taken=F("taken") + 1, version=F("version") + 1)
    )


def _lock_task(task_id: int) -> None:
    """Lock the task row first, as update_task does, so that actions touching a task and its
    commitments always lock in the same order (no deadlock on PostgreSQL; SQLite's IMMEDIATE
    transactions are serial anyway)."""
    list(_tasks().select_for_update().filter(pk=task_id).values_list("pk", flat=True))


def _free_place(task_id: int) -> None:
    _tasks().filter(pk=task_id, taken__gt=0).update(taken=F("taken") - 1, version=F("version") + 1)


def touch_tasks(task_ids: list[int]) -> None:
    """Mark the cards of these tasks as changed (names shown on them, for instance)."""
    _tasks().filter(pk__in=task_ids).update(version=F("version") + 1)


def _live_commitment(task: Task, user: User) -> Commitment | None:
    return Commitment.objects.filter(task=task, user=user, status__in=Commitment.LIVE).first()


def _check_open(task: Task) -> Task:
    fresh = Task.objects.select_related("project__organisation__platform").get(pk=task.pk)
    if fresh.removed_at is not None:
        raise TaskRemoved
    if not fresh.project.is_open_for_takeover:
        raise TaskNotOpen
    return fresh


def _idempotent(action):  # type: ignore[no-untyped-def]
    """A concurrent duplicate (double click, retry) of the same person's request answers with
    the commitment that won, instead of an error."""

    def wrapper(task: Task, user: User, *args: Any, **kwargs: Any) -> Commitment:
        try:
            with transaction.atomic():
                return action(task, user, *args, **kwargs)
        except IntegrityError:
            existing = _live_commitment(task, user)
            if existing is None:
                raise
            return existing

    wrapper.__doc__ = action.__doc__
    wrapper.__name__ = action.__name__
    return wrapper


@_idempotent
def take_task(task: Task, user: User) -> Commitment:
    """Give ``user`` a place on ``task``, or raise TaskFull / TaskNotOpen / TaskRemoved.

    Repeating the call returns the same commitment (also when the person waits or holds)."""
    existing = _live_commitment(task, user)
    if existing is not None:
        return existing
    task = _check_open(task)
    if not _claim_place(task.pk):
        if not (release_expired_holds(task) and _claim_place(task.pk)):
            raise TaskFull
    commitment = Commitment.objects.create(task=task, user=user, status=Status.ACTIVE)
    notify.supporter_confirmed(commitment)
    notify.organisers_of_change(commitment, "taken")
    return commitment


@_idempotent
def join_waitlist(task: Task, user: User) -> Commitment:
    """Put ``user`` on the ordered waiting list of ``task`` (or give a place if one is free)."""
    existing = _live_commitment(task, user)
    if existing is not None:
        return existing
    task = _check_open(task)
    if _claim_place(task.pk):
        commitment = Commitment.objects.create(task=task, user=user, status=Status.ACTIVE)
        notify.supporter_confirmed(commitment)
        notify.organisers_of_change(commitment, "taken")
        return commitment
    commitment = Commitment.objects.create(task=task, user=user, status=Status.WAITING)
    # A place may have freed between the failed claim and the insert: move up at once.
    promote_from_waitlist(task)
    commitment.refresh_from_db()
    return commitment


@dataclass
class Hold:
    commitment: Commitment
    code: str
    token: str


def hold_task(task: Task, *, name: str, email: str, accepted: PrivacyText | None = None) -> Hold:
    """Hold a place for a visitor without an account until they confirm by email.

    The person's account is created silently (no password) if there is none, speaking the
    language of the page they used (so their emails are in it). The place is held for
    HOLD_MINUTES; the worker releases it afterwards. ``accepted`` is the privacy text the
    visitor accepted: it becomes their consent when they confirm (confirm_hold)."""
    email = User.objects.normalize_email(email).strip().lower()
    language = translation.get_language() or ""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email,
                    name=name.strip(),
                    language=language if language in dict(settings.LANGUAGES) else "",
                )
        except IntegrityError:  # the same address at the same moment (a double click)
            user = User.objects.get(email__iexact=email)
    code = f"{secrets.randbelow(10**6):06d}"
    commitment = _hold(task, user)
    code_hash = _code_hash(commitment.pk, code)
    token = signing.dumps({"c": commitment.pk, "h": code_hash[:16]}, salt=HOLD_SALT)
    if commitment.status == Status.HELD:
        # Asking again (another browser, a lost mail) sends a fresh code; only the newest
        # mail's code and link are valid. The wrong codes typed so far still count: asking
        # again must not buy fresh guesses at a code that signs in as the address's owner.
        with transaction.atomic():
            Commitment.objects.filter(pk=commitment.pk).update(code_hash=code_hash)
            commitment.code_hash = code_hash
            if accepted is not None:
                privacy.remember_held_consent(commitment, accepted)
            notify.supporter_hold(
                commitment, code, reverse("projects:confirm", args=[token]), code_hash[:12]
            )
    return Hold(commitment=commitment, code=code, token=token)


@_idempotent
def _hold(task: Task, user: User) -> Commitment:
    existing = _live_commitment(task, user)
    if existing is not None:
        return existing
    task = _check_open(task)
    if not _claim_place(task.pk):
        if not (release_expired_holds(task) and _claim_place(task.pk)):
            raise TaskFull
    expires = timezone.now() + timedelta(minutes=settings.CROWDMOVING["HOLD_MINUTES"])
    commitment = Commitment.objects.create(
        task=task, user=user, status=Status.HELD, hold_expires_at=expires
    )
    from .tasks import release_hold

    release_hold.using(run_after=expires).enqueue(commitment.pk)
    return commitment


def _code_hash(commitment_id: int, code: str) -> str:
    return salted_hmac(HOLD_SALT, f"{commitment_id}:{code}").hexdigest()


def commitment_from_token(token: str) -> tuple[Commitment | None, bool]:
    """The commitment an emailed link is for, and whether the link is still current: a link
    stops being current once its place is confirmed or a newer code was mailed, so that it
    signs nobody in twice."""
    try:
        data = signing.loads(token, salt=HOLD_SALT, max_age=timedelta(days=2))
    except signing.BadSignature:
        return None, False
    commitment = (
        Commitment.objects.filter(pk=data.get("c")).select_related("task__project", "user").first()
    )
    if commitment is None or not commitment.code_hash:
        return commitment, False
    return commitment, constant_time_compare(commitment.code_hash[:16], str(data.get("h", "")))


def confirm_hold(commitment: Commitment, *, code: str | None = None) -> Commitment:
    """Turn a held place into a taken one. With ``code`` (typed by the visitor) the code is
    checked, at most CONFIRMATION_CODE_ATTEMPTS times; the emailed link needs no code.

    Confirming twice is harmless. After the hold expired the place is taken afresh if one is
    free, else HoldExpired is raised."""
    if code is not None:
        _check_code(commitment, code)
    with transaction.atomic():
        _lock_task(commitment.task_id)
        confirmed = (
            _commitments()
            .filter(pk=commitment.pk, status=Status.HELD, hold_expires_at__gt=timezone.now())
            .update(
                status=Status.ACTIVE, hold_expires_at=None, code_hash="", changed_at=timezone.now()
            )
        )
        commitment.refresh_from_db()
        _verify_email(commitment.user)
        if confirmed:
            privacy.confirm_held_consent(commitment)
            touch_tasks([commitment.task_id])  # the confirmed name now shows on the card
            notify.supporter_confirmed(commitment)
            notify.organisers_of_change(commitment, "taken")
            return commitment
    if commitment.status in (Status.ACTIVE, Status.WAITING):
        return commitment
    release_expired_hold(commitment.pk)
    try:
        taken = take_task(commitment.task, commitment.user)
    except TaskFull as error:
        raise HoldExpired from error
    _commitments().filter(pk=commitment.pk).update(code_hash="")  # the link is used up
    privacy.confirm_held_consent(commitment)
    return taken


def _check_code(commitment: Commitment, code: str) -> None:
    limit = settings.CROWDMOVING["CONFIRMATION_CODE_ATTEMPTS"]
    counted = (
        _commitments()
        .filter(pk=commitment.pk, code_attempts__lt=limit)
        .update(code_attempts=F("code_attempts") + 1)
    )
    if not counted:
        raise TooManyAttempts
    # Read afresh (the caller's copy may predate a newer code); emptied once confirmed.
    expected = Commitment.objects.filter(pk=commitment.pk).values_list("code_hash", flat=True).get()
    if not expected or not constant_time_compare(expected, _code_hash(commitment.pk, code.strip())):
        raise WrongCode


def _verify_email(user: User) -> None:
    """Confirming a held place proves the address: allauth treats it as verified."""
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not address.verified:
        EmailAddress.objects.filter(pk=address.pk).update(verified=True)


def release_expired_hold(commitment_id: int) -> bool:
    """Free the place of a hold that was not confirmed in time; True if one was freed."""
    with transaction.atomic():
        commitment = Commitment.objects.filter(pk=commitment_id).select_related("task").first()
        if commitment is None:
            return False
        _lock_task(commitment.task_id)
        expired = (
            _commitments()
            .filter(pk=commitment_id, status=Status.HELD, hold_expires_at__lte=timezone.now())
            .update(status=Status.EXPIRED, changed_at=timezone.now())
        )
        if expired:
            _free_place(commitment.task_id)
            promote_from_waitlist(commitment.task)
        return bool(expired)


def release_expired_holds(task: Task) -> int:
    """Release every expired hold of ``task`` (when the worker is late); returns how many."""
    expired = Commitment.objects.filter(
        task=task, status=Status.HELD, hold_expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(release_expired_hold(pk) for pk in list(expired))


# --- stepping back and moving up ------------------------------------------------------------


def withdraw(commitment: Commitment) -> Commitment:
    """Step back from a task or leave its waiting list. The freed place goes to the first
    person waiting, who is told by email; the organisers are told. Repeating is harmless."""
    with transaction.atomic():
        current = Commitment.objects.select_related("task__project", "user").get(pk=commitment.pk)
        if current.status not in Commitment.LIVE:
            return current
        _lock_task(current.task_id)
        was = current.status
        changed = (
            _commitments()
            .filter(pk=current.pk, status=was)
            .update(status=Status.WITHDRAWN, changed_at=timezone.now(), code_hash="")
        )
        if not changed:  # a concurrent change won; look again
            return withdraw(current)
        current.refresh_from_db()
        if was in Commitment.HOLDING_A_PLACE:
            _free_place(current.task_id)
            promote_from_waitlist(current.task)
            if was == Status.ACTIVE:
                notify.organisers_of_change(current, "withdrawn")
        return current


def promote_from_waitlist(task: Task) -> list[Commitment]:
    """Give free places of ``task`` to the people waiting longest, each told by email.

    Each place is claimed by the same conditional UPDATE as a take-over, then handed to the
    first waiting person whose row can still be switched from waiting to active."""
    promoted: list[Commitment] = []
    queue = Commitment.objects.filter(task_id=task.pk, status=Status.WAITING)
    with transaction.atomic():
        while queue.exists() and _claim_place(task.pk):
            winner = None
            for candidate in queue.order_by("joined_at", "pk"):
                if (
                    _commitments()
                    .filter(pk=candidate.pk, status=Status.WAITING)
                    .update(status=Status.ACTIVE, changed_at=timezone.now())
                ):
                    winner = candidate
                    break
            if winner is None:
                _free_place(task.pk)
                break
            winner.refresh_from_db()
            notify.supporter_promoted(winner)
            notify.organisers_of_change(winner, "taken")
            promoted.append(winner)
    return promoted


# --- hand-over and completion ---------------------------------------------------------------


def hand_over_coordination(project: Project, supporter: User, *, by: User) -> bool:
    """Make ``supporter`` (who holds or held a place in ``project``) a coordinator of this
    project: she sees the supporters and waiting lists, confirms attendance and receives the
    organisers' notifications. She is told by email and in the app, and the audit log notes
    it. Returns False (and tells nobody) when she coordinates it already; raises NotASupporter
    for anyone else."""
    from .errors import NotASupporter

    with transaction.atomic():
        list(Project._base_manager.select_for_update().filter(pk=project.pk).values("pk"))
        takes_part = Commitment.objects.filter(
            task__project=project,
            user=supporter,
            status__in=(Status.ACTIVE, Status.COMPLETED),
        ).exists()
        if not takes_part:
            raise NotASupporter
        if project.coordinators.filter(pk=supporter.pk).exists():
            return False
        project.coordinators.add(supporter)
        record(
            Action.COORDINATION_HANDED_OVER,
            actor=by,
            platform=project.organisation.platform,
            subject=supporter,
            target=project,
        )
        notify.coordination_changed(project, supporter, by=by, handed_over=True)
    return True


def end_coordination(project: Project, coordinator: User, *, by: User) -> bool:
    """Take the coordination of ``project`` back from ``coordinator``; she is told by email
    and in the app, and the audit log notes it. Returns False when she did not coordinate
    it."""
    with transaction.atomic():
        list(Project._base_manager.select_for_update().filter(pk=project.pk).values("pk"))
        if not project.coordinators.filter(pk=coordinator.pk).exists():
            return False
        project.coordinators.remove(coordinator)
        record(
            Action.COORDINATION_TAKEN_BACK,
            actor=by,
            platform=project.organisation.platform,
            subject=coordinator,
            target=project,
        )
        notify.coordination_changed(project, coordinator, by=by, handed_over=False)
    return True


def task_days(task: Task) -> int:
    """On how many calendar days a task takes place (local time); at least one."""
    if task.timing == Task.Timing.SCHEDULED and task.starts_at:
        end = task.ends_at or task.starts_at
        first, last = timezone.localdate(task.starts_at), timezone.localdate(end)
        return (last - first).days + 1
    return 1


def default_hours(task: Task) -> Decimal | None:
    """The hours proposed for someone who took part: a scheduled task's duration, rounded to
    a quarter hour. A whole-day or flexible task has no duration to go by: None (blank)."""
    if task.timing == Task.Timing.SCHEDULED and task.starts_at and task.ends_at:
        seconds = (task.ends_at - task.starts_at).total_seconds()
        quarters = round(seconds / 900)
        return (Decimal(quarters) / 4).quantize(Decimal("0.01"))
    return None


def max_hours(commitment: Commitment) -> Decimal:
    """No more than 24 hours for each day of the task. A flexible task has no days: 24 for
    each day since the person took it (at least one)."""
    task = commitment.task
    if task.timing == Task.Timing.FLEXIBLE or not (task.starts_at or task.day):
        days = max((timezone.now() - commitment.joined_at).days + 1, 1)
    else:
        days = task_days(task)
    return Decimal(24 * days)


def task_has_ended(task: Task) -> bool:
    """Scheduled and whole-day tasks after their end; flexible tasks at any time (they are
    done whenever they suit)."""
    now = timezone.now()
    if task.timing == Task.Timing.SCHEDULED and task.starts_at:
        return (task.ends_at or task.starts_at) <= now
    if task.timing == Task.Timing.DAY and task.day:
        return task.day < timezone.localdate(now)
    return task.timing == Task.Timing.FLEXIBLE


# What a coordinator can say about a person after the day; "open" leaves it unconfirmed.
ATTENDANCE = (Status.COMPLETED, Status.NO_SHOW)
CONFIRMABLE = (Status.ACTIVE, Status.COMPLETED, Status.NO_SHOW)


@dataclass(frozen=True)
class Attendance:
    commitment_id: int
    status: str  # Status.COMPLETED, Status.NO_SHOW, or Status.ACTIVE to leave it open
    hours: Decimal | None = None


def confirm_attendance(project: Project, entries: list[Attendance], *, by: User) -> int:
    """Record who of ``project`` took part (with hours) and who did not come, in one
    transaction. Only commitments of tasks that have ended can be confirmed; a commitment
    whose status and hours stay the same is left alone, so repeating is harmless and the
    record keeps who confirmed it when. A correction overwrites it with the new person and
    time. Raises AttendanceRefused (nothing saved) for a commitment that is not confirmable,
    one's own (another organiser confirms it), or hours out of range. Returns how many
    commitments changed."""
    from .errors import AttendanceRefused

    now = timezone.now()
    changed = 0
    with transaction.atomic():
        wanted = {entry.commitment_id: entry for entry in entries}
        current = {
            c.pk: c
            for c in Commitment.objects.select_for_update(of=("self",))
            .filter(pk__in=wanted, task__project=project, task__removed_at__isnull=True)
            .select_related("task")
        }
        for commitment_id, entry in wanted.items():
            commitment = current.get(commitment_id)
            if (
                commitment is None
                or commitment.user_id == by.pk  # nobody confirms their own hours
                or commitment.status not in CONFIRMABLE
                or not task_has_ended(commitment.task)
                or entry.status not in CONFIRMABLE
            ):
                raise AttendanceRefused
            hours = entry.hours if entry.status == Status.COMPLETED else None
            if hours is not None and not (0 <= hours <= max_hours(commitment)):
                raise AttendanceRefused
            if entry.status == Status.ACTIVE:
                # Left open. Once confirmed, a record is corrected, never made open again.
                if commitment.status != Status.ACTIVE:
                    raise AttendanceRefused
                continue
            if commitment.status == entry.status and commitment.hours == hours:
                continue
            _commitments().filter(pk=commitment.pk).update(
                status=entry.status,
                hours=hours,
                attendance_confirmed_by=by,
                attendance_confirmed_at=now,
                changed_at=now,
            )
            changed += 1
    return changed
