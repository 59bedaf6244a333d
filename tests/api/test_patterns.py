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
            bad = (await client.post("/v1/patterns/validate", json={"yaml": GOOD.replace("[border]", "[borders]")})).json()
            broken = (await client.post("/v1/patterns/validate", json={"yaml": "id: [unclosed"})).json()
        if not ok["valid"]:
            pytest.fail(f"the sample pattern should validate: {ok['errors']}")
        assert ok == {"valid": True, "id": "border_closure", "errors": []}
        assert bad["valid"] is False and any("borders" in e for e in bad["errors"])
        assert broken["valid"] is False and "YAML" in broken["errors"][0]


class TestAnalyze:
    async def test_text_gives_detections(self, live):
        async with live.client(await live.token("desk")) as client:
            response = await client.post("/v1/analyze", json={
                "id": "a1", "text": "President Maduro gave Guyana a 48-hour ultimatum to withdraw its troops."})
            assert response.status_code == 200, response.text
            body = response.json()
        assert body["id"] == "a1"
        assert [d["pattern"] for d in body["detections"]] == ["ultimatum"]
        assert {"sentence", "start", "end", "actor", "target", "countries", "confidence", "rule"} <= set(
            body["detections"][0])

    async def test_needs_exactly_one_input(self, live):
        async with live.client(await live.token("desk")) as client:
            assert (await client.post("/v1/analyze", json={})).status_code == 422
            assert (await client.post("/v1/analyze", json={"text": "x", "url": "https://a.example"})).status_code == 422

    async def test_unfetchable_urls_are_422_not_500(self, live):
        async with live.client(await live.token("desk")) as client:
            long_label = "https://" + "a" * 70 + ".example/page"
            response = await client.post("/v1/analyze", json={"url": long_label})
            assert response.status_code == 422 and "could not fetch" in response.text
