"""A child that refuses its configuration (exit 2) is not restarted in a loop; others are."""

from __future__ import annotations

import asyncio
import os
import sys

from services.platform.supervisor import Supervisor


async def _watch(supervisor: Supervisor, seconds: float) -> None:
    watcher = asyncio.create_task(supervisor.watch())
    await asyncio.sleep(seconds)
    watcher.cancel()


async def test_exit_2_is_given_up_on_and_reported_once() -> None:
    supervisor = Supervisor(["ingest"], None, {})
    supervisor.children["ingest"].argv = [sys.executable, "-c", "import sys; sys.exit(2)"]
    supervisor.start()
    watcher = asyncio.create_task(supervisor.watch())
    try:
        await asyncio.wait_for(supervisor.gave_up.wait(), 10)
        await asyncio.sleep(2.5)  # long enough for two restarts, were there any
    finally:
        watcher.cancel()
        await supervisor.stop()
    child = supervisor.children["ingest"]
    assert child.restarts == 0 and child.process is None
    assert child.failed == "tocsin ingest refused its configuration (exit 2); not restarted"
    assert supervisor.status()["ingest"]["failed"] == child.failed
    assert not supervisor.all_ready.is_set()


async def test_any_other_exit_is_restarted() -> None:
    supervisor = Supervisor(["alert"], None, {})
    supervisor.children["alert"].argv = [sys.executable, "-c", "import sys; sys.exit(1)"]
    supervisor.start()
    try:
        await _watch(supervisor, 2.5)
    finally:
        await supervisor.stop()
    assert supervisor.children["alert"].restarts >= 1
    assert not supervisor.gave_up.is_set()


async def test_tocsin_run_never_says_ready_when_a_service_refuses_its_config(tmp_path, monkeypatch, capsys) -> None:
    """The whole start-up path: the banner is not printed, the refusal is raised, all is stopped."""
    import pytest

    from services.cli import embedded
    from services.platform.config import Settings
    from tests.api.live import free_port

    class RefusingSupervisor(Supervisor):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.children["ingest"].argv = [sys.executable, "-c", "import sys; sys.exit(2)"]

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(embedded, "Supervisor", RefusingSupervisor)
    settings = Settings(http={"port": free_port()}, database={"url": f"sqlite+aiosqlite:///{tmp_path / 't.db'}"})
    # run_everything exports the embedded broker's address (and the metrics folder) into this
    # process's environment for the API it serves; put it back, or every later test in this
    # process would read a dead broker's address from TOCSIN_KAFKA_BOOTSTRAP.
    saved = dict(os.environ)
    try:
        with pytest.raises(embedded.ServiceRefusedConfig, match="tocsin ingest refused its configuration"):
            await asyncio.wait_for(embedded.run_everything(settings, asyncio.Event()), 120)
        assert os.environ.get("TOCSIN_KAFKA_BOOTSTRAP"), "the embedded broker's address is exported"
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert "Tocsin is running" not in capsys.readouterr().out
