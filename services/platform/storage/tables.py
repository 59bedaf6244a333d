"""Which modules define tables, so migrations see every table whoever imports them.

Tables live with their owners; :data:`Base` only knows a table once its module has been
imported. Migrations and the schema check must not depend on what a process happened to
import, so the complete list is kept here (a test fails when a table module is missing).
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

TABLE_MODULES: tuple[str, ...] = (
    "alerts.tables",
    "services.ingest.seen",
    "services.ingest.archive",
    "services.ingest.status",
    "services.api.auth.tables",
    "services.ingest.catalogue",
    "services.platform.storage.revisions",
)


def load_tables() -> MetaData:
    """Imports every table module and returns the now complete metadata."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    from services.platform.storage.database import Base

    return Base.metadata
