"""The API checks input with the web's own forms (projects.forms.ProjectForm and TaskForm),
so that both refuse the same things with the same messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _

from . import errors


def cleaned(
    form_class: type[forms.ModelForm],  # type: ignore[type-arg]
    instance: models.Model | None,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """The cleaned data of ``form_class`` filled with ``instance``'s current values (or the
    form's initial ones) and ``changes`` on top; an invalid field is a 422 with the form's
    messages at their fields. The form's fields that the API does not take (an uploaded
    cover) keep their value. Nothing is written here."""
    unbound = form_class(instance=instance)
    data: dict[str, Any] = {}
    for name, field in unbound.fields.items():
        if isinstance(field, forms.FileField):
            continue
        data[name] = unbound.get_initial_for_field(field, name)
    data.update({name: value for name, value in changes.items() if name in unbound.fields})
    form = form_class(data=data, instance=instance)
    if not form.is_valid():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise errors.ApiError(422, "invalid", _("Some of the data is not valid."), fields)
    return form.cleaned_data
