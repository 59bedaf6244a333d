"""Migrations bring an empty database to the code's tables, and stay in step with them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from services.platform.storage import SchemaTooNew, open_database
from services.platform.storage.authoring import schema_differences
from services.platform.storage.schema import alembic_config, head_revision, schema_state, upgrade_schema
from services.platform.storage.tables import TABLE_MODULES, load_tables
from tests.conftest import REPO_ROOT

FUTURE_REVISION = "9999_from_a_newer_tocsin"


class TestUpgradeFromEmpty:
    async def test_creates_every_table_of_the_code_and_records_head(self, empty_url):
        db = open_database(empty_url)
        try:
            assert (await schema_state(db)).empty
            await db.create_schema()
            state = await schema_state(db)
            async with db.engine.connect() as connection:
                tables = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await db.close()
        assert state.at_head and state.revisions == (head_revision(),)
        assert tables == set(load_tables().tables) | {"alembic_version"}

    async def test_a_second_call_changes_nothing(self, empty_url):
        db = open_database(empty_url)
        try:
            first = await upgrade_schema(db)
            second = await upgrade_schema(db)
        finally:
            await db.close()
        assert first == second and second.at_head


class TestMigrationsMatchTheCode:
    """Fails whenever a table changes without a migration: run ``tocsin db revision -m ...``."""

    async def test_no_difference_between_tables_in_code_and_migrated_database(self, empty_url):
        db = open_database(empty_url)
        try:
            await db.create_schema()
            async with db.engine.connect() as connection:
                differences = await connection.run_sync(schema_differences)
        finally:
            await db.close()
        assert differences == [], (
            "the tables in code and the migrations disagree; write a migration with "
            f"`tocsin db revision -m '...'` and read it: {differences}"
        )

    def test_every_module_defining_a_table_is_listed(self):
        defining = set()
        for root in ("alerts", "services"):
            for path in (REPO_ROOT / root).rglob("*.py"):
                if "__tablename__" in path.read_text(encoding="utf-8") and _defines_table(path):
                    defining.add(".".join(path.relative_to(REPO_ROOT).with_suffix("").parts))
        assert defining, "found no table module at all: the scan is broken"
        assert defining <= set(TABLE_MODULES), (
            f"add to services/platform/storage/tables.py: {sorted(defining - set(TABLE_MODULES))}"
        )


def _defines_table(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "__tablename__" for target in node.targets)
        for node in ast.walk(tree)
    )


class TestDowngrade:
    async def test_baseline_downgrades_to_empty_and_up_again(self, empty_url):
        db = open_database(empty_url)
        try:
            await db.create_schema()
            async with db.engine.connect() as connection:
                await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "base"))
                await connection.commit()
                left = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
            await db.create_schema()
            state = await schema_state(db)
        finally:
            await db.close()
        assert left <= {"alembic_version"}
        assert state.at_head


class TestPreMigrationDatabase:
    """Databases made by ``create_all`` before migrations existed are adopted, data kept."""

    async def test_partial_create_all_database_is_completed_and_stamped(self, empty_url):
        metadata = load_tables()
        legacy = [metadata.tables["ingest_seen"], metadata.tables["alert_deliveries"]]
        db = open_database(empty_url)
        try:
            async with db.engine.begin() as connection:
                await connection.run_sync(lambda sync: metadata.create_all(sync, tables=legacy))
                await connection.execute(
                    text(
                        "INSERT INTO ingest_seen (document_id, source_id, seen_at) VALUES ('d1', 's1', CURRENT_TIMESTAMP)"
                    )
                )
            await db.create_schema()
            state = await schema_state(db)
            async with db.engine.connect() as connection:
                differences = await connection.run_sync(schema_differences)
                kept = (await connection.execute(text("SELECT document_id FROM ingest_seen"))).scalars().all()
        finally:
            await db.close()
        assert state.at_head
        assert differences == []
        assert kept == ["d1"]


class TestNewerDatabase:
    async def _stamp_future(self, url: str) -> None:
        db = open_database(url)
        try:
            await db.create_schema()
            async with db.engine.begin() as connection:
                await connection.execute(
                    text("UPDATE alembic_version SET version_num = :rev"), {"rev": FUTURE_REVISION}
                )
        finally:
            await db.close()

    async def test_create_schema_refuses_with_both_revisions(self, empty_url):
        await self._stamp_future(empty_url)
        db = open_database(empty_url)
        try:
            with pytest.raises(SchemaTooNew) as refused:
                await db.create_schema()
            state = await schema_state(db)
        finally:
            await db.close()
        assert refused.value.database_revisions == (FUTURE_REVISION,)
        assert refused.value.known_head == head_revision()
        assert FUTURE_REVISION in str(refused.value) and head_revision() in str(refused.value)
        assert state.revisions == (FUTURE_REVISION,), "a refused upgrade must leave the database alone"

    async def test_cli_upgrade_and_current_say_so(self, empty_url, tmp_path):
        await self._stamp_future(empty_url)
        upgrade = _tocsin(["db", "upgrade"], empty_url, tmp_path)
        current = _tocsin(["db", "current"], empty_url, tmp_path)
        assert upgrade.returncode == 1
        assert "newer Tocsin" in upgrade.stderr and FUTURE_REVISION in upgrade.stderr
        assert current.returncode == 1
        assert FUTURE_REVISION in current.stdout and "unknown" in current.stdout

    async def test_a_service_starting_on_it_stops_and_says_why(self, empty_url, tmp_path):
        """Any command that opens the schema (here ``token list``, as a service does on start)."""
        await self._stamp_future(empty_url)
        listed = _tocsin(["token", "list"], empty_url, tmp_path)
        assert listed.returncode != 0
        assert "SchemaTooNew" in listed.stderr and FUTURE_REVISION in listed.stderr
        assert "storage.schema_too_new" in listed.stderr


class TestCli:
    async def test_upgrade_then_current(self, empty_url, tmp_path):
        before = _tocsin(["db", "current"], empty_url, tmp_path)
        upgrade = _tocsin(["db", "upgrade"], empty_url, tmp_path)
        after = _tocsin(["db", "current"], empty_url, tmp_path)
        assert before.returncode == 0 and "no schema revision" in before.stdout
        assert upgrade.returncode == 0, upgrade.stderr
        assert after.returncode == 0 and after.stdout.strip() == f"{head_revision()} (head)"

    def test_unreachable_database_is_one_line_without_the_password(self, tmp_path):
        url = "postgresql+asyncpg://tocsin:hunter2@127.0.0.1:9/tocsin"
        for action in ("current", "upgrade"):
            result = _tocsin(["db", action], url, tmp_path)
            assert result.returncode == 1
            assert result.stderr.startswith("tocsin db: cannot use the database:"), result.stderr
            assert "hunter2" not in result.stderr + result.stdout


def _tocsin(args: list[str], url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args],
        env={"PATH": "/usr/bin:/bin", "TOCSIN_DATABASE_URL": url, "PYTHONPATH": str(REPO_ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestTheDriftCheckCanFail:
    async def test_a_database_missing_an_index_shows_a_difference(self, empty_url):
        db = open_database(empty_url)
        try:
            await db.create_schema()
            async with db.engine.begin() as connection:
                await connection.execute(text("DROP INDEX ix_alert_deliveries_due"))
            async with db.engine.connect() as connection:
                differences = await connection.run_sync(schema_differences)
        finally:
            await db.close()
        assert [diff[0] for diff in differences] == ["add_index"]


class TestAuthoring:
    async def test_no_revision_is_written_while_code_and_migrations_agree(self):
        from services.platform.storage.authoring import NothingToMigrate, new_revision

        versions = REPO_ROOT / "services" / "storage" / "migrations" / "versions"
        before = sorted(path.name for path in versions.glob("*.py"))
        with pytest.raises(NothingToMigrate):
            await new_revision("nothing changed")
        assert sorted(path.name for path in versions.glob("*.py")) == before

    def test_next_revision_number_follows_the_newest(self):
        from services.platform.storage.authoring import next_revision_id

        assert int(next_revision_id()) == int(head_revision()) + 1
