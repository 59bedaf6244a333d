"""Silences: a tenant silences its own subscriptions; the alerter then records, not delivers."""

from __future__ import annotations

from tests.api.live import make_signal


class TestSilences:
    async def test_crud_and_effect_on_the_alerter(self, any_live):
        live = any_live
        token = await live.token("desk")
        sub = await live.subscription(token, webhook={"url": "https://hooks.example/desk"})
        async with live.client(token) as client:
            created = await client.post(
                "/v1/silences",
                json={"subscription_id": sub["id"], "country": "ve", "duration": "2h", "comment": "election night"},
            )
            assert created.status_code == 201, created.text
            silence = created.json()
            assert silence["active"] is True and silence["country"] == "VE"
            await live.push_alert(sub["id"], make_signal(1, countries=("VE",)))
            [alert] = (await client.get("/v1/alerts")).json()["items"]
            [delivery] = (await client.get(f"/v1/alerts/{alert['id']}/deliveries")).json()
            assert delivery["status"] == "silenced"
            listed = (await client.get("/v1/silences", params={"active": True})).json()
            assert [s["id"] for s in listed] == [silence["id"]]
            changed = await client.put(
                f"/v1/silences/{silence['id']}",
                json={"subscription_id": sub["id"], "pattern": "ultimatum", "duration": 60},
            )
            assert changed.status_code == 200 and changed.json()["pattern"] == "ultimatum"
            assert changed.json()["country"] is None
            assert (await client.delete(f"/v1/silences/{silence['id']}")).status_code == 204
            assert (await client.get(f"/v1/silences/{silence['id']}")).json()["active"] is False
            assert (await client.get("/v1/silences", params={"active": True})).json() == []

    async def test_tenants_must_name_a_subscription_admins_may_not(self, live):
        async with live.client(await live.token("desk")) as client:
            refused = await client.post("/v1/silences", json={"pattern": "ultimatum", "duration": "1h"})
            assert refused.status_code == 422 and "subscription" in refused.text
        async with live.client(await live.token("ops", admin=True)) as client:
            allowed = await client.post("/v1/silences", json={"pattern": "ultimatum", "duration": "1h"})
            assert allowed.status_code == 201 and allowed.json()["subscription_id"] is None
            empty = await client.post("/v1/silences", json={"duration": "1h"})
            assert empty.status_code == 422

    async def test_window_is_validated(self, live):
        token = await live.token("desk")
        sub = await live.subscription(token)
        async with live.client(token) as client:
            for body in (
                {"subscription_id": sub["id"]},
                {"subscription_id": sub["id"], "duration": "1h", "ends_at": "2999-01-01T00:00:00Z"},
                {"subscription_id": sub["id"], "ends_at": "2000-01-01T00:00:00Z"},
                {"subscription_id": sub["id"], "duration": 0},
            ):
                assert (await client.post("/v1/silences", json=body)).status_code == 422, body
