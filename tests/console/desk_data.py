"""A desk's morning, seeded through the alerter's own intake: stories from several outlets and
countries over 30 days, delivered, retrying and dead-lettered, for the console tests and
the screenshots in docs/screenshots/."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, update

from alerts.intake import record_signal
from alerts.tables import DEAD, DELIVERED, PENDING, AttemptRow, DeliveryRow
from models import Detection, DocumentRef, OutletRef, Signal
from models.ids import stable_id
from tests.api.live import LiveApi

DAY = 86400.0


@dataclass(frozen=True)
class Outlet:
    name: str
    counted_as: str = "origin"
    copy_of: str | None = None
    wire: bool = False


@dataclass(frozen=True)
class SeedStory:
    key: str
    pattern: str
    actor: str
    target: str | None
    countries: tuple[str, ...]
    sentence: str
    triggers: tuple[str, ...]
    severity: str
    outlets: tuple[Outlet, ...]
    age_hours: float = 1.0


MORNING = [
    SeedStory(
        "finland",
        "military_buildup",
        "Russia",
        "Finland",
        ("RU", "FI"),
        "Russia has deployed about 40,000 troops and armoured units near the border with Finland, satellite "
        "images show.",
        ("deployed", "troops"),
        "urgent",
        (
            Outlet("reuters.com", wire=True),
            Outlet("bbc.co.uk"),
            Outlet("theguardian.com", "copy", "reuters.com"),
            Outlet("tass.com", "state_media"),
        ),
        0.3,
    ),
    SeedStory(
        "taiwan",
        "military_buildup",
        "China",
        "Taiwan",
        ("CN", "TW"),
        "China sent 45 warplanes and nine warships around Taiwan in the largest drill this year, Taipei said.",
        ("sent", "warplanes", "warships"),
        "flash",
        (
            Outlet("reuters.com", wire=True),
            Outlet("apnews.com", wire=True),
            Outlet("focustaiwan.tw"),
            Outlet("nhk.or.jp"),
            Outlet("scmp.com"),
            Outlet("globaltimes.cn", "state_media"),
        ),
        0.8,
    ),
    SeedStory(
        "guyana",
        "ultimatum",
        "Nicolás Maduro",
        "Guyana",
        ("VE", "GY"),
        "Maduro gave Guyana a 48-hour ultimatum to withdraw from the Essequibo.",
        ("ultimatum",),
        "alert",
        (Outlet("elpais.com"),),
        2.5,
    ),
    SeedStory(
        "pakistan",
        "wire_denial",
        "Pakistan's foreign office",
        "Reuters story",
        ("PK",),
        "Pakistan's foreign office called the Reuters story baseless.",
        ("baseless",),
        "alert",
        (Outlet("dawn.com"),),
        3.0,
    ),
    SeedStory(
        "iran",
        "threat_warning",
        "Iran",
        "Israel",
        ("IR", "IL"),
        "Iran warned Israel of a crushing response if its nuclear sites are attacked.",
        ("warned",),
        "urgent",
        (
            Outlet("afp.com", wire=True),
            Outlet("aljazeera.com"),
            Outlet("timesofisrael.com"),
            Outlet("irna.ir", "state_media"),
        ),
        5.0,
    ),
]
HISTORY_PATTERNS = ["military_buildup", "threat_warning", "wire_denial", "ultimatum", "diplomatic_evacuation"]


HISTORY_TEXT = {
    "military_buildup": (
        "{actor} moved additional troops and armour toward the border, officials said.",
        ("moved", "troops"),
    ),
    "threat_warning": ("{actor} warned of retaliation if the new sanctions go ahead.", ("warned",)),
    "wire_denial": ("{actor}'s foreign ministry denied the report as fabricated.", ("denied", "fabricated")),
    "ultimatum": ("{actor} gave its neighbour 72 hours to pull back its forces.", ("72 hours",)),
    "diplomatic_evacuation": (
        "{actor} ordered non-essential embassy staff to leave the capital.",
        ("ordered", "leave"),
    ),
}


def history() -> list[SeedStory]:
    """Older stories over 30 days, more of them in Russia: what the timeline and map show."""
    out = []
    for n in range(36):
        day = (n * 7) % 29 + 1
        country = ["RU", "RU", "UA", "VE", "CN", "IR"][n % 6]
        pattern = HISTORY_PATTERNS[n % len(HISTORY_PATTERNS)]
        actor = {"RU": "Russia", "UA": "Ukraine", "VE": "Venezuela", "CN": "China", "IR": "Iran"}[country]
        text, triggers = HISTORY_TEXT[pattern]
        out.append(
            SeedStory(
                f"old{n}",
                pattern,
                actor,
                None,
                (country,),
                text.format(actor=actor),
                triggers,
                "urgent" if n % 4 == 0 else "alert",
                (Outlet(["apnews.com", "lemonde.fr", "dw.com", "kyivindependent.com"][n % 4], wire=n % 4 == 0),),
                age_hours=day * 24 + n % 5,
            )
        )
    return out


def signal_of(story: SeedStory, now: float) -> Signal:
    seen = datetime.fromtimestamp(now, timezone.utc)
    detection = Detection(
        pattern=story.pattern,
        sentence=story.sentence,
        start=0,
        end=len(story.sentence),
        triggers=list(story.triggers),
        actor=story.actor,
        target=story.target,
        countries=list(story.countries),
        confidence=0.88,
        rule=f"{story.pattern}.seed",
    )
    first = story.outlets[0]
    document = DocumentRef(
        id=stable_id("doc_", story.key),
        source_id=first.name.split(".")[0],
        url=f"https://www.{first.name}/news/{story.key}",
        title=story.sentence[:60],
    )
    outlets = [
        OutletRef(
            name=o.name,
            url=f"https://www.{o.name}/news/{story.key}",
            independent=o.counted_as == "origin",
            counted_as=o.counted_as,
            copy_of=o.copy_of,
            wire=o.wire,
            evidence=story.sentence
            if i == 0
            else (story.sentence if o.counted_as == "copy" else f"{o.name.split('.')[0].upper()}: {story.sentence}"),
            seen_at=datetime.fromtimestamp(now - (len(story.outlets) - i) * 300, timezone.utc),
        )
        for i, o in enumerate(story.outlets)
    ]
    origins = [o for o in story.outlets if o.counted_as == "origin"]
    wires = sum(1 for o in origins if o.wire)
    copies = sum(1 for o in story.outlets if o.counted_as == "copy")
    state = sum(1 for o in story.outlets if o.counted_as == "state_media")
    reason = f"{len(origins)} independent outlet{'s' if len(origins) != 1 else ''}" + (
        f" ({wires} wire)" if wires else ""
    )
    skipped = [part for part in (f"{copies} copy" if copies else "", f"{state} state media" if state else "") if part]
    if skipped:
        reason += "; not counted: " + ", ".join(skipped)
    return Signal(
        id=stable_id("sig_", story.key),
        type="story.opened",
        document=document,
        detections=[detection],
        story_id=stable_id("story_", story.key),
        severity=story.severity,
        sources=[o.name for o in story.outlets],
        corroboration=len(origins),
        outlets=outlets,
        severity_reason=reason,
        created_at=seen,
    )


DESKS = [
    {"id": "europe-desk", "countries": ["RU", "FI", "UA", "BY"]},
    {"id": "asia-desk", "countries": ["CN", "TW", "PK", "IR", "IL"]},
    {"id": "latam-desk", "countries": ["VE", "GY", "CO"]},
    {"id": "defence-wire", "patterns": ["military_buildup"]},
]
"""Subscriptions as a newsroom names them in tocsin.yaml (tenant ``default``)."""


def desk_subscriptions() -> list[dict]:
    return [
        {
            **desk,
            "group_wait": "0s",
            "group_interval": "0s",
            "webhook": {
                "url": f"https://hooks.example/{desk['id']}",
                "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            },
        }
        for desk in DESKS
    ]


async def seed(live: LiveApi, extra: int = 0) -> dict[str, str]:
    """The morning's stories and a month of history for the configured desks; story ids by key."""
    subs = list(live.settings.subscriptions)
    assert subs, "seed needs the desk_live fixture (tests/console/conftest.py): desks in the configuration"
    now = time.time()
    ids = {}
    stories = [*history(), *MORNING] + [
        SeedStory(
            f"bulk{n}",
            "threat_warning",
            "Belarus",
            None,
            ("BY",),
            f"Belarus warned its neighbours, item {n}.",
            ("warned",),
            "alert",
            (Outlet("belta.by"),),
            age_hours=6 + n * 0.01,
        )
        for n in range(extra)
    ]
    for story in sorted(stories, key=lambda s: -s.age_hours):
        at = now - story.age_hours * 3600
        signal = signal_of(story, at)
        await record_signal(live.db, subs, signal, at)
        ids[story.key] = signal.story_id
    await _outcomes(live, ids, now)
    return ids


