"""Subscriptions CRUD: the secret is shown on create and rotate only, and the test event is signed."""

from __future__ import annotations

from alerts.catalogue import SubscriptionCatalog
from tests.support.http_servers import LoopbackServer
from tests.support.webhooks import verify_standard_webhook


class TestSubscriptions:
    async def test_create_list_get_update_delete(self, any_live):
        live = any_live
        token = await live.token("desk")
        created = await live.subscription(
            token, patterns=["ultimatum"], countries=["ve"], webhook={"url": "https://hooks.example/tocsin"}
        )
        assert created["secret"].startswith("whsec_")
        assert created["countries"] == ["VE"] and created["tenant"] == "desk"
        async with live.client(token) as client:
            listed = (await client.get("/v1/subscriptions")).json()
            assert [s["id"] for s in listed] == [created["id"]]
            one = (await client.get(f"/v1/subscriptions/{created['id']}")).json()
            assert "secret" not in one and created["secret"] not in str(listed)
            updated = await client.put(
                f"/v1/subscriptions/{created['id']}",
                json={"patterns": ["wire_denial"], "webhook": {"url": "https://hooks.example/b"}},
            )
            assert updated.status_code == 200 and updated.json()["patterns"] == ["wire_denial"]
            assert "secret" not in updated.json()
            assert (await client.delete(f"/v1/subscriptions/{created['id']}")).status_code == 204
            assert (await client.get(f"/v1/subscriptions/{created['id']}")).status_code == 404

    async def test_validation_errors_are_422_with_the_field(self, live):
        async with live.client(await live.token("desk")) as client:
            response = await client.post("/v1/subscriptions", json={"countries": ["Venezuela"]})
            assert response.status_code == 422
            assert any("countries" in [str(p) for p in e["loc"]] for e in response.json()["detail"])
            response = await client.post("/v1/subscriptions", json={"min_confidence": 3})
            assert response.status_code == 422
            response = await client.post(
                "/v1/subscriptions", json={"webhook": {"url": "https://x.example", "secret": "mine"}}
            )
            assert response.status_code == 422  # secrets are generated, never sent in
            long_label = "https://" + "a" * 70 + ".example/hook"  # valid to pydantic, not to DNS
            response = await client.post("/v1/subscriptions", json={"webhook": {"url": long_label}})
            assert response.status_code == 422 and "host name" in response.text

    async def test_the_alerter_catalog_sees_api_changes(self, any_live):
        live = any_live
        token = await live.token("desk")
        catalog = SubscriptionCatalog(live.db, [])
        await catalog.refresh()
        assert catalog.current() == []
        created = await live.subscription(token, patterns=["ultimatum"], webhook={"url": "https://hooks.example/a"})
        assert await catalog.refresh() is True
        [loaded] = catalog.current()
        assert loaded.id == created["id"] and loaded.webhook.secret.get_secret_value() == created["secret"]
        assert catalog.tenant_of(created["id"]) == "desk"


class TestSecretsAndTestEvents:
    async def test_rotation_signs_with_new_and_previous_secret_only(self, live):
        token = await live.token("desk")
        with LoopbackServer() as receiver:
            created = await live.subscription(token, webhook={"url": receiver.url("/hook")})
            async with live.client(token) as client:
                first = (await client.post(f"/v1/subscriptions/{created['id']}/rotate-secret")).json()
                assert first["secret"] != created["secret"] and first["webhook"]["rotating"] is True
                after_first = (await client.post(f"/v1/subscriptions/{created['id']}/test")).json()
                second = (await client.post(f"/v1/subscriptions/{created['id']}/rotate-secret")).json()
                after_second = (await client.post(f"/v1/subscriptions/{created['id']}/test")).json()
            assert after_first["delivered"] is True and after_first["status_code"] == 200
            one, two = receiver.wait_for_posts(2, timeout=10)
        for request, result in ((one, after_first), (two, after_second)):
            headers = {k.lower(): v for k, v in request.headers.items()}
            assert headers["webhook-id"] == result["webhook_id"]
            assert b'"type":"alert.test"' in request.body
        one_headers = {k.lower(): v for k, v in one.headers.items()}
        two_headers = {k.lower(): v for k, v in two.headers.items()}
        assert verify_standard_webhook(first["secret"], one_headers, one.body)
        assert verify_standard_webhook(created["secret"], one_headers, one.body)
        assert verify_standard_webhook(second["secret"], two_headers, two.body)
        assert verify_standard_webhook(first["secret"], two_headers, two.body)
        assert not verify_standard_webhook(created["secret"], two_headers, two.body)

    async def test_a_failing_receiver_is_reported_not_raised(self, live):
        token = await live.token("desk")
        with LoopbackServer(post_status=lambda _request: 503) as receiver:
            created = await live.subscription(token, webhook={"url": receiver.url("/hook")})
            async with live.client(token) as client:
                result = (await client.post(f"/v1/subscriptions/{created['id']}/test")).json()
        assert result["delivered"] is False and result["status_code"] == 503

    async def test_no_webhook_means_409(self, live):
        token = await live.token("desk")
        created = await live.subscription(token, channels=[])
        async with live.client(token) as client:
            assert (await client.post(f"/v1/subscriptions/{created['id']}/test")).status_code == 409
            assert (await client.post(f"/v1/subscriptions/{created['id']}/rotate-secret")).status_code == 409


