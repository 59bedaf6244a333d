"""Reading a JSON API body defensively: any failure becomes :class:`PayloadInvalid`."""

from __future__ import annotations

import json
from typing import Any

from models._base import replace_lone_surrogates
from services.ingest.kinds.base import PayloadInvalid


def load_json(body: bytes, what: str) -> Any:
    try:
        return replace_lone_surrogates(json.loads(body))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        snippet = body[:80].decode("utf-8", "replace").strip()
        raise PayloadInvalid(f"{what} is not JSON ({type(exc).__name__}); body starts {snippet!r}") from None


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


def object_field(item: dict[str, Any], name: str) -> dict[str, Any] | None:
    """``item[name]`` when it is a JSON object, else ``None``."""
    value = item.get(name)
    return value if isinstance(value, dict) else None
