"""Patterns (admin only): list, get, validate a draft; analyze text like ``tocsin analyze``."""

from __future__ import annotations

import pytest

GOOD = """
id: border_closure
title: Border closure
lexicons:
  close: [close, closes, closed, shut]
  border: [border, frontier]
rules:
  - id: closes_border
    anchor: [close]
    constraints:
      - words: [border]
        in: [sentence]
"""


class TestPatterns:
    async def test_list_and_get(self, live):
        async with live.client(await live.token("ops", admin=True)) as client:
            listed = (await client.get("/v1/patterns")).json()
            ids = {p["id"] for p in listed}
            assert {"ultimatum", "wire_denial"} <= ids
            one = (await client.get("/v1/patterns/ultimatum")).json()
            assert one["spec"]["id"] == "ultimatum" and one["rules"] == len(one["spec"]["rules"])
            assert (await client.get("/v1/patterns/no_such")).status_code == 404

    async def test_validate_reports_fields(self, live):
        async with live.client(await live.token("ops", admin=True)) as client:
            ok = (await client.post("/v1/patterns/validate", json={"yaml": GOOD})).json()
            bad = (
                await client.post("/v1/patterns/validate", json={"yaml": GOOD.replace("[border]", "[borders]")})
            ).json()
            broken = (await client.post("/v1/patterns/validate", json={"yaml": "id: [unclosed"})).json()
        if not ok["valid"]:
            pytest.fail(f"the sample pattern should validate: {ok['errors']}")
        assert ok == {"valid": True, "id": "border_closure", "errors": []}
        assert bad["valid"] is False and any("borders" in e for e in bad["errors"])
        assert broken["valid"] is False and "YAML" in broken["errors"][0]


class TestAnalyze:
    async def test_text_gives_detections(self, live):
        async with live.client(await live.token("desk")) as client:
            response = await client.post(
                "/v1/analyze",
                json={"id": "a1", "text": "President Maduro gave Guyana a 48-hour ultimatum to withdraw its troops."},
            )
            assert response.status_code == 200, response.text
            body = response.json()
        assert body["id"] == "a1"
        assert [d["pattern"] for d in body["detections"]] == ["ultimatum"]
        assert {"sentence", "start", "end", "actor", "target", "countries", "confidence", "rule"} <= set(
            body["detections"][0]
        )

    async def test_needs_exactly_one_input(self, live):
        async with live.client(await live.token("desk")) as client:
            assert (await client.post("/v1/analyze", json={})).status_code == 422
            assert (await client.post("/v1/analyze", json={"text": "x", "url": "https://a.example"})).status_code == 422

    async def test_unfetchable_urls_are_422_not_500(self, live):
        async with live.client(await live.token("desk")) as client:
            long_label = "https://" + "a" * 70 + ".example/page"
            response = await client.post("/v1/analyze", json={"url": long_label})
            assert response.status_code == 422 and "could not fetch" in response.text


class TestBacktest:
    """``POST /v1/patterns/backtest`` on documents archived by ingest (see docs/archive-and-backtest.md)."""

    @staticmethod
    async def _archive(live) -> None:  # noqa: ANN001
        from datetime import datetime, timedelta, timezone

        from models import Document
        from services.ingest.seen import SeenSet

        texts = [
            "Hungary closed its border with Serbia on Tuesday, the interior ministry said.",
            "President Maduro gave Guyana a 48-hour ultimatum to withdraw its troops.",
        ]
        documents = [
            Document(id=f"doc_bt_{n}", source_id="wire", title=f"Item {n}", text=text) for n, text in enumerate(texts)
        ]
        await SeenSet(live.db, keep_documents=True).mark(
            "wire", [d.id for d in documents], datetime.now(timezone.utc) - timedelta(hours=1), documents
        )

    async def test_a_draft_shows_what_it_would_fire_on(self, live):
        await self._archive(live)
        async with live.client(await live.token("ops", admin=True)) as client:
            response = await client.post("/v1/patterns/backtest", json={"pattern": GOOD, "since": "2d"}, timeout=120)
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["documents"] == 2 and report["draft"] == "border_closure" and not report["limited"]
        assert report["patterns"] == [
            {"pattern": "border_closure", "fires_today": 0, "would_fire": 1, "new": 1, "gone": 0}
        ]
        [change] = report["changes"]
        assert change["change"] == "new" and change["document_id"] == "doc_bt_0" and "Hungary" in change["sentence"]

    async def test_a_threshold_alone_shows_what_would_stop_firing(self, live):
        await self._archive(live)
        async with live.client(await live.token("ops", admin=True)) as client:
            report = (
                await client.post(
                    "/v1/patterns/backtest", json={"threshold": 1.0, "patterns": ["ultimatum"]}, timeout=120
                )
            ).json()
        assert report["patterns"][0]["fires_today"] == 1
        assert report["patterns"][0]["would_fire"] + report["patterns"][0]["gone"] == 1

    async def test_admin_only_bounded_and_validated(self, live):
        async with live.client(await live.token("desk")) as client:
            assert (await client.post("/v1/patterns/backtest", json={"threshold": 0.5})).status_code == 403
        async with live.client(await live.token("ops", admin=True)) as client:
            assert (await client.post("/v1/patterns/backtest", json={})).status_code == 422
            assert (
                await client.post("/v1/patterns/backtest", json={"threshold": 0.5, "limit": 100_000})
            ).status_code == 422
            assert (
                await client.post("/v1/patterns/backtest", json={"threshold": 0.5, "since": "soon"})
            ).status_code == 422
            bad = await client.post("/v1/patterns/backtest", json={"pattern": GOOD.replace("[border]", "[borders]")})
        assert bad.status_code == 422 and "borders" in bad.text

    async def test_a_window_beyond_a_year_is_refused_not_crashing(self, live):
        async with live.client(await live.token("ops", admin=True)) as client:
            forever = await client.post("/v1/patterns/backtest", json={"threshold": 0.5, "since": 1e300})
        assert forever.status_code == 422, forever.text
