"""Alembic migrations for every Tocsin table, shipped inside the package."""
