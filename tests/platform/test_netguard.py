"""SSRF protection: internal targets are refused unless explicitly allowed, on every hop."""

from __future__ import annotations

import httpx
import pytest

from services.platform.netguard import ForbiddenTarget, check_url, guarded_client

INTERNAL = [
    "http://127.0.0.1/hook",
    "http://localhost:8000/",
    "http://10.0.0.5/",
    "http://172.16.3.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "http://0.0.0.0/",
    "http://100.64.0.1/",  # carrier-grade NAT, not global
]


@pytest.mark.parametrize("url", INTERNAL)
async def test_internal_targets_are_refused_by_default(url: str) -> None:
    with pytest.raises(ForbiddenTarget):
        await check_url(url, allow_private=False)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8082/hook", "http://localhost/"])
async def test_loopback_is_allowed_only_when_configured(url: str) -> None:
    await check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["ftp://example.org/", "file:///etc/passwd", "gopher://x/", "http:///nohost"])
async def test_other_schemes_and_hostless_urls_are_refused_even_when_private_is_allowed(url: str) -> None:
    with pytest.raises(ForbiddenTarget):
        await check_url(url, allow_private=True)


async def test_a_public_literal_address_passes() -> None:
    await check_url("https://93.184.216.34/feed.xml", allow_private=False)


async def test_an_unresolvable_or_overlong_host_is_a_clear_refusal() -> None:
    with pytest.raises(ForbiddenTarget, match="cannot resolve"):
        await check_url("http://" + "a" * 64 + ".example/", allow_private=False)
    with pytest.raises(ForbiddenTarget, match="cannot resolve"):
        await check_url("http://no-such-host.invalid/", allow_private=False)


async def test_a_redirect_to_an_internal_address_is_not_followed() -> None:
    requested: list[str] = []

    def public_hop(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:9/admin"})

    async with guarded_client(False, transport=httpx.MockTransport(public_hop), follow_redirects=True) as client:
        with pytest.raises(ForbiddenTarget, match="127.0.0.1"):
            await client.get("http://93.184.216.34/feed.xml")
    assert requested == ["http://93.184.216.34/feed.xml"], "the internal hop must never be sent"
