"""Why a take-over or a change was refused, in words a person understands."""

from django.utils.translation import gettext_lazy as _


class Refused(Exception):
    message = _("This is not possible right now.")

    def __str__(self) -> str:
        return str(self.message)


class TaskFull(Refused):
    message = _("All places of this task are taken. You can join the waiting list.")


class TaskNotOpen(Refused):
    message = _("This task cannot be taken: the project is not open for sign-ups.")


class TaskRemoved(Refused):
    message = _("This task was removed by the organisers.")


class HoldExpired(Refused):
    message = _("Your held place was not confirmed in time and has been released.")


class WrongCode(Refused):
    message = _("This code is not right. Please check the email we sent you.")


class TooManyAttempts(Refused):
    message = _("Too many wrong codes. Please use the link in the email.")


class PeopleAffected(Refused):
    """A change would remove people from a task; the organiser must confirm it first."""

    message = _("This change affects people who hold this task. Please confirm it.")

    def __init__(self, affected: list) -> None:
        super().__init__()
        self.affected = affected


class NotASupporter(Refused):
    message = _("Coordination can only be handed over to someone who took a task in this project.")


class AttendanceRefused(Refused):
    message = _(
        "Attendance can only be confirmed for people who took a task that has ended, "
        "with hours from 0 to 24 per day of the task."
    )
