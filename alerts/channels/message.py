"""Human-readable renderings of an alert event: markdown for chat, plain text and HTML for mail.

Every rendering carries the same facts in the same order: severity and pattern, headline,
the evidence sentence with the matched words emphasised, actor → target, countries, and
the source links.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_EVIDENCE = 3
MAX_LINKS = 5


@dataclass(frozen=True)
class Message:
    title: str
    markdown: str
    text: str
    html: str


def _unchanged(text: str) -> str:
    return text


def _emphasise(
    sentence: str, words: list[str], before: str, after: str, escape: Callable[[str], str] = _unchanged
) -> str:
    terms = sorted({w for w in words if w.strip()}, key=len, reverse=True)
    if not terms:
        return escape(sentence)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(sentence):
        out.append(escape(sentence[last : match.start()]))
        out.append(before + escape(match.group(0)) + after)
        last = match.end()
    out.append(escape(sentence[last:]))
    return "".join(out)


def _md_escape(text: str) -> str:
    return re.sub(r"([*_`\[\]])", r"\\\1", text)


def render(event: dict[str, Any]) -> Message:
    data = event["data"]
    patterns = ", ".join(data["patterns"]) or "alert"
    documents = data["documents"]
    headline = (documents[0].get("title") if documents else "") or patterns
    verb = "Update" if event["type"] == "alert.updated" else "Alert"
    title = f"[{data['severity'].upper()}] {verb}: {patterns} — {headline}"[:250]
    who = " → ".join(x for x in (data.get("actor"), data.get("target")) if x) or "—"
    countries = ", ".join(data["countries"]) or "—"
    evidence = data["evidence"][:MAX_EVIDENCE]
    links = [d for d in documents if d.get("url")][:MAX_LINKS]

    md = [f"**{_md_escape(title)}**", ""]
    md += [f"> {_emphasise(e['sentence'], e.get('triggers', []), '**', '**', _md_escape)}" for e in evidence]
    md += [
        "",
        f"**Actor → target:** {_md_escape(who)}",
        f"**Countries:** {countries}",
        f"**Confidence:** {data['confidence']:.2f} · **Story:** `{data['story_id']}`",
    ]
    if links:
        md += ["", "**Sources:**"] + [f"- [{_md_escape(d.get('title') or d['url'])}]({d['url']})" for d in links]

    text = [title, ""]
    text += [f"  \u201c{e['sentence']}\u201d" for e in evidence]
    text += [
        "",
        f"Actor -> target: {who}",
        f"Countries: {countries}",
        f"Confidence: {data['confidence']:.2f}",
        f"Story: {data['story_id']}",
    ]
    if links:
        text += ["", "Sources:"] + [f"  - {d.get('title') or ''} <{d['url']}>" for d in links]

    esc = html.escape
    body = [f"<h2>{esc(title)}</h2>"]
    body += [
        f"<blockquote>{_emphasise(e['sentence'], e.get('triggers', []), '<strong>', '</strong>', esc)}</blockquote>"
        for e in evidence
    ]
    body += [
        f"<p><b>Actor → target:</b> {esc(who)}<br><b>Countries:</b> {esc(countries)}<br>"
        f"<b>Confidence:</b> {data['confidence']:.2f}<br><b>Story:</b> {esc(data['story_id'])}</p>"
    ]
    if links:
        body += ["<ul>"] + [f'<li><a href="{esc(d["url"])}">{esc(d.get("title") or d["url"])}</a></li>' for d in links]
        body += ["</ul>"]
    return Message(title=title, markdown="\n".join(md), text="\n".join(text), html="\n".join(body))


def render_payload(payload: str) -> Message:
    return render(json.loads(payload))
