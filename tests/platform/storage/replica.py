"""A stand-in for one Tocsin process, run as ``python -m tests.platform.storage.replica``.

The concurrency tests start several of these at once: each loads its modules, says it is
ready (a file), waits for the shared go signal (another file), then does the one thing
every replica does on start (``migrate``) or the alerter's claim-and-deliver loop (``claim``).
Waiting for the go signal lines the processes up so they really race.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path

from alerts.outbox import claim_due, record_attempt
from alerts.tables import DELIVERED
from services.platform.storage import SchemaError, open_database

GO_TIMEOUT = 30.0
CLAIM_LIMIT = 5
LEASE_SECONDS = 600.0
EMPTY_CLAIMS_TO_STOP = 3


async def _wait_for_go(ready: Path, go: Path) -> None:
    ready.touch()
    deadline = time.monotonic() + GO_TIMEOUT
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go signal")
        await asyncio.sleep(0.005)


async def migrate(url: str, ready: Path, go: Path) -> int:
    db = open_database(url)
    try:
        await _wait_for_go(ready, go)
        try:
            await db.create_schema()
        except SchemaError as exc:
            print(f"refused: {exc}")
            return 3
        return 0
    finally:
        await db.close()


async def claim(url: str, ready: Path, go: Path, out: Path) -> int:
    """Claims and "delivers" (records one successful attempt) until nothing is left."""
    owner = f"replica-{os.getpid()}"
    db = open_database(url)
    claimed: list[str] = []
    empty_claims = 0
    try:
        await _wait_for_go(ready, go)
        while empty_claims < EMPTY_CLAIMS_TO_STOP:
            now = time.time()
            rows = await claim_due(db, now=now, owner=owner, lease=LEASE_SECONDS, limit=CLAIM_LIMIT)
            empty_claims = 0 if rows else empty_claims + 1
            for row in rows:
                claimed.append(row.id)
                await record_attempt(
                    db,
                    row,
                    started_at=now,
                    latency_ms=1.0,
                    status_code=200,
                    outcome=DELIVERED,
                    error=None,
                    instance=owner,
                )
            if not rows:
                await asyncio.sleep(0.02)
    finally:
        await db.close()
    out.write_text(json.dumps({"owner": owner, "claimed": claimed}))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["migrate", "claim"])
    parser.add_argument("url")
    parser.add_argument("ready", type=Path)
    parser.add_argument("go", type=Path)
    parser.add_argument("out", type=Path, nargs="?")
    args = parser.parse_args()
    if args.action == "migrate":
        return asyncio.run(migrate(args.url, args.ready, args.go))
    return asyncio.run(claim(args.url, args.ready, args.go, args.out))


if __name__ == "__main__":
    raise SystemExit(main())
