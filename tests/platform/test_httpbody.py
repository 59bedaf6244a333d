"""The bounded inflater decodes honest bodies exactly and stops at the cap."""

from __future__ import annotations

import gzip
import zlib

import httpx
import pytest

from services.platform.httpbody import BodyRefused, BodyTooLarge, BoundedInflater, content_coding

TEXT = b"<rss>" + b"news " * 50_000 + b"</rss>"


def feed_in_pieces(inflater: BoundedInflater, data: bytes, size: int = 4096) -> bytes:
    return b"".join(inflater.feed(data[i : i + size]) for i in range(0, len(data), size))


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
    ],
)
def test_honest_bodies_decode_exactly(coding: str, encode) -> None:  # type: ignore[no-untyped-def]
    assert feed_in_pieces(BoundedInflater(coding, len(TEXT)), encode(TEXT)) == TEXT


def test_concatenated_gzip_members_decode() -> None:
    assert feed_in_pieces(BoundedInflater("gzip", 10_000), gzip.compress(b"a" * 10) + gzip.compress(b"b" * 10)) == (
        b"a" * 10 + b"b" * 10
    )


def test_one_byte_over_the_cap_stops() -> None:
    with pytest.raises(BodyTooLarge):
        feed_in_pieces(BoundedInflater("gzip", len(TEXT) - 1), gzip.compress(TEXT))


def test_a_single_chunk_bomb_never_inflates_past_the_cap() -> None:
    bomb = gzip.compress(bytes(200 * 1024 * 1024))
    inflater = BoundedInflater("gzip", 1024 * 1024)
    with pytest.raises(BodyTooLarge):
        inflater.feed(bomb)
    assert inflater.produced <= 1024 * 1024 + 1


@pytest.mark.parametrize("value", ["gzip, gzip", "gzip,deflate", "br", "zstd", "compress"])
def test_stacked_and_unrequested_codings_are_refused(value: str) -> None:
    with pytest.raises(BodyRefused):
        content_coding(httpx.Headers({"content-encoding": value}))


def test_identity_is_no_coding() -> None:
    assert content_coding(httpx.Headers({"content-encoding": "identity"})) is None
    assert content_coding(httpx.Headers({"content-encoding": "identity, gzip"})) == "gzip"
