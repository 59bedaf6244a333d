"""Issue 19 item 3: the entity check holds whatever the document's encoding says.

A feed declared ``encoding="cp037"`` (EBCDIC) or served as ``charset=utf-7`` hides its
``<!ENTITY`` from a byte-level check while the parser still expands it. The check now runs
on the decoded text, and the parser gets exactly that text (as UTF-8).
"""

from __future__ import annotations

import codecs

import pytest

from services.ingest.kinds.base import PayloadInvalid
from services.ingest.kinds.feed import parse_feed_bytes
from tests.support.bombs import measure_in_child

URL = "http://feeds.example/feed.xml"


def entity_feed(encoding: str, refs: int = 3, size: int = 10) -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        f'<!DOCTYPE rss [<!ENTITY a "{"x" * size}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><title>{"&a;" * refs}</title>'
        "<link>http://feeds.example/1</link></item></channel></rss>"
    )


def utf7(text: str) -> bytes:
    """UTF-7 with every ``<`` and ``!`` encoded (Python's encoder leaves them direct)."""
    return (
        "".join(ch if ch not in "<!" else "\x00" + ch for ch in text)
        .replace("\x00<", "+ADw-")
        .replace("\x00!", "+ACE-")
        .encode("ascii")
    )


@pytest.mark.parametrize("encoding", ["cp037", "cp500", "utf-16", "utf-32", "utf-16-be"])
def test_entities_are_refused_in_any_declared_encoding(encoding: str) -> None:
    body = entity_feed(encoding).encode(encoding)
    with pytest.raises(PayloadInvalid, match="entit|DTD"):
        parse_feed_bytes(body, "application/rss+xml", URL)


def test_entities_are_refused_under_a_utf7_content_type() -> None:
    body = utf7(entity_feed("utf-7"))
    assert b"<!" not in body
    with pytest.raises(PayloadInvalid, match="entit|DTD"):
        parse_feed_bytes(body, "text/xml; charset=utf-7", URL)


@pytest.mark.parametrize("encoding", ["cp037", "iso-8859-1", "utf-16", "windows-1252"])
def test_honest_feeds_in_other_encodings_still_parse(encoding: str) -> None:
    text = (
        '<?xml version="1.0" encoding="%s"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Caf\u00e9 news</title><link>http://feeds.example/1</link></item></channel></rss>" % encoding
    )
    parsed = parse_feed_bytes(text.encode(encoding), "application/rss+xml", URL)
    assert parsed.entries[0].title == "Caf\u00e9 news"


def test_a_bom_wins_over_the_declaration() -> None:
    body = codecs.BOM_UTF8 + entity_feed("cp037").encode("utf-8")
    with pytest.raises(PayloadInvalid):
        parse_feed_bytes(body, "application/rss+xml", URL)


PARSE = """
from services.ingest.kinds.feed import parse_feed_bytes
async def main(path):
    try:
        parsed = parse_feed_bytes(open(path, "rb").read(), "application/rss+xml", "http://feeds.example/f")
        return f"parsed {sum(len(e.get('title', '')) for e in parsed.entries)} characters of titles"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
"""


def test_an_ebcdic_entity_bomb_costs_no_memory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.xml"
    path.write_bytes(
        entity_feed("cp037", refs=500_000, size=290).encode("cp037")
    )  # 1.5 MB -> 145 MB, under expat's 100x limit
    result = measure_in_child(PARSE, str(path), limit_mib=3072)
    print(f"ebcdic entity bomb ({path.stat().st_size} bytes): {result}")
    assert result["peak_mib"] - result["baseline_mib"] < 40, result
