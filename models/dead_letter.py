"""Headers that travel with a message sent to the dead-letter topic."""

from __future__ import annotations


def dead_letter_headers(error: str, origin_topic: str, service: str) -> list[tuple[str, bytes]]:
    """Why and where a message failed, so an operator can inspect and replay it."""
    return [
        ("tocsin-error", error[:2000].encode("utf-8", "replace")),
        ("tocsin-origin-topic", origin_topic.encode()),
        ("tocsin-service", service.encode()),
    ]
