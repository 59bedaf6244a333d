"""The dead-letter contract: the headers a failed message carries, and who may send one.

Every stage that gives up on a message (the stream agents, the alerter's consumer) sends it
to the dead-letter topic with these headers, so an operator can see why and replay it.
"""

from __future__ import annotations

from typing import Any, Protocol


def dead_letter_headers(error: str, origin_topic: str, service: str) -> list[tuple[str, bytes]]:
    """Why and where a message failed, so an operator can inspect and replay it."""
    return [
        ("tocsin-error", error[:2000].encode("utf-8", "replace")),
        ("tocsin-origin-topic", origin_topic.encode()),
        ("tocsin-service", service.encode()),
    ]


class DeadLetterSink(Protocol):
    """Sends one message that could not be processed to the dead-letter topic, with why."""

    async def __call__(self, origin: str, key: Any, value: Any, error: str) -> None: ...
