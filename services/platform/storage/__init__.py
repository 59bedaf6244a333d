"""Persistence shared by every service: one SQLAlchemy async engine, SQLite or PostgreSQL.

Each owner of a table defines it on :data:`Base` in its own module and lists that module in
:mod:`services.platform.storage.tables`; Alembic migrations under ``services/platform/storage/migrations``
create and change the tables, and :meth:`Database.create_schema` applies them on start.

Changing a table: edit its class, run ``tocsin db revision -m "what changed"``, read and fix
the generated file under ``migrations/versions/``, and commit both; the storage tests fail
while the tables in code and the migrations disagree.
"""

from services.platform.storage.database import Base, Database, ensure_schema, open_database, rows_affected
from services.platform.storage.errors import SchemaError, SchemaLockTimeout, SchemaTooNew

__all__ = [
    "Base",
    "Database",
    "SchemaError",
    "SchemaLockTimeout",
    "SchemaTooNew",
    "ensure_schema",
    "open_database",
    "rows_affected",
]