async def _outcomes(live: LiveApi, ids: dict[str, str], now: float) -> None:
    """Delivered, mostly; the Guyana ultimatum dead-lettered, the Iran warning still retrying."""
    async with live.db.sessions() as session, session.begin():
        rows = list(await session.scalars(select(DeliveryRow)))
        for row in rows:
            if row.story_id == ids["guyana"]:
                status, tries, error = DEAD, 8, "HTTP 410 Gone from https://hooks.example/latam-desk"
            elif row.story_id == ids["iran"]:
                status, tries, error = PENDING, 3, "no answer within 10s"
            else:
                status, tries, error = DELIVERED, 1, None
            await session.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == row.id)
                .values(
                    status=status,
                    attempts=tries,
                    last_error=error,
                    last_status=410 if status == DEAD else 200,
                    finished_at=None if status == PENDING else row.created_at + 2,
                    next_attempt_at=now + 600 if status == PENDING else None,
                )
            )
            for number in range(1, tries + 1):
                failed = error is not None
                session.add(
                    AttemptRow(
                        delivery_id=row.id,
                        number=number,
                        started_at=row.created_at + number * 60,
                        latency_ms=120.0 + number,
                        status_code=(410 if status == DEAD else None) if failed else 200,
                        outcome=("failed" if status == DEAD else "retry") if failed else DELIVERED,
                        error=error,
                        instance="seed",
                    )
                )
