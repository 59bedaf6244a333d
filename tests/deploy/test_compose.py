"""docker-compose.yml is valid and describes the production topology (no engine needed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

COMPOSE = REPO_ROOT / "docker-compose.yml"
TOCSIN_SERVICES = {"ingest", "detect", "alert", "api"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_docker_compose_accepts_the_file() -> None:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.skip("docker-compose is not installed (.ci/run installs Debian's package)")
    result = subprocess.run(
        [binary, "-f", str(COMPOSE), "config", "-q"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_every_service_is_supervised_and_health_checked(compose: dict) -> None:
    services = compose["services"]
    assert {"kafka", "postgres", *TOCSIN_SERVICES} <= set(services)
    for name in ("kafka", "postgres", *TOCSIN_SERVICES):
        service = services[name]
        assert service.get("restart") == "unless-stopped", name
        assert "healthcheck" in service and service["healthcheck"]["test"], name


def test_tocsin_services_share_one_image_and_env_file(compose: dict) -> None:
    services = compose["services"]
    images = {services[name]["image"] for name in TOCSIN_SERVICES}
    assert len(images) == 1
    for name in TOCSIN_SERVICES:
        service = services[name]
        assert service["command"][0] == name
        assert service["env_file"] == "deploy/tocsin.env"
        assert (REPO_ROOT / service["build"]["dockerfile"]).exists()
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["detect"]["scale"] == 2


def test_single_node_kafka_runs_kraft_with_replication_one(compose: dict) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    environment = kafka["environment"]
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    for key in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_DEFAULT_REPLICATION_FACTOR",
    ):
        assert environment[key] == 1, key


def test_env_file_points_services_at_compose_kafka_and_postgres() -> None:
    env = dict(
        line.split("=", 1)
        for line in (REPO_ROOT / "deploy" / "tocsin.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert env["TOCSIN_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env["TOCSIN_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "@postgres:5432/" in env["TOCSIN_DATABASE_URL"]


def test_postgres_keeps_data_in_a_named_volume(compose: dict) -> None:
    volumes = compose["services"]["postgres"]["volumes"]
    assert any(v.split(":")[0] in compose["volumes"] for v in volumes)


def test_dockerfile_runs_as_non_root_with_tocsin_entrypoint() -> None:
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text()
    assert dockerfile.count("FROM ") >= 2, "multi-stage build expected"
    assert "\nUSER tocsin" in dockerfile
    assert 'ENTRYPOINT ["tocsin"]' in dockerfile


def _files_compose_needs(compose: dict) -> set[str]:
    """Host paths the compose file mounts (``./x:/y``) or reads as ``env_file``."""
    needed: set[str] = set()
    for service in compose["services"].values():
        env_files = service.get("env_file", [])
        needed.update([env_files] if isinstance(env_files, str) else env_files)
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source", "")
            if source.startswith((".", "/")):
                needed.add(source)
    return {str(Path(path)) for path in needed}


def test_every_file_compose_mounts_or_reads_is_committed(compose: dict) -> None:
    """A fresh clone must hold what `docker compose up` mounts: an ignored file is missing."""
    needed = _files_compose_needs(compose)
    assert "deploy/tocsin.yaml" in needed and "deploy/tocsin.env" in needed
    tracked = subprocess.run(
        ["git", "ls-files", "--", *sorted(needed)], capture_output=True, text=True, cwd=REPO_ROOT, check=True
    ).stdout.split()
    assert set(tracked) == needed, f"not committed: {sorted(needed - set(tracked))}"
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "--", *sorted(needed)], capture_output=True, text=True, cwd=REPO_ROOT
    ).stdout.split()
    assert ignored == [], f".gitignore would hide {ignored} from a new commit"
