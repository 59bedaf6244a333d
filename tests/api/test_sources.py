"""Sources (admin only): CRUD with the kind's own validation, status, and the live list ingest reads."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from services.ingest.catalogue import watch_sources
from services.ingest.status import SourceStatus, StatusBoard

WATCH_TIMEOUT = 10.0


class TestSources:
    async def test_crud_and_status(self, any_live):
        live = any_live
        admin = await live.token("ops", admin=True)
        async with live.client(admin) as client:
            created = await client.post(
                "/v1/sources", json={"id": "wire", "kind": "rss", "url": "https://news.example/rss", "interval": "2m"}
            )
            assert created.status_code == 201, created.text
            assert created.json()["interval"] == 120.0 and created.json()["status"]["health"] == "unknown"
            assert (
                await client.post("/v1/sources", json={"id": "wire", "kind": "rss", "url": "https://news.example/rss"})
            ).status_code == 409
            now = datetime.now(timezone.utc)
            await StatusBoard(live.db).save(
                SourceStatus(source_id="wire", kind="rss").failed(now, "HTTP 500 from news.example")
            )
            status = (await client.get("/v1/sources/wire/status")).json()
            assert status["health"] == "failing" and status["last_error"] == "HTTP 500 from news.example"
            listed = (await client.get("/v1/sources")).json()
            assert [(s["id"], s["origin"], s["status"]["health"]) for s in listed] == [("wire", "api", "failing")]
            replaced = await client.put(
                "/v1/sources/wire", json={"kind": "rss", "url": "https://news.example/b", "enabled": False}
            )
            assert replaced.status_code == 200 and replaced.json()["enabled"] is False
            assert (await client.delete("/v1/sources/wire")).status_code == 204
            assert (await client.get("/v1/sources/wire")).status_code == 404

    async def test_kind_options_are_validated(self, live):
        admin = await live.token("ops", admin=True)
        async with live.client(admin) as client:
            unknown = await client.post("/v1/sources", json={"id": "x", "kind": "carrier-pigeon"})
            assert unknown.status_code == 422 and "unknown source kind" in unknown.text
            too_often = await client.post(
                "/v1/sources", json={"id": "x", "kind": "rss", "url": "https://a.example/", "interval": 1}
            )
            assert too_often.status_code == 422 and "interval" in too_often.text
            bad_id = await client.post("/v1/sources", json={"id": "has space", "kind": "rss"})
            assert bad_id.status_code == 422

    async def test_sources_and_patterns_are_admin_only(self, live):
        async with live.client(await live.token("desk")) as client:
            for path in (
                "/v1/sources",
                "/v1/sources/wire",
                "/v1/sources/wire/status",
                "/v1/patterns",
                "/v1/patterns/ultimatum",
            ):
                assert (await client.get(path)).status_code == 403, path
            assert (await client.post("/v1/sources", json={"id": "a", "kind": "rss"})).status_code == 403
            assert (await client.post("/v1/patterns/validate", json={"yaml": "id: a"})).status_code == 403


class TestIngestSeesChanges:
    async def test_watch_sources_reconciles_on_every_edit(self, any_live):
        live = any_live
        admin = await live.token("ops", admin=True)
        applied: asyncio.Queue[set[str]] = asyncio.Queue()

        async def apply(specs):  # type: ignore[no-untyped-def]
            await applied.put(set(specs))

        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_sources(live.db, [], apply, stop, every=0.05))
        try:
            assert await asyncio.wait_for(applied.get(), WATCH_TIMEOUT) == set()
            async with live.client(admin) as client:
                await client.post("/v1/sources", json={"id": "wire", "kind": "rss", "url": "https://news.example/rss"})
                assert await asyncio.wait_for(applied.get(), WATCH_TIMEOUT) == {"wire"}
                await client.put(
                    "/v1/sources/wire", json={"kind": "rss", "url": "https://news.example/rss", "enabled": False}
                )
                assert await asyncio.wait_for(applied.get(), WATCH_TIMEOUT) == set()
        finally:
            stop.set()
            await asyncio.wait_for(watcher, WATCH_TIMEOUT)
