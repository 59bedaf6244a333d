"""Alembic environment: runs on the connection Tocsin hands over (see services.platform.storage.schema).

Tocsin's engines are async (aiosqlite, asyncpg); the caller opens the connection, takes the
migration lock and passes the synchronous face of that connection in
``config.attributes["connection"]``, so the lock, the migration and the commit share one
transaction. SQLite cannot alter most things in place, hence batch mode there.
"""

from __future__ import annotations

from alembic import context

from services.platform.storage.tables import load_tables

target_metadata = load_tables()


def run_migrations() -> None:
    if context.is_offline_mode():
        raise SystemExit("Tocsin's migrations run online only: use `tocsin db upgrade`")
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise SystemExit("no connection given: run migrations with `tocsin db upgrade`, not the alembic command")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
