"""FastAPI's OpenAPI 3.1 document, rewritten as 3.0 for the bundled Swagger UI.

Why: ``/docs`` must work offline, so it uses the Swagger UI shipped in the
``swagger-ui-bundle`` package, which is 4.15 — and Swagger UI reads OpenAPI 3.1 only from
5.0 on. Given FastAPI's 3.1 document it showed nothing but "Unable to render this
definition". ``/openapi.json`` stays 3.1 (the truth, for clients and generators); the docs
page reads this 3.0 rendering of it, which differs only in how JSON Schema is spelled:

* ``anyOf: [X, {type: null}]`` becomes ``X`` with ``nullable: true``;
* ``const: v`` becomes ``enum: [v]``; ``examples: [a, …]`` in a schema becomes ``example: a``;
* numeric ``exclusiveMinimum``/``exclusiveMaximum`` become ``minimum``/``maximum`` plus the
  3.0 boolean form.
"""

from __future__ import annotations

import copy
from typing import Any

OPENAPI_30 = "3.0.3"


def downgrade_to_30(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` that an OpenAPI 3.0 reader accepts."""
    converted: dict[str, Any] = _convert(copy.deepcopy(document), in_schema=False)
    converted["openapi"] = OPENAPI_30
    converted.pop("jsonSchemaDialect", None)
    converted.pop("webhooks", None)
    return converted


_SCHEMA_KEYS = {"schema", "items", "additionalProperties", "not"}
_SCHEMA_MAPS = {"properties", "schemas", "patternProperties", "$defs"}
_SCHEMA_LISTS = {"anyOf", "oneOf", "allOf", "prefixItems"}


def _convert(node: Any, in_schema: bool) -> Any:
    if isinstance(node, list):
        return [_convert(item, in_schema) for item in node]
    if not isinstance(node, dict):
        return node
    if in_schema:
        node = _schema_30(node)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_KEYS and isinstance(value, dict):
            out[key] = _convert(value, in_schema=True)
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _convert(item, in_schema=True) for name, item in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_convert(item, in_schema=True) for item in value]
        elif in_schema and key in ("default", "example", "enum"):
            out[key] = value  # values, not schemas
        else:
            out[key] = _convert(value, in_schema=in_schema and key not in ("examples",))
    return out


def _schema_30(schema: dict[str, Any]) -> dict[str, Any]:
    """One schema object's 3.1-only spellings replaced by their 3.0 equivalents."""
    schema = dict(schema)
    for combiner in ("anyOf", "oneOf"):
        options = schema.get(combiner)
        if isinstance(options, list) and any(_is_null(option) for option in options):
            rest = [option for option in options if not _is_null(option)]
            schema.pop(combiner)
            schema["nullable"] = True
            if len(rest) == 1:
                only = rest[0]
                if "$ref" in only:
                    schema["allOf"] = [only]  # 3.0 ignores siblings of $ref
                else:
                    schema.update({key: value for key, value in only.items() if key not in schema})
            elif rest:
                schema[combiner] = rest
    if isinstance(schema.get("type"), list):
        types = [kind for kind in schema["type"] if kind != "null"]
        if len(types) < len(schema["type"]):
            schema["nullable"] = True
        schema["type"] = types[0] if len(types) == 1 else "string"
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    if isinstance(schema.get("examples"), list):
        examples = schema.pop("examples")
        if examples:
            schema.setdefault("example", examples[0])
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = schema.get(bound)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            schema[plain] = value
            schema[bound] = True
    schema.pop("contentMediaType", None)
    schema.pop("contentEncoding", None)
    return schema


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) == 1
