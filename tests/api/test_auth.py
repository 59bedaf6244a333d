"""Tokens: hashed at rest, required everywhere but health, and the CLI prints one on its last line."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from sqlalchemy import select

from services.api.auth import authenticate
from services.api.auth.local import ensure_local_token
from services.api.auth.tables import ApiTokenRow
from services.platform.storage import open_database
from tests.api.live import api_settings


class TestTokens:
    async def test_only_a_digest_is_stored(self, any_live):
        live = any_live
        token = await live.token("newsdesk")
        async with live.db.sessions() as session:
            rows = list(await session.scalars(select(ApiTokenRow)))
        assert rows and all(token not in (row.digest, row.id, row.label) for row in rows)
        principal = await authenticate(live.db, token)
        assert principal is not None and principal.tenant == "newsdesk" and not principal.admin

    async def test_unknown_or_missing_token_is_401(self, live):
        async with live.client("tcs_not-a-real-token") as client:
            assert (await client.get("/v1/subscriptions")).status_code == 401
        async with live.client() as client:
            response = await client.get("/v1/alerts")
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == "Bearer"
            assert (await client.get("/healthz")).json() == {"status": "ok"}

    async def test_whoami(self, live):
        async with live.client(await live.token("desk", admin=True)) as client:
            assert (await client.get("/v1/whoami")).json() == {"tenant": "desk", "admin": True}


class TestLocalToken:
    async def test_reused_while_valid_then_replaced(self, tmp_path):
        settings = api_settings(tmp_path)
        first = await ensure_local_token(settings)
        assert await ensure_local_token(settings) == first
        (tmp_path / "local-token").unlink()
        second = await ensure_local_token(settings)
        assert second != first
        db = open_database(settings.database.url)
        try:
            assert await authenticate(db, first) is None  # the lost one is revoked
            principal = await authenticate(db, second)
            assert principal is not None and principal.admin and principal.tenant == "default"
        finally:
            await db.close()
        assert oct((tmp_path / "local-token").stat().st_mode & 0o777) == "0o600"


class TestTokenCommand:
    async def test_prints_the_token_alone_on_the_last_line(self, tmp_path):
        url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
        env = {"TOCSIN_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
        result = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "services.cli.main", "token", "create", "--tenant", "desk", "--admin"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        token = result.stdout.strip().splitlines()[-1]
        assert token.startswith("tcs_") and " " not in token and token not in result.stderr
        db = open_database(url)
        try:
            principal = await authenticate(db, token)
            assert principal is not None and principal.admin and principal.tenant == "desk"
        finally:
            await db.close()

    async def test_list_and_revoke(self, tmp_path):
        url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
        env = {"TOCSIN_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}

        async def tocsin(*args: str) -> subprocess.CompletedProcess[str]:
            return await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "services.cli.main", "token", *args],
                capture_output=True,
                text=True,
                timeout=60,
                env=env,
                cwd=tmp_path,
            )

        created = await tocsin("create", "--tenant", "desk", "--label", "night shift")
        token = created.stdout.strip().splitlines()[-1]
        listed = await tocsin("list")
        [line] = [line for line in listed.stdout.splitlines() if "night shift" in line]
        token_id = line.split()[0]
        assert token_id.startswith("tok_") and "active" in line and token not in listed.stdout
        assert (await tocsin("revoke", token_id)).returncode == 0
        assert (await tocsin("revoke", token_id)).returncode == 1
        assert "revoked" in (await tocsin("list", "--tenant", "desk")).stdout
        db = open_database(url)
        try:
            assert await authenticate(db, token) is None
        finally:
            await db.close()

    def test_refuses_a_bad_tenant_name(self, tmp_path):
        result = subprocess.run(
            [sys.executable, "-m", "services.cli.main", "token", "create", "--tenant", "no spaces"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert result.returncode == 2 and "tenant name" in result.stderr
