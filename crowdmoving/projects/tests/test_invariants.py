"""Invariants that no sequence of actions may break, and a sanitiser that never lets script
through, checked by Hypothesis.

The state machine plays random take-overs, waiting, holds, confirmations, expiries, withdrawals,
capacity changes and removal by a few people on one task, and compares the database after every
step with a small model of who should hold a place and who waits in which order."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from crowdmoving import factories as f
from crowdmoving.core.text import render_markdown
from crowdmoving.projects import actions
from crowdmoving.projects.errors import TaskFull, TaskRemoved
from crowdmoving.projects.models import Commitment, Task

Status = Commitment.Status
PEOPLE = 5


class TakeOverMachine(RuleBasedStateMachine):
    """The model: ``live`` maps a person's index to [status, order of joining]."""

    def __init__(self) -> None:
        super().__init__()
        organisation = f.OrganisationFactory()
        self.platform = organisation.platform
        project = f.ProjectFactory(organisation=organisation)
        f.MembershipFactory(organisation=organisation)  # an organiser to be told
        self.task = f.TaskFactory(project=project, capacity=2)
        self.people = [f.UserFactory(verified=False) for _ in range(PEOPLE)]
        self.capacity = 2
        self.removed = False
        self.live: dict[int, list] = {}
        self.joined = 0

    # --- the model ------------------------------------------------------------------------

    def holders(self) -> list[int]:
        return [p for p, (status, _o) in self.live.items() if status in Commitment.HOLDING_A_PLACE]

    def queue(self) -> list[int]:
        waiting = [(order, p) for p, (status, order) in self.live.items() if status == "waiting"]
        return [p for _order, p in sorted(waiting)]

    def join(self, person: int, status: str) -> None:
        self.joined += 1
        self.live[person] = [status, self.joined]

    def promote(self) -> None:
        while self.queue() and len(self.holders()) < self.capacity:
            self.live[self.queue()[0]][0] = Status.ACTIVE

    def commitment(self, person: int) -> Commitment:
        return Commitment.objects.get(
            task=self.task, user=self.people[person], status__in=Commitment.LIVE
        )

    # --- the rules ------------------------------------------------------------------------

    def _take(self, person: int, status: str, action) -> None:  # type: ignore[no-untyped-def]
        if person in self.live:
            commitment = action()
            assert commitment.status == self.live[person][0]
        elif self.removed:
            with pytest.raises(TaskRemoved):
                action()
        elif len(self.holders()) < self.capacity:
            action()
            self.join(person, Status.ACTIVE if status == Status.WAITING else status)
        elif status == Status.WAITING:
            action()
            self.join(person, Status.WAITING)
        else:
            with pytest.raises(TaskFull):
                action()

    @rule(person=st.integers(0, PEOPLE - 1))
    def take(self, person: int) -> None:
        with scope(platform=self.platform):
            self._take(
                person, Status.ACTIVE, lambda: actions.take_task(self.task, self.people[person])
            )

    @rule(person=st.integers(0, PEOPLE - 1))
    def wait(self, person: int) -> None:
        with scope(platform=self.platform):
            self._take(
                person,
                Status.WAITING,
                lambda: actions.join_waitlist(self.task, self.people[person]),
            )

    @rule(person=st.integers(0, PEOPLE - 1))
    def hold(self, person: int) -> None:
        user = self.people[person]

        def _hold() -> Commitment:
            return actions.hold_task(self.task, name=user.name, email=user.email).commitment

        with scope(platform=self.platform):
            self._take(person, Status.HELD, _hold)

    @rule(person=st.integers(0, PEOPLE - 1))
    def confirm(self, person: int) -> None:
        if self.live.get(person, [None])[0] != Status.HELD:
            return
        with scope(platform=self.platform):
            actions.confirm_hold(self.commitment(person))
        self.live[person][0] = Status.ACTIVE

    @rule(person=st.integers(0, PEOPLE - 1))
    def release(self, person: int) -> None:
        """The hold runs out: the clock passes its end, then the worker's release runs."""
        if self.live.get(person, [None])[0] != Status.HELD:
            return
        with scope(platform=self.platform):
            commitment = self.commitment(person)
            Commitment.objects.filter(pk=commitment.pk).update(
                hold_expires_at=timezone.now() - timedelta(seconds=1)
            )
            assert actions.release_expired_hold(commitment.pk)
        del self.live[person]
        self.promote()

    @rule(person=st.integers(0, PEOPLE - 1))
    def withdraw(self, person: int) -> None:
        if person not in self.live:
            return
        with scope(platform=self.platform):
            assert actions.withdraw(self.commitment(person)).status == Status.WITHDRAWN
        del self.live[person]
        self.promote()

    @precondition(lambda self: not self.removed)
    @rule(capacity=st.integers(1, 4))
    def change_capacity(self, capacity: int) -> None:
        with scope(platform=self.platform):
            actions.update_task(self.task, {"capacity": capacity}, confirmed=True)
        self.capacity = capacity
        # Unconfirmed held places end first (never queued), then the latest to join wait.
        latest_first = sorted(self.holders(), key=lambda p: self.live[p][1], reverse=True)
        latest_first.sort(key=lambda p: self.live[p][0] != Status.HELD)
        for person in latest_first[: max(len(latest_first) - capacity, 0)]:
            if self.live[person][0] == Status.HELD:
                del self.live[person]
            else:
                self.live[person][0] = Status.WAITING
        self.promote()

    @precondition(lambda self: not self.removed)
    @rule()
    def remove(self) -> None:
        with scope(platform=self.platform):
            actions.remove_task(self.task)
        self.removed = True
        self.live.clear()

    # --- after every step -----------------------------------------------------------------

    @invariant()
    def places_are_counted_and_never_overbooked(self) -> None:
        task = Task.objects.get(pk=self.task.pk)
        holding = Commitment.objects.filter(task=task, status__in=Commitment.HOLDING_A_PLACE)
        assert task.taken <= task.capacity
        assert task.taken == holding.count()

    @invariant()
    def nobody_holds_two_live_commitments(self) -> None:
        users = list(
            Commitment.objects.filter(task=self.task, status__in=Commitment.LIVE).values_list(
                "user_id", flat=True
            )
        )
        assert len(users) == len(set(users))

    @invariant()
    def the_right_people_hold_and_wait_in_joining_order(self) -> None:
        live = Commitment.objects.filter(task=self.task, status__in=Commitment.LIVE)
        index = {user.pk: i for i, user in enumerate(self.people)}
        assert {index[c.user_id]: c.status for c in live} == {
            p: status for p, (status, _o) in self.live.items()
        }
        waiting = list(live.filter(status=Status.WAITING).order_by("joined_at", "pk"))
        assert [index[c.user_id] for c in waiting] == self.queue()
        assert [c.joined_at for c in waiting] == sorted(c.joined_at for c in waiting)
        if waiting:
            assert len(self.holders()) == self.capacity  # nobody waits beside a free place


