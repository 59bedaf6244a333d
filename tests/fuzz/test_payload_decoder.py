"""The Kafka payload decoder (``models.envelope.Codec.decode``) on generated hostile messages.

Documented: it raises nothing but :class:`PayloadError`, so a worker can dead-letter any bad
message and go on. Also checked: what it accepts can be encoded again (a worker re-publishes
what it read, in detection events and signals), and it never takes long.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from models import DOCUMENTS, SIGNALS, PayloadError
from models.envelope import MAX_PAYLOAD_BYTES, Codec
from tests.fuzz.hostile_values import json_values, loose, shaped, texts, urls
from tests.fuzz.profile import FUZZ

TIMES = st.one_of(
    st.sampled_from(["2025-12-22T18:00:00Z", "2025-12-22T18:00:00", "9999-99-99", "", "1e309"]),
    st.datetimes(timezones=st.just(timezone.utc)).map(datetime.isoformat),
    loose,
)
DOCUMENT_DATA = shaped(
    {
        "id": loose,
        "source_id": loose,
        "url": urls | loose,
        "title": loose,
        "text": loose,
        "language": loose,
        "published_at": TIMES,
        "fetched_at": TIMES,
        "author": loose,
    }
)
NAMES = st.text(min_size=1, max_size=24) | st.sampled_from(["\u202eevil", "<script>x</script>", "\u200b"])
PLAUSIBLE_DOCUMENT = st.fixed_dictionaries(
    {
        "id": NAMES,
        "source_id": NAMES,
        "fetched_at": st.datetimes(timezones=st.just(timezone.utc)).map(datetime.isoformat),
    },
    optional={"url": urls, "title": texts, "text": texts, "language": texts, "author": texts, "published_at": TIMES},
)
"""Close enough to valid that many decode: the accepted branch must be exercised too."""
DOCUMENT_DATA = DOCUMENT_DATA | PLAUSIBLE_DOCUMENT
DETECTION = shaped(
    {
        "pattern": loose,
        "sentence": loose,
        "start": json_values,
        "end": json_values,
        "triggers": st.lists(texts, max_size=2) | loose,
        "actor": loose,
        "target": loose,
        "countries": st.lists(texts, max_size=2) | loose,
        "confidence": json_values,
        "rule": loose,
    }
)
SIGNAL_DATA = shaped(
    {
        "id": loose,
        "type": st.sampled_from(["detection", "story.opened", "rule.fired"]) | loose,
        "document": DOCUMENT_DATA | loose,
        "detections": st.lists(DETECTION, max_size=2) | loose,
        "story_id": loose,
        "severity": st.sampled_from(["alert", "urgent", "flash"]) | loose,
        "created_at": TIMES,
    }
)


def envelopes(
    schema: str, data: st.SearchStrategy, plausible: st.SearchStrategy | None = None
) -> st.SearchStrategy[bytes | None]:
    envelope = st.fixed_dictionaries(
        {
            "schema": st.sampled_from([schema, schema, schema, schema.upper(), ""]) | loose,
            "version": st.sampled_from([1, 1, 1, 2, "1", 1.0, True]),
            "data": data,
        },
    )
    as_json = envelope.map(lambda value: json.dumps(value).encode())
    if plausible is not None:  # a well-formed envelope around near-valid data: the accepted branch
        as_json = as_json | plausible.map(
            lambda value: json.dumps({"schema": schema, "version": 1, "data": value}).encode()
        )
    return st.one_of(
        as_json,
        as_json,
        as_json,
        st.binary(max_size=200),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.none(),
        texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    )


ACCEPTED: Counter[str] = Counter()


def careful(codec: Codec, raw: bytes | None) -> object:
    """What the careful path alone makes of ``raw``: the model, or the refusal's text."""
    if raw is None or len(raw) > MAX_PAYLOAD_BYTES:
        return "refused before parsing"
    try:
        return codec._decode_carefully(raw)
    except PayloadError as refused:
        return f"refused: {refused}"


def same_given_fields(expected: object, item: BaseModel) -> bool:
    """Equal in every field the message gave (defaults such as ``fetched_at=now`` differ
    between two decodes of the same message by construction)."""
    return (
        isinstance(expected, BaseModel)
        and expected.model_fields_set == item.model_fields_set
        and all(getattr(expected, name) == getattr(item, name) for name in item.model_fields_set)
    )


def decode_or_refuse(codec: Codec, raw: bytes | None) -> None:
    try:
        item = codec.decode(raw)
    except PayloadError as refused:
        assert str(refused)
        assert careful(codec, raw) == f"refused: {refused}" or raw is None, (
            "the fast path refused what the careful one accepts"
        )
        return
    ACCEPTED[codec.schema] += 1
    assert same_given_fields(careful(codec, raw), item), "the fast path accepted something else than the careful one"
    encoded = codec.encode(item)
    assert codec.decode(encoded) == item
    assert json.loads(encoded) == {
        "schema": codec.schema,
        "version": codec.version,
        "data": item.model_dump(mode="json"),
    }


@FUZZ
@given(envelopes("tocsin.document", DOCUMENT_DATA, PLAUSIBLE_DOCUMENT))
def test_document_payloads(raw: bytes | None) -> None:
    decode_or_refuse(DOCUMENTS, raw)


def test_the_document_fuzz_reached_accepted_payloads() -> None:
    """Runs after the property above (file order): some generated envelopes were valid."""
    assert ACCEPTED["tocsin.document"] > 0, "the generator never produced a decodable document"


@FUZZ
@given(envelopes("tocsin.signal", SIGNAL_DATA))
def test_signal_payloads(raw: bytes | None) -> None:
    decode_or_refuse(SIGNALS, raw)


def test_the_generator_reaches_valid_documents() -> None:
    """Guards the fuzz itself: a well-formed envelope decodes (so the valid branch is exercised)."""
    raw = json.dumps(
        {
            "schema": "tocsin.document",
            "version": 1,
            "data": {"id": "d", "source_id": "s", "fetched_at": "2025-12-22T18:00:00Z"},
        }
    ).encode()
    assert DOCUMENTS.decode(raw).id == "d"
