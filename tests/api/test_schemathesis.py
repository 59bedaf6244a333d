"""Schemathesis against the live app: every operation, generated inputs, no server error."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from pathlib import Path

import pytest

from services.api.limits import ApiLimits
from tests.api.live import LiveApi, ServerRun, make_signal, open_live

RUN_BOUND = 300.0
MAX_EXAMPLES = "15"


def _schemathesis() -> str:
    found = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))
    if not Path(found).exists():
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    return found


async def test_no_server_error_anywhere(tmp_path):
    command = _schemathesis()
    settings, db, app = await open_live(
        tmp_path, limits=ApiLimits(rate=10_000, burst=1_000_000, failed_auth_rate=10_000, failed_auth_burst=1_000_000)
    )
    settings.security.allow_private_targets = False  # generated URLs must not reach loopback services
    try:
        async with ServerRun(app) as base_url:
            live = LiveApi(base_url, settings, db)
            token = await live.token("fuzz", admin=True)
            sub = await live.subscription(token, webhook={"url": "https://hooks.example/fuzz"})
            await live.push_alert(sub["id"], make_signal(1))
            process = await asyncio.create_subprocess_exec(
                command,
                "run",
                f"{base_url}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--header",
                f"Authorization: Bearer {token}",
                "--max-examples",
                MAX_EXAMPLES,
                "--seed",
                "1",
                "--exclude-path",
                "/v1/stream",  # an endless event stream; covered by test_alerts
                "--request-timeout",
                "60",  # generous: the first /v1/analyze loads spaCy
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path / "schemathesis"),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                cwd=tmp_path,
            )
            output, _ = await asyncio.wait_for(process.communicate(), RUN_BOUND)
    finally:
        await db.close()
    text = output.decode(errors="replace")
    (tmp_path / "schemathesis.log").write_text(text)
    summary = [
        line.strip(" =")
        for line in text.splitlines()
        if re.search(r"\d+ generated|Tested: \d+|^=+ .* in [\d.]+s =+$", line)
    ]
    print("\nschemathesis: " + " | ".join(summary))
    assert process.returncode == 0, f"full output in {tmp_path / 'schemathesis.log'}\n{text[-5000:]}"
    assert re.search(r"\d+ generated, \d+ passed", text), text[-3000:]
