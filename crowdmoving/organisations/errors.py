"""Why a change to an organisation's members was refused, in words a person understands."""

from django.utils.translation import gettext_lazy as _


class MembersRefused(Exception):
    message = _("This is not possible right now.")

    def __str__(self) -> str:
        return str(self.message)


class LastOwner(MembersRefused):
    message = _(
        "An organisation always needs at least one owner. Make someone else an owner first."
    )


class AlreadyMember(MembersRefused):
    message = _("This person is already a member of the organisation.")


class InvitationGone(MembersRefused):
    message = _(
        "This invitation is no longer valid: it was used, withdrawn or is too old. "
        "Please ask the organisation for a new one."
    )


class WrongInvitee(MembersRefused):
    message = _(
        "This invitation was sent to another email address. Please sign in with the address "
        "the invitation was sent to (and confirm it), or ask for an invitation to your address."
    )
