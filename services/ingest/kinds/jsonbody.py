"""Reading a JSON API body defensively: any failure becomes :class:`PayloadInvalid`."""

from __future__ import annotations

import json
import re
from typing import Any

from services.ingest.kinds.base import PayloadInvalid


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def load_json(body: bytes, what: str) -> Any:
    try:
        return _without_lone_surrogates(json.loads(body))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        snippet = body[:80].decode("utf-8", "replace").strip()
        raise PayloadInvalid(f"{what} is not JSON ({type(exc).__name__}); body starts {snippet!r}") from None


def _without_lone_surrogates(value: Any) -> Any:
    """``"\\ud800"`` is valid JSON but no character: left in, it fails every later UTF-8
    encode (document ids, the Kafka envelope), so one such post would fail its source's every
    poll. Each becomes U+FFFD, as a decoder does with invalid bytes."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(key): _without_lone_surrogates(item) for key, item in value.items()}
    return value


def expect_mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadInvalid(f"{what} is not a JSON object")
    return value


def expect_list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadInvalid(f"{what} is not a JSON array")
    return value


def text_field(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return value if isinstance(value, str) else ""
