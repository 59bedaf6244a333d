"""Issue 19 item 1: every outbound URL (webhook, chat, mail, feed, /v1/analyze) goes only
where the guard checked: chat schemes that name a host are checked whatever the scheme,
a redirect never leaves the checked host, and a name is looked up once (no rebinding)."""

from __future__ import annotations

import contextlib
import errno
import socket
import time
from collections.abc import Awaitable, Callable

import pytest

from alerts.channels.chat import AppriseChannel
from alerts.channels.keys import key_for
from alerts.channels.mail import SmtpChannel
from alerts.channels.webhook import WebhookChannel
from alerts.errors import DeliveryError, PermanentError
from alerts.payload import EventHeader, build_event
from alerts.tables import DeliveryRow
from services.api.webhook_probe import sample_story
from services.platform.netguard import ForbiddenTarget, check_url
from tests.alerts.factories import subscription
from tests.alerts.receivers import Receiver, Reply

# The fifteen apprise schemes the attack found unchecked; each names the host it talks to.
HOST_NAMING = [
    "hassio",
    "kodi",
    "ncloud",
    "bark",
    "signal",
    "mastodon",
    "synology",
    "emby",
    "jellyfin",
    "pushdeer",
    "enigma2",
    "misskey",
    "parsep",
    "gorush",
    "rsyslog",
]


def delivery_for(channel: str) -> DeliveryRow:
    header = EventHeader(
        event_id="msg_" + "9" * 32,
        event_type="alert.created",
        reason="new",
        time=time.time(),
        subscription_id="desk",
        tenant="default",
        story_id="story_x",
        sequence=1,
    )
    return DeliveryRow(
        id="msg_" + "9" * 32,
        subscription_id="desk",
        channel=channel,
        event_type="alert.created",
        story_id="story_x",
        group_key="grp",
        signal_id="",
        severity="alert",
        payload=build_event(header, sample_story()).decode(),
        status="pending",
        attempts=0,
        created_at=time.time(),
    )


async def send_chat(url: str, allow_private: bool) -> None:
    sub = subscription("desk", channels=[url])
    await AppriseChannel(allow_private=allow_private).send(delivery_for(key_for(url)), sub)


@pytest.mark.parametrize("scheme", HOST_NAMING)
async def test_every_host_naming_chat_scheme_is_refused_at_loopback(scheme: str) -> None:
    async with Receiver() as receiver:
        with pytest.raises(PermanentError, match="forbidden target"):
            await send_chat(f"{scheme}://user:pass@127.0.0.1:{receiver.port}/token/x", allow_private=False)
    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "json://[::1]:9/x",
        "hassio://[::ffff:127.0.0.1]:9/t",
        "kodi://[2002:7f00:1::]:9/",
        "json://[2001:0:4136:e378:8000:63bf:80ff:fffe]:9/",
        "syslog://",
        "dbus://",
    ],
)
async def test_ipv6_literals_and_hostless_urls_are_refused_not_crashed(url: str) -> None:
    with pytest.raises(PermanentError, match="forbidden target"):
        await send_chat(url, allow_private=False)


async def test_an_ipv6_literal_in_a_mail_url_is_refused_cleanly() -> None:
    url = "smtp://[::1]:25?from=a@example.org&to=b@example.org"
    sub = subscription("desk", channels=[url])
    with pytest.raises(PermanentError, match="forbidden target"):
        await SmtpChannel(allow_private=False, timeout=2).send(delivery_for(key_for(url)), sub)


@pytest.mark.parametrize(
    "address", ["2002:7f00:1::", "2002:a00:1::1", "2001:0:4136:e378:8000:63bf:80ff:fffe", "64:ff9b::7f00:1"]
)
async def test_6to4_teredo_and_nat64_are_unwrapped(address: str) -> None:
    with pytest.raises(ForbiddenTarget):
        await check_url(f"http://[{address}]/", allow_private=False)


async def test_a_json_chat_redirect_never_leaves_the_checked_host() -> None:
    async with Receiver() as elsewhere:
        target = f"http://localhost:{elsewhere.port}/stolen"
        async with Receiver(lambda request: Reply(307, {"location": target})) as first:
            with pytest.raises(DeliveryError):
                await send_chat(f"json://127.0.0.1:{first.port}/chat", allow_private=True)
        assert len(first.requests) == 1
    assert elsewhere.requests == [], "the 307 was followed to another host"


# --- DNS rebinding: the name answers public to the check(s), 127.0.0.1 afterwards --------------


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], list[str]]:
    """``rebind.test`` answers 8.8.8.8 to the first ``public`` look-ups and 127.0.0.1 after;
    connections to anything but loopback are refused here, so nothing leaves the machine."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    answers: list[str] = []

    def arm(public: int) -> list[str]:
        def fake(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(host, bytes):
                host = host.decode()
            if host == "rebind.test":
                answers.append("8.8.8.8" if len(answers) < public else "127.0.0.1")
                return real_getaddrinfo(answers[-1], port, *args, **kwargs)
            return real_getaddrinfo(host, port, *args, **kwargs)

        def fence(self, address):  # type: ignore[no-untyped-def]
            if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1"):
                raise OSError(errno.ENETUNREACH, "tests never leave the machine")
            return real_connect(self, address)

        monkeypatch.setattr(socket, "getaddrinfo", fake)
        monkeypatch.setattr(socket.socket, "connect", fence)
        return answers

    return arm


async def _webhook(port: int) -> None:
    from alerts.service import webhook_client
    from services.platform.config import Settings

    sub = subscription("desk", f"http://rebind.test:{port}/hook")
    client = webhook_client(Settings(delivery={"timeout": 3}))
    try:
        await WebhookChannel(client, allow_private=False, clock=time.time).send(delivery_for("webhook"), sub)
    finally:
        await client.aclose()


async def _feed(port: int) -> None:
    from services.ingest.fetcher import Fetcher, make_http_client

    async with make_http_client(False) as client:
        await Fetcher(client).get(f"http://rebind.test:{port}/feed.xml")


async def _analyze(port: int) -> None:
    from services.api.routes.analyze import fetch_page_text

    await fetch_page_text(f"http://rebind.test:{port}/page", False)


async def _json_chat(port: int) -> None:
    await send_chat(f"json://rebind.test:{port}/chat", allow_private=False)


@pytest.mark.parametrize(
    ("send", "checks_before_fix"),
    [(_webhook, 2), (_feed, 1), (_analyze, 1), (_json_chat, 1)],
    ids=["webhook", "ingest", "analyze", "json-chat"],
)
async def test_a_rebinding_name_never_reaches_loopback(
    rebinding: Callable[[int], list[str]], send: Callable[[int], Awaitable[None]], checks_before_fix: int
) -> None:
    answers = rebinding(checks_before_fix)
    async with Receiver() as receiver:
        with contextlib.suppress(Exception):  # any failure is fine; reaching loopback is not
            await send(receiver.port)
    assert receiver.requests == [], f"reached loopback after look-ups {answers}"
    assert answers[:1] == ["8.8.8.8"]


async def test_an_ipv6_literal_chat_url_delivers_when_private_targets_are_allowed() -> None:
    import asyncio

    got: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        got.append(await reader.read(65536))
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    try:
        server = await asyncio.start_server(serve, "::1", 0)
    except OSError:
        pytest.skip("no IPv6 loopback here")
    port = server.sockets[0].getsockname()[1]
    async with server:
        await send_chat(f"json://[::1]:{port}/chat", allow_private=True)
    assert got and got[0].startswith(b"POST /chat")
