"""The audit trail is append-only in the database itself: UPDATE and DELETE on
its table are refused by triggers, also from raw SQL.

On PostgreSQL a row trigger raises; TRUNCATE, which only the table's owner may
run, is left to the owner (docs/deployment.md: the application's role is not
the owner and is granted SELECT and INSERT only). On SQLite the triggers raise
unless the connection's ``audit_reset_allowed()`` says the test suite is
resetting its tables; a connection without that function (the sqlite3 shell)
cannot delete either.
"""

from django.db import migrations

TABLE = "audit_auditentry"

POSTGRES = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
"""
POSTGRES_UNDO = f"""
DROP TRIGGER IF EXISTS audit_append_only ON {TABLE};
DROP FUNCTION IF EXISTS audit_refuse_change();
"""

SQLITE = [
    f"""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END;
    """,
    f"""
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
    WHEN audit_reset_allowed() = 0
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END;
    """,
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]


def install(apps, schema_editor):
    statements = [POSTGRES] if schema_editor.connection.vendor == "postgresql" else SQLITE
    if schema_editor.connection.vendor not in ("postgresql", "sqlite"):
        raise RuntimeError("the audit triggers are written for PostgreSQL and SQLite")
    for sql in statements:
        schema_editor.execute(sql, None)


def remove(apps, schema_editor):
    undo = [POSTGRES_UNDO] if schema_editor.connection.vendor == "postgresql" else SQLITE_UNDO
    for sql in undo:
        schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
