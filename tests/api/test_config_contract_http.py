"""The API refuses the config file's mistakes with 422 naming the field (see services/api/contract.py)."""

from __future__ import annotations


def _locs(response) -> list[list[str]]:
    return [[str(part) for part in error["loc"]] for error in response.json()["detail"]]


class TestSameMistakesSameAnswer:
    async def test_subscription_mistakes(self, live):
        async with live.client(await live.token("desk")) as client:
            typo = await client.post("/v1/subscriptions", json={"paterns": ["ultimatum"]})
            assert typo.status_code == 422 and ["body", "paterns"] in _locs(typo)
            unknown = await client.post("/v1/subscriptions", json={"patterns": ["ultimatum", "ultimatun"]})
            assert unknown.status_code == 422
            assert _locs(unknown) == [["body", "patterns", "1"]]
            message = unknown.json()["detail"][0]["msg"]
            assert "unknown pattern 'ultimatun'" in message and "did you mean 'ultimatum'" in message
            assert "military_buildup" in message
            fine = await client.post("/v1/subscriptions", json={"patterns": ["ultimatum"]})
            assert fine.status_code == 201

    async def test_silence_mistakes(self, live):
        async with live.client(await live.token("ops", admin=True)) as client:
            typo = await client.post("/v1/silences", json={"patern": "ultimatum", "duration": "1h"})
            assert typo.status_code == 422 and ["body", "patern"] in _locs(typo)
            unknown = await client.post("/v1/silences", json={"pattern": "ultimatun", "duration": "1h"})
            assert unknown.status_code == 422 and _locs(unknown) == [["body", "pattern"]]
            assert "did you mean 'ultimatum'" in unknown.json()["detail"][0]["msg"]

    async def test_source_mistakes(self, live):
        async with live.client(await live.token("ops", admin=True)) as client:
            kind = await client.post("/v1/sources", json={"id": "x", "kind": "rsss", "url": "https://a.example/f"})
            assert kind.status_code == 422 and _locs(kind) == [["body", "kind"]]
            assert "did you mean 'rss'" in kind.json()["detail"][0]["msg"]
            option = await client.post(
                "/v1/sources", json={"id": "x", "kind": "rss", "url": "https://a.example/f", "intervall": "10s"}
            )
            assert option.status_code == 422 and ["body", "intervall"] in _locs(option)
            assert "unknown option of kind 'rss'" in option.json()["detail"][0]["msg"]
