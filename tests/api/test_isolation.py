"""Tenants are isolated: every endpoint answers another tenant's ids with 404, never 403 or data."""

from __future__ import annotations

from tests.api.live import make_signal


async def _victim(live):  # type: ignore[no-untyped-def]
    """Tenant "victim" with a subscription, an alert, a delivery and a silence."""
    token = await live.token("victim")
    sub = await live.subscription(token, webhook={"url": "https://hooks.example/victim"})
    await live.push_alert(sub["id"], make_signal(7))
    async with live.client(token) as client:
        [alert] = (await client.get("/v1/alerts")).json()["items"]
        [delivery] = (await client.get(f"/v1/alerts/{alert['id']}/deliveries")).json()
        silence = (await client.post("/v1/silences", json={"subscription_id": sub["id"], "duration": "1h"})).json()
    return sub, alert, delivery, silence


class TestIsolation:
    async def test_every_endpoint_refuses_another_tenants_ids_with_404(self, any_live):
        live = any_live
        sub, alert, delivery, silence = await _victim(live)
        calls = [
            ("GET", f"/v1/subscriptions/{sub['id']}", None),
            ("PUT", f"/v1/subscriptions/{sub['id']}", {"patterns": []}),
            ("DELETE", f"/v1/subscriptions/{sub['id']}", None),
            ("POST", f"/v1/subscriptions/{sub['id']}/rotate-secret", None),
            ("POST", f"/v1/subscriptions/{sub['id']}/test", None),
            ("GET", f"/v1/alerts/{alert['id']}", None),
            ("GET", f"/v1/alerts/{alert['id']}/deliveries", None),
            ("GET", f"/v1/deliveries/{delivery['id']}", None),
            ("POST", f"/v1/deliveries/{delivery['id']}/resend", None),
            ("POST", f"/v1/endpoints/{sub['id']}/recover?since=2000-01-01T00:00:00Z", None),
            ("GET", f"/v1/silences/{silence['id']}", None),
            ("PUT", f"/v1/silences/{silence['id']}", {"subscription_id": sub["id"], "duration": 60}),
            ("DELETE", f"/v1/silences/{silence['id']}", None),
            ("POST", "/v1/silences", {"subscription_id": sub["id"], "duration": 60}),
        ]
        # An admin of another tenant is no more entitled to them than a plain token.
        for intruder in (await live.token("intruder"), await live.token("intruder-ops", admin=True)):
            async with live.client(intruder) as client:
                for method, path, body in calls:
                    response = await client.request(method, path, json=body)
                    assert response.status_code == 404, (method, path, response.status_code)
                assert (await client.get("/v1/subscriptions")).json() == []
                assert (await client.get("/v1/alerts")).json() == {"items": [], "next_cursor": None}
                assert [s for s in (await client.get("/v1/silences")).json() if s["id"] == silence["id"]] == []

        # ... and the victim's things are untouched.
        async with live.client(await live.token("victim")) as client:
            assert (await client.get(f"/v1/subscriptions/{sub['id']}")).status_code == 200
            assert (await client.get(f"/v1/silences/{silence['id']}")).json()["active"] is True
            assert (await client.get(f"/v1/alerts/{alert['id']}")).status_code == 200
