"""deploy/README.md stays true to the files it describes: the migration Job, the bench commands."""

from __future__ import annotations

import re

import yaml

from tests.conftest import REPO_ROOT

GUIDE = REPO_ROOT / "deploy" / "README.md"


def _yaml_blocks(text: str) -> list[dict]:
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.S)
    return [yaml.safe_load(re.sub(r"^  ", "", block, flags=re.M)) for block in blocks]


def test_migration_job_runs_db_upgrade_with_the_deployments_secret_and_user() -> None:
    jobs = [block for block in _yaml_blocks(GUIDE.read_text()) if block.get("kind") == "Job"]
    assert len(jobs) == 1
    pod = jobs[0]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == ["db", "upgrade"]
    secrets = {ref["secretRef"]["name"] for ref in container["envFrom"]}
    config = list(yaml.safe_load_all((REPO_ROOT / "deploy" / "k8s" / "config.yaml").read_text()))
    assert secrets == {doc["metadata"]["name"] for doc in config if doc["kind"] == "Secret"}
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text()
    assert f"--uid {pod['securityContext']['runAsUser']}" in dockerfile


def test_every_benchmark_the_guide_cites_exists() -> None:
    cited = set(re.findall(r"bench/[a-z_]+\.py", GUIDE.read_text()))
    assert cited, "the sizing table cites no benchmark"
    assert all((REPO_ROOT / path).is_file() for path in cited), cited
