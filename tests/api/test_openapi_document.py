"""The OpenAPI document describes every route: a tag, a real summary, and its error answers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.api.app import create_app
from services.platform.config import Settings

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("openapi")
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        return create_app(Settings(database={"url": f"sqlite+aiosqlite:///{folder / 'api.db'}"})).openapi()
    finally:
        os.chdir(cwd)


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield method.upper(), path, operation


def test_every_route_has_a_tag_and_a_written_summary(document: dict) -> None:
    for method, path, operation in _operations(document):
        assert operation.get("tags"), (method, path)
        summary = operation.get("summary", "")
        generated = operation["operationId"].split("_v1")[0].split("_healthz")[0].replace("_", " ").title()
        assert summary and summary != generated and summary[0].isupper(), (method, path, summary)


def test_every_route_documents_its_error_answers(document: dict) -> None:
    schemas = document["components"]["schemas"]
    assert "ErrorAnswer" in schemas
    for method, path, operation in _operations(document):
        codes = set(operation["responses"])
        if operation.get("security"):
            assert {"401", "429"} <= codes, (method, path)
        if "{" in path:
            assert {"404", "422"} <= codes, (method, path)
        if "requestBody" in operation:
            assert "422" in codes, (method, path)
        if path.startswith(("/v1/sources", "/v1/patterns")):
            assert "403" in codes, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("PUT", "/v1/subscriptions/{subscription_id}", "409"),
        ("POST", "/v1/sources", "409"),
        ("DELETE", "/v1/sources/{source_id}", "409"),
        ("POST", "/v1/subscriptions/{subscription_id}/rotate-secret", "409"),
    ],
)
def test_conflicts_are_documented(document: dict, method: str, path: str, code: str) -> None:
    assert code in document["paths"][path][method.lower()]["responses"]
