"""Versioned JSON envelopes for every Kafka message.

Every payload on a Tocsin topic is ``{"schema": <name>, "version": <int>, "data": {...}}``.
Decoding never raises anything but :class:`PayloadError`, so a worker can route any bad
message to the dead-letter topic and carry on with the next one.
"""

from __future__ import annotations

import json
import re
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, create_model

from models._base import replace_lone_surrogates
from models.document import Document
from models.signal import Signal
from models.story import DetectionEvent

SCHEMA_VERSION = 1
MAX_PAYLOAD_BYTES = 4 * 1024 * 1024

Model = TypeVar("Model", bound=BaseModel)


class PayloadError(ValueError):
    """A message that cannot be turned into the expected model, with the reason why."""


class Codec(Generic[Model]):
    """Encodes and decodes one model under one schema name.

    Both directions have a fast path through pydantic-core's JSON parser and serializer,
    which cost a fraction of ``json`` plus ``model_validate``/``model_dump`` per message:
    the stream workers decode and encode every document, detection and signal. Anything
    the fast decoder refuses, or that may hold lone surrogates, goes through the careful
    path, so what is accepted, and every error message, stays the careful path's.
    """

    def __init__(self, schema: str, model: type[Model], version: int = SCHEMA_VERSION) -> None:
        self.schema = schema
        self.model = model
        self.version = version
        self._head = b'{"schema":' + json.dumps(schema).encode() + b',"version":' + str(version).encode() + b',"data":'
        self._envelope = _envelope_model(schema, model, version)

    def encode(self, item: Model) -> bytes:
        return self._head + item.__pydantic_serializer__.to_json(item) + b"}"

    def decode(self, raw: bytes | str | None) -> Model:
        if raw is None:
            raise PayloadError("empty message (tombstone or null value)")
        if len(raw) > MAX_PAYLOAD_BYTES:
            raise PayloadError(f"payload of {len(raw)} bytes exceeds {MAX_PAYLOAD_BYTES}")
        if not _may_hold_lone_surrogates(raw):
            try:
                return self._envelope.model_validate_json(raw).data  # type: ignore[attr-defined,no-any-return]
            except ValueError:
                pass  # the careful path below says why
        return self._decode_carefully(raw)

    def _decode_carefully(self, raw: bytes | str) -> Model:
        try:
            envelope = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise PayloadError(f"not JSON: {exc}") from None
        if not isinstance(envelope, dict):
            raise PayloadError("envelope is not a JSON object")
        if _may_hold_lone_surrogates(raw):
            envelope = replace_lone_surrogates(envelope)
        if envelope.get("schema") != self.schema:
            raise PayloadError(f"schema {envelope.get('schema')!r} is not {self.schema!r}")
        if envelope.get("version") != self.version:
            raise PayloadError(f"unknown {self.schema} schema version {envelope.get('version')!r}")
        try:
            return self.model.model_validate(envelope.get("data"))
        except ValidationError as exc:
            raise PayloadError(
                f"invalid {self.schema}: {exc.error_count()} error(s): {exc.errors()[0]['msg']}"
            ) from None


def _envelope_model(schema: str, model: type[Model], version: int) -> type[BaseModel]:
    """The envelope as one pydantic model, so a message is parsed and validated in one pass."""
    # Literal types built from runtime values: a type form mypy cannot check, hence Any.
    schema_type: Any = Literal[schema]
    version_type: Any = Literal[version]
    return create_model(
        f"{model.__name__}Envelope",
        schema_name=(schema_type, Field(alias="schema")),
        version=(version_type, ...),
        data=(model, ...),
    )


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _may_hold_lone_surrogates(raw: bytes | str) -> bool:
    """A cheap test on the raw message, so only the rare suspicious one is walked."""
    if isinstance(raw, str):
        return bool(_LONE_SURROGATE.search(raw)) or "\\u" in raw
    return bool(_SURROGATE_ESCAPE.search(raw))


DOCUMENTS = Codec("tocsin.document", Document)
SIGNALS = Codec("tocsin.signal", Signal)
DETECTION_EVENTS = Codec("tocsin.detection", DetectionEvent)
