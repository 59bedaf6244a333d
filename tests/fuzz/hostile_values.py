"""Hypothesis strategies for hostile values: nasty strings, URLs, arbitrary JSON, feed markup."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "\ud800",
    "\udfff",
    "\u200b\u200c\u200d\ufeff",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "'; DROP TABLE deliveries; --",
    "&amp;&lt;&#0;&#x110000;&#xD800;",
    "]]>",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "\r\n\r\nX-Injected: 1",
    "🇷🇺🇺🇸👨‍👩‍👧",
    "ẞ" * 3,
    "\u0301" * 50,
    "a" * 5000,
]
NASTY_URLS = [
    "http://[::1",
    "https://a.example:99999/x",
    "javascript:alert(1)",
    "http://exa mple.com/",
    "https://例え.jp/パス?q=1#f",
    "//no-scheme.example/x",
    "http://127.0.0.1:0/",
    "https://news.example/a?utm_source=x&id=1#frag",
    "ftp://x.example/f",
    "http://user:pw@host.example/",
    "https://%zz.example/",
    "http://" + "a" * 300 + ".example/",
]

texts = st.one_of(st.text(max_size=24), st.sampled_from(NASTY_STRINGS))
urls = st.one_of(
    st.sampled_from(NASTY_URLS), st.text(max_size=24), st.builds("https://news.example/{}".format, st.text(max_size=12))
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
json_values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(texts, scalars, max_size=3))
"""Arbitrary JSON two levels deep: enough to put a list or object where a string belongs
(deeper nesting is the hostile corpus's job, and costs generation time here)."""
loose = st.one_of(texts, texts, texts, json_values)
"""A field's value: usually a string, sometimes anything at all."""


def shaped(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict with some of ``fields`` (each value hostile), maybe one extra junk key."""
    junk = st.one_of(st.just({}), st.just({}), st.dictionaries(texts, scalars, max_size=1))
    return st.tuples(st.fixed_dictionaries({}, optional=fields), junk).map(lambda pair: {**pair[1], **pair[0]})


def json_bytes(values: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    """JSON text of ``values`` (lone surrogates come out as ``\\ud800`` escapes, as on the wire),
    or now and then raw bytes that are not JSON at all."""
    encoded = values.map(lambda value: json.dumps(value, allow_nan=True).encode())
    return st.one_of(
        encoded, encoded, encoded, st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())
    )


MARKUP = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<?xml version="1.0" encoding="iso-8859-1"?>',
    '<rss version="2.0">',
    "</rss>",
    "<channel>",
    "</channel>",
    "<item>",
    "</item>",
    "<title>",
    "</title>",
    "<link>",
    "</link>",
    "<guid>",
    "</guid>",
    "<description>",
    "</description>",
    "<pubDate>",
    "</pubDate>",
    "<![CDATA[",
    "]]>",
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    "</feed>",
    "<entry>",
    "</entry>",
    '<content type="html">',
    "</content>",
    '<link href="',
    '"/>',
    "<updated>",
    "</updated>",
    "<id>",
    "</id>",
    "<author><name>",
    "</name></author>",
    '<!DOCTYPE r [<!ENTITY a "aaaa">]>',
    "&a;",
    "&amp;",
    "&#0;",
    "&#x1F600;",
    "<!-- c -->",
    "<x:y xmlns:x='u'>",
    "</x:y>",
    "<",
    ">",
    "&",
    "\x00",
    "\xff",
    "Mon, 32 Dec 2025 25:61:00 +9999",
    "2025-13-45T99:99:99Z",
]
feed_bodies = st.one_of(
    st.lists(st.one_of(st.sampled_from(MARKUP), texts, urls), max_size=25).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    ),
    st.binary(max_size=300),
)

TELEGRAM_MARKUP = [
    '<div class="tgme_widget_message" data-post="chan/1">',
    '<div class="tgme_widget_message" data-post="">',
    '<div class="tgme_widget_message js-widget_message" data-post="chan/2">',
    '<div class="tgme_widget_message_text">',
    '<div class="tgme_widget_message_text js-message_text">',
    '<div class="tgme_widget_message_reply">',
    '<span class="tgme_widget_message_owner_name">',
    "</span>",
    "</div>",
    "<br>",
    "<br/>",
    "<p>",
    "</p>",
    '<time datetime="2025-12-22T18:00:00+00:00" class="time">',
    '<time datetime="not a date" class="time">',
    "</time>",
    '<div class="tgme_channel_info">',
    "<script>alert(1)</script>",
    "<style>*{}</style>",
    "<!--",
    "-->",
    "&#0;",
    "&nbsp;",
    "<div>",
    "</p></p></div></div>",
    "<a href='javascript:alert(1)'>",
    "</a>",
    "<",
    "&",
]
telegram_pages = st.one_of(
    st.lists(st.one_of(st.sampled_from(TELEGRAM_MARKUP), texts), max_size=30).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    ),
    st.binary(max_size=300),
)
