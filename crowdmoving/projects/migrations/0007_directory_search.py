"""The directory's full-text search on PostgreSQL (projects.directory): a ``search_document``
tsvector column on projects_project, kept by triggers, with a GIN index.

The document holds the title (weight A), the place, postal code and the organisation's name
(B) and the story (C), parsed with the 'simple' configuration (lower case, no stemming, no
stop words: one installation serves platforms in several languages, and the query asks for
prefixes, so "garten" finds "Gartenfreunde"). It needs the organisation's name, which lives in
another table, so neither a generated column nor an expression index can hold it: a trigger
fills it before every insert and every update of the fields it reads, and a trigger on
organisations refreshes their projects when a name changes. The column is not a model field
(Django never reads or writes it); the search reads it through ``directory.SearchDocument``.

SQLite has no tsvector: there this migration does nothing and the directory searches with
LIKE (see directory.py)."""

from django.db import migrations

FORWARD = """
ALTER TABLE projects_project ADD COLUMN search_document tsvector;

CREATE FUNCTION projects_project_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document :=
        setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(NEW.place, '') || ' '
            || coalesce(NEW.postal_code, '') || ' '
            || coalesce((SELECT name FROM organisations_organisation
                         WHERE id = NEW.organisation_id), '')), 'B')
        || setweight(to_tsvector('simple', coalesce(NEW.story, '')), 'C');
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_project_search_document
BEFORE INSERT OR UPDATE OF title, place, postal_code, story, organisation_id
ON projects_project
FOR EACH ROW EXECUTE FUNCTION projects_project_search_document();

CREATE FUNCTION organisations_organisation_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Touching the title fires the projects' own trigger, which reads the new name.
    UPDATE projects_project SET title = title WHERE organisation_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER organisations_organisation_search_document
AFTER UPDATE OF name ON organisations_organisation
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
EXECUTE FUNCTION organisations_organisation_search_document();

UPDATE projects_project SET title = title;

CREATE INDEX project_search_document ON projects_project USING gin (search_document);
"""

BACKWARD = """
DROP TRIGGER IF EXISTS organisations_organisation_search_document ON organisations_organisation;
DROP FUNCTION IF EXISTS organisations_organisation_search_document();
DROP TRIGGER IF EXISTS projects_project_search_document ON projects_project;
DROP FUNCTION IF EXISTS projects_project_search_document();
ALTER TABLE projects_project DROP COLUMN IF EXISTS search_document;
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0006_reach_fields"),
        ("organisations", "0004_organisation_embed_origins"),
    ]

    operations = [migrations.RunPython(forward, backward)]
