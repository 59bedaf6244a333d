"""A tenant's subscriptions are capped (issue 19, item 5): the API answers 409, the config refuses to load."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from services.cli.common import settings_or_exit
from services.platform.config import Settings
from tests.api.live import LiveApi, ServerRun, api_settings, open_live

HOOK = {"webhook": {"url": "https://hooks.example/x"}}


async def test_the_api_refuses_a_subscription_past_the_cap_with_409_and_says_why(tmp_path: Path) -> None:
    configured = [{"id": "from-config", "tenant": "newsroom"}]
    settings = api_settings(tmp_path, tenants={"max_subscriptions": 3}, subscriptions=configured)
    settings, db, app = await open_live(tmp_path, settings=settings)
    try:
        async with ServerRun(app) as base_url:
            live = LiveApi(base_url, settings, db)
            newsroom, other = await live.token("newsroom"), await live.token("other")
            async with live.client(newsroom) as client:
                codes = [(await client.post("/v1/subscriptions", json=HOOK)).status_code for _ in range(3)]
                refused = await client.post("/v1/subscriptions", json=HOOK)
                listed = (await client.get("/v1/subscriptions")).json()
            async with live.client(other) as client:  # the cap is per tenant
                elsewhere = await client.post("/v1/subscriptions", json=HOOK)
    finally:
        await db.close()
    assert codes == [201, 201, 409]  # the config file's subscription counts too
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert "already has 3 subscriptions" in detail and "tenants.max_subscriptions is 3" in detail
    assert len(listed) == 3
    assert elsewhere.status_code == 201


def test_the_config_refuses_more_subscriptions_than_the_cap() -> None:
    subscriptions = [{"id": f"s{n}", "tenant": "newsroom"} for n in range(3)]
    with pytest.raises(ValidationError, match="'newsroom' has 3; tenants.max_subscriptions is 2"):
        Settings(tenants={"max_subscriptions": 2}, subscriptions=subscriptions)
    assert len(Settings(tenants={"max_subscriptions": 3}, subscriptions=subscriptions).subscriptions) == 3


def test_a_config_file_over_the_cap_exits_2_with_a_clear_message(tmp_path: Path, capsys) -> None:
    path = tmp_path / "tocsin.yaml"
    path.write_text(yaml.safe_dump({"tenants": {"max_subscriptions": 1}, "subscriptions": [{"id": "a"}, {"id": "b"}]}))
    with pytest.raises(SystemExit) as exited:
        settings_or_exit(argparse.Namespace(config=str(path)))
    assert exited.value.code == 2
    assert (
        "too many subscriptions for one tenant: 'default' has 2; tenants.max_subscriptions is 1"
        in capsys.readouterr().err
    )
