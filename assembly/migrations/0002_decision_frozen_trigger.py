"""A published decision is a record: the database refuses to change or delete it,
whatever code tries (the model and the admin refuse first). PostgreSQL: a
trigger function raising restrict_violation (Django's IntegrityError); SQLite:
triggers raising ABORT (an IntegrityError too)."""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION assembly_decision_frozen() RETURNS trigger AS $$
    BEGIN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION 'a published decision cannot be changed or deleted'
                USING ERRCODE = 'restrict_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER assembly_decision_frozen BEFORE UPDATE OR DELETE ON assembly_decision
    FOR EACH ROW EXECUTE FUNCTION assembly_decision_frozen();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS assembly_decision_frozen ON assembly_decision;",
    "DROP FUNCTION IF EXISTS assembly_decision_frozen();",
]
SQLITE = [
    """
    CREATE TRIGGER assembly_decision_frozen_update BEFORE UPDATE ON assembly_decision
    FOR EACH ROW WHEN OLD.published_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'a published decision cannot be changed or deleted'); END;
    """,
    """
    CREATE TRIGGER assembly_decision_frozen_delete BEFORE DELETE ON assembly_decision
    FOR EACH ROW WHEN OLD.published_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'a published decision cannot be changed or deleted'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS assembly_decision_frozen_update;",
    "DROP TRIGGER IF EXISTS assembly_decision_frozen_delete;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("assembly", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
