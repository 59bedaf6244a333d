"""Alerts: search with filters and cursor pages, one alert, its deliveries, resend, recover, SSE."""

from __future__ import annotations

import asyncio
import json

from tests.api.live import make_signal

STREAM_TIMEOUT = 15.0


async def _desk_with_alerts(live, count: int = 3):  # type: ignore[no-untyped-def]
    token = await live.token("desk")
    sub = await live.subscription(token, webhook={"url": "https://hooks.example/desk"})
    for n in range(count):
        country = ("VE",) if n % 2 == 0 else ("GY",)
        await live.push_alert(
            sub["id"], make_signal(n, countries=country, actor=f"Actor {n}", title=f"Headline number {n}")
        )
    return token, sub


class TestSearch:
    async def test_filters_and_pages(self, any_live):
        live = any_live
        token, _ = await _desk_with_alerts(live, 5)
        async with live.client(token) as client:
            everything = (await client.get("/v1/alerts")).json()
            assert len(everything["items"]) == 5 and everything["next_cursor"] is None
            venezuela = (await client.get("/v1/alerts", params={"country": "ve"})).json()["items"]
            assert len(venezuela) == 3 and all("VE" in a["countries"] for a in venezuela)
            assert (await client.get("/v1/alerts", params={"pattern": "wire_denial"})).json()["items"] == []
            by_actor = (await client.get("/v1/alerts", params={"actor": "actor 3"})).json()["items"]
            assert [a["actor"] for a in by_actor] == ["Actor 3"]
            by_text = (await client.get("/v1/alerts", params={"q": "number 4"})).json()["items"]
            assert [a["headline"] for a in by_text] == ["Headline number 4"]
            future = (await client.get("/v1/alerts", params={"since": "2999-01-01T00:00:00Z"})).json()["items"]
            assert future == []
            seen: list[str] = []
            cursor = None
            while True:
                params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
                page = (await client.get("/v1/alerts", params=params)).json()
                seen.extend(a["id"] for a in page["items"])
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            assert sorted(seen) == sorted(a["id"] for a in everything["items"]) and len(set(seen)) == 5
            assert (await client.get("/v1/alerts", params={"cursor": "garbage!"})).status_code == 422

    async def test_one_alert_and_its_deliveries(self, any_live):
        live = any_live
        token, sub = await _desk_with_alerts(live, 1)
        async with live.client(token) as client:
            [alert] = (await client.get("/v1/alerts")).json()["items"]
            one = (await client.get(f"/v1/alerts/{alert['id']}")).json()
            assert one["evidence"][0]["sentence"].startswith("Maduro gave Guyana")
            assert one["documents"][0]["url"] == "https://news.example/doc_0000"
            assert one["actor"] == "Actor 0" and one["target"] == "Guyana" and one["corroboration"] == 1
            deliveries = (await client.get(f"/v1/alerts/{alert['id']}/deliveries")).json()
            assert [d["channel"] for d in deliveries] == ["webhook"] and deliveries[0]["status"] == "pending"
            resent = await client.post(f"/v1/deliveries/{deliveries[0]['id']}/resend")
            assert resent.status_code == 200 and resent.json()["id"] == deliveries[0]["id"]
            recovered = await client.post(
                f"/v1/endpoints/{sub['id']}/recover", params={"since": "2000-01-01T00:00:00Z"}
            )
            assert recovered.json() == {"endpoint": sub["id"], "channels": ["webhook"], "queued": 1}
            assert (await client.post(f"/v1/endpoints/{sub['id']}/recover")).status_code == 422
            assert (await client.get("/v1/alerts/grp_nothing.sub_nothing")).status_code == 404


async def _next_event(lines) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    kind = ""
    async for line in lines:
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            return kind, json.loads(line.split(":", 1)[1])
    raise AssertionError("the stream ended")


class TestStream:
    async def test_new_and_updated_alerts_of_the_own_tenant_only(self, live):
        desk = await live.token("desk")
        other = await live.token("other")
        desk_sub = await live.subscription(desk, group_interval="0s", webhook={"url": "https://hooks.example/desk"})
        other_sub = await live.subscription(other, webhook={"url": "https://hooks.example/other"})
        async with live.client(desk) as client, client.stream("GET", "/v1/stream") as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.aiter_lines()
            await live.push_alert(other_sub["id"], make_signal(100, title="Not for the desk"))
            await live.push_alert(desk_sub["id"], make_signal(101, title="For the desk"))
            kind, created = await asyncio.wait_for(_next_event(lines), STREAM_TIMEOUT)
            assert kind == "alert.created" and created["subscription_id"] == desk_sub["id"]
            assert created["headline"] == "For the desk"
            await live.push_alert(desk_sub["id"], make_signal(102, title="For the desk", source_id="second-feed"))
            kind, updated = await asyncio.wait_for(_next_event(lines), STREAM_TIMEOUT)
        assert kind == "alert.updated" and updated["id"] == created["id"] and updated["corroboration"] == 2