@pytest.mark.django_db
def test_no_sequence_of_actions_breaks_the_take_over_invariants():
    run_state_machine_as_test(
        TakeOverMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# --- the sanitiser ------------------------------------------------------------------------------

DANGEROUS = [
    "<script>", "</script>", "<script src=//x.example>", "onerror=", "onload=", " onclick=",
    "javascript:", "JaVaScRiPt:", "java\tscript:", "&#106;avascript:", "<svg", "<svg/onload=",
    "<img", "<img src=x ", "<iframe", "<a href=\"", "[x](", ")", "\"", "'", ">", "<", "<!--",
    "-->", "`", "\n", "\n\n", "    ", "<style>", "<math>", "<object", "data:text/html,",
    "<a href='javascript:alert(1)'>", "[click](javascript:alert(1))", "![i](x onerror=alert(1))",
    "<p ", "style=", "alert(1)", "&lt;", "&", " ",
]  # fmt: skip

FORBIDDEN_TAGS = {"script", "svg", "img", "iframe", "style", "math", "object", "embed"}


class Elements(HTMLParser):
    """Every tag and attribute of the output, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_harmless(html: str) -> None:
    lowered = html.lower()
    for needle in ("<script", "<svg", "<img", "<iframe", "<style"):
        assert needle not in lowered, html
    parser = Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            if name in ("href", "src", "action", "formaction"):
                # As the WHATWG URL parser reads a scheme: control characters and spaces
                # dropped at both ends, tabs and newlines anywhere. (Markdown turns a tab into
                # spaces, and "java    script:" is a relative path, not a scheme.)
                edges = "".join(map(chr, range(0x21)))
                scheme = re.sub(r"[\t\n\r]", "", (value or "").strip(edges)).lower()
                assert not scheme.startswith(("javascript:", "vbscript:", "data:")), html


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_the_sanitiser_never_lets_script_through_for_any_text(text):
    assert_harmless(render_markdown(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(DANGEROUS), st.text(max_size=8)), max_size=25))
def test_the_sanitiser_never_lets_script_through_for_attack_fragments(fragments):
    assert_harmless(render_markdown("".join(fragments)))


def test_the_sanitiser_check_would_notice_script():
    with pytest.raises(AssertionError):
        assert_harmless('<p><a href="javascript:alert(1)">x</a></p>')
    with pytest.raises(AssertionError):
        assert_harmless('<p onclick="x()">x</p>')
