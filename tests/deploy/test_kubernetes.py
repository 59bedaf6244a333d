"""The Kubernetes manifests parse, are complete, and agree with docker-compose.yml."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import REPO_ROOT

K8S = REPO_ROOT / "deploy" / "k8s"
SERVICES = ("ingest", "detect", "alert", "api")


def _documents() -> list[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs.extend(doc for doc in yaml.safe_load_all(path.read_text()) if doc)
    return docs


@pytest.fixture(scope="module")
def manifests() -> dict[tuple[str, str], dict]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in _documents() if doc["kind"] != "Kustomization"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def test_kustomization_lists_every_manifest_file() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_has_a_deployment_with_probes_and_resources(manifests, compose, service: str) -> None:
    deployment = manifests[("Deployment", f"tocsin-{service}")]
    spec = deployment["spec"]
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "tocsin"
    assert container["args"][0] == compose["services"][service]["command"][0] == service
    for probe in ("readinessProbe", "livenessProbe"):
        assert probe in container, f"{service} lacks {probe}"
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][bound])
    assert spec["template"]["spec"]["securityContext"]["runAsNonRoot"] is True


def test_api_probes_use_readyz_and_healthz_behind_a_service_and_ingress(manifests) -> None:
    container = manifests[("Deployment", "tocsin-api")]["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    service = manifests[("Service", "tocsin-api")]
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "tocsin-api"}
    ingress = manifests[("Ingress", "tocsin-api")]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "tocsin-api"


def test_pod_disruption_budgets_select_existing_deployments(manifests) -> None:
    labels = {
        name: doc["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        for (kind, name), doc in manifests.items()
        if kind == "Deployment"
    }
    budgets = [doc for (kind, _), doc in manifests.items() if kind == "PodDisruptionBudget"]
    assert budgets
    for budget in budgets:
        assert budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] in labels.values()


def test_config_carries_the_same_settings_as_the_compose_env_file(manifests) -> None:
    env_file = {
        line.split("=", 1)[0]
        for line in (REPO_ROOT / "deploy" / "tocsin.env").read_text().splitlines()
        if line and not line.startswith("#")
    }
    config = manifests[("ConfigMap", "tocsin-config")]["data"]
    secret = manifests[("Secret", "tocsin-secrets")]["stringData"]
    assert env_file <= set(config) | set(secret)
    assert "TOCSIN_DATABASE_URL" in secret and "TOCSIN_DATABASE_URL" not in config
    embedded = yaml.safe_load(config["tocsin.yaml"])
    assert embedded["security"]["allow_private_targets"] is False


def test_kustomize_image_matches_the_compose_image(compose) -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    image = kustomization["images"][0]
    assert f"{image['newName']}:{image['newTag']}" == compose["services"]["api"]["image"]