class TestInternalTargets:
    async def test_internal_webhook_addresses_are_refused_unless_allowed(self, tmp_path):
        from tests.api.live import LiveApi, ServerRun, api_settings, open_live

        settings = api_settings(tmp_path, security={"allow_private_targets": False})
        settings, db, app = await open_live(tmp_path, settings=settings)
        try:
            async with ServerRun(app) as base_url:
                live = LiveApi(base_url, settings, db)
                async with live.client(await live.token("desk")) as client:
                    for url in (
                        "http://127.0.0.1:8080/hook",
                        "http://169.254.169.254/latest",
                        "http://[::1]/x",
                        "http://localhost/hook",
                        "http://10.1.2.3/hook",
                    ):
                        response = await client.post("/v1/subscriptions", json={"webhook": {"url": url}})
                        assert response.status_code == 422 and "forbidden target" in response.text, url
                    allowed = await client.post("/v1/subscriptions", json={"webhook": {"url": "https://8.8.8.8/x"}})
                    assert allowed.status_code == 201
                    for channel in (
                        "hassio://127.0.0.1:18080/x",
                        "kodi://127.0.0.1:18080/",
                        "json://[::1]:80/",
                        "bark://[2002:7f00:1::]/k",
                        "smtp://10.0.0.1?to=a@b.c",
                        "mailto://u:p@localhost",
                        "syslog://",
                    ):
                        response = await client.post("/v1/subscriptions", json={"channels": [channel]})
                        assert response.status_code == 422 and "forbidden target" in response.text, channel
                        assert response.json()["detail"][0]["loc"] == ["body", "channels", 0]
                    saas = await client.post("/v1/subscriptions", json={"channels": ["slack://T1/B1/C1"]})
                    assert saas.status_code == 201
        finally:
            await db.close()


class TestConfigSubscriptions:
    async def test_listed_read_only_and_testable(self, tmp_path):
        from tests.api.live import LiveApi, ServerRun, api_settings, open_live

        with LoopbackServer() as receiver:
            secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            settings = api_settings(
                tmp_path,
                subscriptions=[
                    {
                        "id": "desk-config",
                        "tenant": "desk",
                        "webhook": {"url": receiver.url("/hook"), "secret": secret},
                    },
                    {"id": "other-config", "tenant": "other"},
                ],
            )
            settings, db, app = await open_live(tmp_path, settings=settings)
            try:
                async with ServerRun(app) as base_url:
                    live = LiveApi(base_url, settings, db)
                    async with live.client(await live.token("desk")) as client:
                        listed = (await client.get("/v1/subscriptions")).json()
                        assert [(s["id"], s["origin"]) for s in listed] == [("desk-config", "config")]
                        assert secret not in str(listed)
                        assert (await client.get("/v1/subscriptions/other-config")).status_code == 404
                        for method, path in (
                            ("PUT", "/v1/subscriptions/desk-config"),
                            ("DELETE", "/v1/subscriptions/desk-config"),
                            ("POST", "/v1/subscriptions/desk-config/rotate-secret"),
                        ):
                            response = await client.request(method, path, json={} if method == "PUT" else None)
                            assert response.status_code == 409 and "config file" in response.text, path
                        result = (await client.post("/v1/subscriptions/desk-config/test")).json()
                assert result["delivered"] is True
                [request] = receiver.wait_for_posts(1, timeout=10)
                assert verify_standard_webhook(secret, {k.lower(): v for k, v in request.headers.items()}, request.body)
            finally:
                await db.close()


class TestChannelCredentials:
    """Issue 19 item 8: a chat channel's credentials are never returned in full."""

    async def test_channels_come_back_masked_and_a_round_trip_keeps_them(self, live):
        from alerts import catalogue as store

        token = await live.token("desk")
        channels = [
            "json://bot:hunter2pw@chat.example/hooks/tok3n",
            "slack://T1AAAA/B2BBBB/C3secret",
            "smtp://mailer:mailpw@mail.example:587?from=a@example.org&to=b@example.org",
        ]
        created = await live.subscription(token, channels=channels)
        async with live.client(token) as client:
            shown = (await client.get(f"/v1/subscriptions/{created['id']}")).json()
            listed = (await client.get("/v1/subscriptions")).text
            for text in (str(created), str(shown), listed):
                for secret in ("hunter2pw", "tok3n", "C3secret", "B2BBBB", "mailpw"):
                    assert secret not in text, (secret, text)
            assert shown["channels"][0].startswith("json://bot:***@chat.example")
            body = {key: shown[key] for key in ("patterns", "countries", "channels")}
            assert (await client.put(f"/v1/subscriptions/{created['id']}", json=body)).status_code == 200
        stored = await store.get_for_tenant(live.db, "desk", created["id"])
        assert stored is not None and stored.channels == channels
