"""One JSON body for every error of the API, in the request's language:

    {"error": {"code": "not_found", "message": "…", "fields": {"title": ["…"]}}}

``code`` is stable (programs branch on it), ``message`` is for people, ``fields`` (validation
errors only, else empty) maps an input field to its messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Messages for pydantic's error types (its own messages are English only).
TYPE_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "int_parsing": gettext_lazy("Please enter a whole number."),
    "int_type": gettext_lazy("Please enter a whole number."),
    "int_from_float": gettext_lazy("Please enter a whole number."),
    "bool_parsing": gettext_lazy("Please enter true or false."),
    "bool_type": gettext_lazy("Please enter true or false."),
    "date_parsing": gettext_lazy("Please enter a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": gettext_lazy("Please enter a date (YYYY-MM-DD)."),
    "date_type": gettext_lazy("Please enter a date (YYYY-MM-DD)."),
    "datetime_parsing": gettext_lazy("Please enter a date and time (ISO 8601)."),
    "datetime_from_date_parsing": gettext_lazy("Please enter a date and time (ISO 8601)."),
    "datetime_type": gettext_lazy("Please enter a date and time (ISO 8601)."),
    "string_type": gettext_lazy("Please enter text."),
    "string_too_long": gettext_lazy("This is too long."),
    "string_too_short": gettext_lazy("This is too short."),
    "greater_than_equal": gettext_lazy("This number is too small."),
    "less_than_equal": gettext_lazy("This number is too large."),
    "enum": gettext_lazy("Please choose one of the allowed values."),
    "literal_error": gettext_lazy("Please choose one of the allowed values."),
    "extra_forbidden": gettext_lazy("This field is not known."),
    "model_attributes_type": gettext_lazy("Please send a JSON object."),
    "dict_type": gettext_lazy("Please send a JSON object."),
    "json_invalid": gettext_lazy("This is not valid JSON."),
}


class ApiError(Exception):
    """Raised anywhere below a route; api.py turns it into the JSON body above."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = {
            name: [str(m) for m in messages] for name, messages in (fields or {}).items()
        }


def body(code: str, message: str, fields: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "fields": dict(fields or {})}}


def response(
    status: int, code: str, message: str, fields: Mapping[str, list[str]] | None = None
) -> JsonResponse:
    answer = JsonResponse(body(code, message, fields), status=status)
    answer["Cache-Control"] = "no-store"
    return answer


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("There is nothing at this address, or you may not see it."))


def unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        _(
            "This needs a valid personal access token of this platform in the header "
            "“Authorization: Bearer …”. Tokens are made in your settings."
        ),
    )


def from_validation(errors: Sequence[Mapping[str, Any]]) -> ApiError:
    """ninja's (pydantic's) validation errors as one 422 with a message per field."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        where = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        # ("query", "page") -> "page"; ("path", "pk") -> "pk"; the body's fields by name.
        if where and where[0] in ("query", "path", "header"):
            where = where[1:]
        name = ".".join(where) or "__all__"
        message = TYPE_MESSAGES.get(error.get("type", ""), gettext_lazy("This value is not valid."))
        fields.setdefault(name, [])
        if str(message) not in fields[name]:
            fields[name].append(str(message))
    return ApiError(422, "invalid", _("Some of the data is not valid."), fields)


def not_found_view(request: HttpRequest) -> HttpResponse:
    """Any address under /api/ that is no operation: a JSON 404, not the HTML page."""
    error = not_found()
    return response(error.status, error.code, error.message)


def method_not_allowed(allowed: Sequence[str]) -> JsonResponse:
    answer = response(405, "method_not_allowed", _("This address does not answer this method."))
    answer["Allow"] = ", ".join(allowed)
    return answer
