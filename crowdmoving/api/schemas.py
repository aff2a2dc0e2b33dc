"""The API's typed input and output (pydantic through django-ninja): the OpenAPI schema at
/api/v1/openapi.json is generated from these."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ConfigDict


class ErrorDetail(Schema):
    code: str = Field(description="Stable, for programs: not_found, unauthorized, invalid, ...")
    message: str = Field(description="For people, in the request's language.")
    fields: dict[str, list[str]] = Field(
        default_factory=dict, description="Invalid input: the field's name -> its messages."
    )


class Error(Schema):
    error: ErrorDetail


class OrganisationOut(Schema):
    slug: str
    name: str
    description: str
    website: str


class OrganisationRef(Schema):
    slug: str
    name: str


class TaskOut(Schema):
    id: int
    title: str
    description: str
    timing: str = Field(description="scheduled (starts_at, ends_at), day (day) or flexible")
    starts_at: datetime | None
    ends_at: datetime | None
    day: date | None
    location: str
    capacity: int = Field(description="People needed.")
    taken: int = Field(description="Places taken (confirmed or held), live.")
    free: int = Field(description="Places free, live.")
    skills: list[str]
    easy: bool


class ProjectSummary(Schema):
    id: int
    title: str
    status: str = Field(description="draft, inner_circle, public or closed")
    organisation: OrganisationRef
    place: str
    postal_code: str
    category: str
    suitable_for_groups: bool
    starts_on: date | None
    ends_on: date | None
    places: int = Field(description="Places of all its tasks.")
    places_free: int = Field(description="Places still free, live.")
    url: str = Field(description="The project's page on the platform.")


class ProjectOut(ProjectSummary):
    story: str = Field(description="The story as its organisers wrote it (Markdown).")
    story_html: str = Field(description="The story as safe HTML.")
    tasks: list[TaskOut]


class ProjectPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ProjectSummary]


class OrganisationPage(Schema):
    count: int
    page: int
    pages: int
    results: list[OrganisationOut]


class ProjectIn(Schema):
    """A new project (a draft). The same rules as the organisers' form on the web."""

    model_config = ConfigDict(extra="forbid")

    title: str
    story: str = ""
    place: str = ""
    postal_code: str = ""
    category: str = Field("", description="Empty, or one of the platform's categories.")
    suitable_for_groups: bool = False
    starts_on: date | None = None
    ends_on: date | None = None


class ProjectPatch(Schema):
    """Changes to a project: only the fields sent change. ``status`` moves it (draft,
    inner_circle, public, closed), as the dashboard's buttons do."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    story: str | None = None
    place: str | None = None
    postal_code: str | None = None
    category: str | None = None
    suitable_for_groups: bool | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    status: str | None = None


class TaskIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    description: str = ""
    timing: str = Field("flexible", description="scheduled, day or flexible")
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    day: date | None = None
    location: str = ""
    capacity: int = Field(1, description="People needed, 1 to 10000.")
    skills: str = Field("", description="Separated by commas.")


class TaskPatch(Schema):
    """Changes to a task: only the fields sent change. Fewer places than people who hold
    the task is refused with 409 ``people_affected`` unless ``confirm`` is true (they lose
    their place and are told, as on the web)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    timing: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    day: date | None = None
    location: str | None = None
    capacity: int | None = None
    skills: str | None = None
    confirm: bool = False


class SupporterOut(Schema):
    """One commitment as the organisers' supporter list (CSV) shows it."""

    id: int
    task_id: int
    task_title: str
    status: str = Field(
        description="held, active, waiting, withdrawn, expired, released, completed, no_show"
    )
    name: str | None = Field(description="None for a deleted account.")
    email: str | None = Field(description="None for a deleted account.")
    hours: str | None = Field(description="Confirmed hours, a decimal number as text.")
    joined_at: datetime
    changed_at: datetime


class ProjectRef(Schema):
    id: int
    title: str
    organisation: OrganisationRef


class MyCommitmentOut(Schema):
    id: int
    status: str = Field(description="held, active, waiting, withdrawn, ...")
    wait_position: int | None = Field(description="On the waiting list: 1 = next.")
    project: ProjectRef
    task: TaskOut
    joined_at: datetime


class MyCommitments(Schema):
    upcoming: list[MyCommitmentOut]
    past: list[MyCommitmentOut]
