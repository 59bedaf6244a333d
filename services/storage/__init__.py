"""Persistence shared by every service: one SQLAlchemy async engine, SQLite or PostgreSQL.

Each owner of a table defines it on :data:`Base` in its own module; :func:`create_schema`
creates whatever is registered.
"""

from services.storage.database import Base, Database, open_database

__all__ = ["Base", "Database", "open_database"]
