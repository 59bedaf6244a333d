"""What can stop the schema from being brought up to date."""

from __future__ import annotations


class SchemaError(RuntimeError):
    """The database schema cannot be used by this version of Tocsin."""


class SchemaTooNew(SchemaError):
    """The database was migrated by a newer Tocsin: its revision is unknown to this code.

    Starting anyway would read and write tables whose shape this code does not know, so
    every service refuses instead.
    """

    def __init__(self, database_revisions: tuple[str, ...], known_head: str) -> None:
        self.database_revisions = database_revisions
        self.known_head = known_head
        found = ", ".join(database_revisions)
        super().__init__(
            f"the database is at schema revision {found}, which this version of Tocsin does not know "
            f"(its newest revision is {known_head}): it was migrated by a newer Tocsin. "
            "Run that newer version, or restore a backup taken before the upgrade."
        )


class SchemaLockTimeout(SchemaError):
    """Another process held the migration lock for too long."""
