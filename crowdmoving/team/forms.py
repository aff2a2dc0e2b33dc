"""The team page's forms. Every message is plain text of at most 2000 characters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crowdmoving.accounts.models import User
from crowdmoving.projects.models import Project, Task

from .selectors import current_supporters

MAX_LENGTH = 2000


class PersonChoice(forms.ModelChoiceField):
    """Coordinators choose among supporters by full name and address."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})" if obj.name else obj.email


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text, at most 2000 characters. Links are made clickable."),
        error_messages={
            "required": _("Please write a message."),
            "max_length": _(
                "A message can have at most %(limit_value)d characters "
                "(this one has %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project


class UpdateForm(MessageForm):
    pass


class BoardForm(MessageForm):
    pass


class DirectForm(MessageForm):
    recipient = PersonChoice(
        label=_("To"),
        queryset=User.objects.none(),
        empty_label=_("Choose a supporter"),
        error_messages={"required": _("Please choose the person to write to.")},
    )
    field_order = ["recipient", "body"]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        self.fields["recipient"].queryset = current_supporters(project)  # type: ignore[attr-defined]


class TaskMessageForm(MessageForm):
    task = forms.ModelChoiceField(
        label=_("To everyone on the task"),
        queryset=Task.objects.none(),
        empty_label=_("Choose a task"),
        error_messages={"required": _("Please choose a task.")},
    )
    field_order = ["task", "body"]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        self.fields["task"].queryset = Task.objects.filter(  # type: ignore[attr-defined]
            project=project, removed_at__isnull=True
        ).order_by("position", "pk")


class IntroductionForm(MessageForm):
    first = PersonChoice(
        label=_("First person"),
        queryset=User.objects.none(),
        empty_label=_("Choose a supporter"),
        error_messages={"required": _("Please choose the first person.")},
    )
    second = PersonChoice(
        label=_("Second person"),
        queryset=User.objects.none(),
        empty_label=_("Choose a supporter"),
        error_messages={"required": _("Please choose the second person.")},
    )
    field_order = ["first", "second", "body"]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        for name in ("first", "second"):
            self.fields[name].queryset = current_supporters(project)  # type: ignore[attr-defined]
        self.fields["body"].help_text = _(
            "Both get an email with your text and the other's name and email address."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("first"), data.get("second")
        if first is not None and first == second:
            self.add_error("second", _("Please choose two different people."))
        return data


# The forms by the value of the "kind" field each of them posts, and whether only the team's
# coordinators may use it.
FORMS: dict[str, tuple[type[MessageForm], bool]] = {
    "update": (UpdateForm, True),
    "board": (BoardForm, False),
    "direct": (DirectForm, True),
    "task": (TaskMessageForm, True),
    "introduction": (IntroductionForm, True),
}


class ContactSharingForm(forms.Form):
    share = forms.TypedChoiceField(
        label=_("May the other supporters of your projects see your email address?"),
        choices=[
            ("1", _("Yes, they may see my email address")),
            ("0", _("No, keep it to the organisers")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose yes or no.")},
    )
