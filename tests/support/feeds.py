"""Builds small RSS documents for tests."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape


def rss_with_article(title: str, article: str, link: str, guid: str) -> bytes:
    """An RSS 2.0 feed with one item whose description holds ``article`` as HTML paragraphs."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in article.splitlines() if line.strip())
    published = format_datetime(datetime(2025, 12, 22, 18, 0, tzinfo=timezone.utc))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Test wire</title>
    <link>http://127.0.0.1/</link>
    <description>Feed for Tocsin tests</description>
    <item>
      <title>{escape(title)}</title>
      <link>{escape(link)}</link>
      <guid isPermaLink="false">{escape(guid)}</guid>
      <pubDate>{published}</pubDate>
      <description>{escape(paragraphs)}</description>
    </item>
  </channel>
</rss>
""".encode()
