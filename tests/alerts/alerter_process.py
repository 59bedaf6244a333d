"""``python -m tests.alerts.alerter_process CONFIG``: one alerter in its own process.

Used by the crash test, which SIGKILLs it mid-delivery; SIGTERM stops it cleanly.
"""

from __future__ import annotations

import asyncio
import signal
import sys

from alerts import run_alerter
from services.platform.config import load_settings
from services.platform.log import configure_logging


async def main(path: str) -> None:
    settings = load_settings(path)
    configure_logging("json", "INFO")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await run_alerter(settings, stop)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
