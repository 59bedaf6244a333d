"""``/v1/stories`` as the console reads it: one entry per story, filters, paging past 200,
the timeline and map counts, and the failed-deliveries list."""

from __future__ import annotations

from tests.console.desk_data import seed


async def test_one_entry_per_story_with_where_it_went(desk_live) -> None:
    live = desk_live
    token = await live.token("default")
    ids = await seed(live)
    async with live.client(token) as client:
        page = (await client.get("/v1/stories", params={"limit": 200})).json()
        finland = next(item for item in page["items"] if item["id"] == ids["finland"])
        assert [item["id"] for item in page["items"]].count(ids["finland"]) == 1
        assert finland["headline"] == "Russia · military buildup · Finland"
        assert finland["corroboration"] == 2 and finland["severity"] == "urgent"
        assert [s["subscription_id"] for s in finland["subscriptions"]] == ["defence-wire", "europe-desk"]
        assert {s["state"] for s in finland["subscriptions"]} == {"delivered"}
        flash = (await client.get("/v1/stories", params={"severity": "flash"})).json()["items"]
        assert [item["id"] for item in flash] == [ids["taiwan"]]
        urgent = (await client.get("/v1/stories", params={"severity": "urgent"})).json()["items"]
        assert {ids["taiwan"], ids["finland"], ids["iran"]} <= {item["id"] for item in urgent}
        assert {item["severity"] for item in urgent} == {"urgent", "flash"}
        text = (await client.get("/v1/stories", params={"q": "essequibo"})).json()["items"]
        assert [item["id"] for item in text] == [ids["guyana"]]
        assert text[0]["subscriptions"][0]["state"] == "dead"
        pakistan = (await client.get("/v1/stories", params={"country": "PK"})).json()["items"]
        assert [item["id"] for item in pakistan] == [ids["pakistan"]]
        detail = (await client.get(f"/v1/stories/{ids['finland']}")).json()
        assert len(detail["evidence"]) == 4 and all(e["outlet"] for e in detail["evidence"])
        assert len(detail["deliveries"]) == 2 and detail["deliveries"][0]["attempt_log"]
        assert (await client.get("/v1/stories/story_nope")).status_code == 404
        failed = (await client.get("/v1/deliveries")).json()
        assert {(d["story_id"], d["status"]) for d in failed} == {(ids["guyana"], "dead"), (ids["iran"], "retrying")}
        timeline = (await client.get("/v1/stories/timeline", params={"country": "RU"})).json()
        assert len(timeline["days"]) == 30 and sum(p["stories"] for p in timeline["points"]) >= 10
        counts = {c["country"]: c["stories"] for c in (await client.get("/v1/stories/map")).json()["countries"]}
        assert counts["RU"] > counts["FI"] >= 1 and "BR" not in counts
    other = await live.token("someone-else")
    async with live.client(other) as client:
        assert (await client.get("/v1/stories")).json()["items"] == []
        assert (await client.get(f"/v1/stories/{ids['finland']}")).status_code == 404


async def test_paging_goes_past_200_stories(desk_live) -> None:
    live = desk_live
    token = await live.token("default")
    await seed(live, extra=230)
    async with live.client(token) as client:
        first = (await client.get("/v1/stories", params={"limit": 200, "country": "BY"})).json()
        assert len(first["items"]) == 200 and first["total"] == 230 and first["next_cursor"]
        second = (
            await client.get("/v1/stories", params={"limit": 200, "country": "BY", "cursor": first["next_cursor"]})
        ).json()
        assert len(second["items"]) == 30 and second["next_cursor"] is None
        seen = [item["id"] for item in first["items"] + second["items"]]
        assert len(set(seen)) == 230
        assert (await client.get("/v1/stories", params={"cursor": "nonsense!"})).status_code == 422
