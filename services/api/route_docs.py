"""Every route's summary and error answers, written into the OpenAPI document in one place.

Why here rather than on each decorator: the errors a route can answer follow from what it
depends on — a token (401, 429), an admin token (403), an id in the path (404), input
(422) — and FastAPI only documents 422 on its own. Deriving them from the route's
dependencies keeps the document true when a route changes; the few answers that come from
the route's own logic (409, 503) and the human summaries are listed below by route.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter
from pydantic import BaseModel, Field

from services.api.deps import admin_principal, current_principal

SUMMARIES: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): "Is the process up",
    ("GET", "/readyz"): "Is every service ready",
    ("GET", "/metrics"): "Prometheus metrics",
    ("GET", "/v1/whoami"): "Who this token belongs to",
    ("GET", "/v1/subscriptions"): "List your subscriptions",
    ("POST", "/v1/subscriptions"): "Create a subscription (the webhook secret is shown once)",
    ("GET", "/v1/subscriptions/{subscription_id}"): "Read one subscription",
    ("PUT", "/v1/subscriptions/{subscription_id}"): "Replace a subscription's filters and channels",
    ("DELETE", "/v1/subscriptions/{subscription_id}"): "Delete a subscription",
    ("POST", "/v1/subscriptions/{subscription_id}/rotate-secret"): "Rotate the webhook secret",
    ("POST", "/v1/subscriptions/{subscription_id}/test"): "Send a signed test event to the webhook",
    ("GET", "/v1/detections"): "What the pipeline found lately, subscribed or not",
    ("GET", "/v1/stories"): "Search stories, newest first",
    ("GET", "/v1/stories/timeline"): "Stories per day per pattern",
    ("GET", "/v1/stories/map"): "Stories per country",
    ("GET", "/v1/stories/{story_id}"): "Read one story with its evidence and deliveries",
    ("GET", "/v1/deliveries"): "Deliveries that failed and are not through",
    ("GET", "/v1/alerts"): "Search alerts",
    ("GET", "/v1/alerts/{alert_id}"): "Read one alert with its evidence",
    ("GET", "/v1/alerts/{alert_id}/deliveries"): "An alert's delivery attempts",
    ("GET", "/v1/deliveries/{delivery_id}"): "Read one delivery",
    ("POST", "/v1/deliveries/{delivery_id}/resend"): "Send a delivery again",
    ("POST", "/v1/endpoints/{subscription_id}/recover"): "Resume a paused webhook endpoint",
    ("GET", "/v1/silences"): "List silences",
    ("POST", "/v1/silences"): "Silence matching alerts for a while",
    ("GET", "/v1/silences/{silence_id}"): "Read one silence",
    ("PUT", "/v1/silences/{silence_id}"): "Change a silence",
    ("DELETE", "/v1/silences/{silence_id}"): "End a silence now",
    ("GET", "/v1/stream"): "Live alerts as server-sent events",
    ("GET", "/v1/sources"): "List sources with their status",
    ("POST", "/v1/sources"): "Add a source",
    ("GET", "/v1/sources/{source_id}"): "Read one source",
    ("PUT", "/v1/sources/{source_id}"): "Replace a source",
    ("DELETE", "/v1/sources/{source_id}"): "Remove a source",
    ("GET", "/v1/sources/{source_id}/status"): "A source's polling status",
    ("GET", "/v1/patterns"): "List detection patterns",
    ("GET", "/v1/patterns/{pattern_id}"): "Read one pattern",
    ("POST", "/v1/patterns/validate"): "Check a pattern file without installing it",
    ("POST", "/v1/patterns/backtest"): "Replay archived documents through a draft pattern or threshold",
    ("POST", "/v1/analyze"): "Detections in a text, an article or a feed",
}

# Answers that come from a route's own logic rather than from what it depends on.
OWN_ANSWERS: dict[tuple[str, str], dict[int, str]] = {
    ("GET", "/readyz"): {503: "a service is not ready; the body says which"},
    ("PUT", "/v1/subscriptions/{subscription_id}"): {409: "the subscription comes from the config file"},
    ("DELETE", "/v1/subscriptions/{subscription_id}"): {409: "the subscription comes from the config file"},
    ("POST", "/v1/subscriptions/{subscription_id}/rotate-secret"): {
        409: "the subscription comes from the config file, or has no webhook"
    },
    ("POST", "/v1/subscriptions/{subscription_id}/test"): {409: "the subscription has no webhook"},
    ("POST", "/v1/sources"): {409: "a source with this id exists", 503: "the sources topic is unavailable"},
    ("PUT", "/v1/sources/{source_id}"): {
        409: "the source comes from the config file",
        503: "the sources topic is unavailable",
    },
    ("DELETE", "/v1/sources/{source_id}"): {
        409: "the source comes from the config file",
        503: "the sources topic is unavailable",
    },
}

DESCRIPTIONS = {
    401: "missing or invalid API token",
    403: "this needs an admin token",
    404: "not found, or not yours (the same answer either way)",
    422: "the request does not validate; `detail` names each field",
    429: "too many requests, or too many refused tokens; see Retry-After",
}


class ErrorAnswer(BaseModel):
    """Every error's body: a message, or for 422 a list naming each field."""

    detail: str | list[dict[str, Any]] = Field(description="what went wrong")


def _depends_on(route: APIRoute, call: object) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if dependency.call is call:
            return True
        stack.extend(dependency.dependencies)
    return False


def error_answers(route: APIRoute, method: str) -> dict[int, str]:
    """The error statuses ``route`` can answer, each with why."""
    answers: dict[int, str] = {}
    if _depends_on(route, current_principal):
        answers[401] = DESCRIPTIONS[401]
        answers[429] = DESCRIPTIONS[429]
    if _depends_on(route, admin_principal):
        answers[403] = DESCRIPTIONS[403]
    if route.dependant.path_params:
        answers[404] = DESCRIPTIONS[404]
    if route.dependant.path_params or route.dependant.query_params or route.dependant.body_params:
        answers[422] = DESCRIPTIONS[422]
    answers.update(OWN_ANSWERS.get((method, route.path), {}))
    return dict(sorted(answers.items()))


def document_routes(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Writes each route's summary and error answers into ``app``'s OpenAPI document.

    ``routers`` are the routers the app includes: their routes still carry their
    dependencies, from which the answers are derived. The document is patched once, when
    FastAPI first builds it.
    """
    answers: dict[tuple[str, str], dict[int, str]] = {}
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                for method in (route.methods or set()) - {"HEAD", "OPTIONS"}:
                    answers[(method, route.path)] = error_answers(route, method)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None and app.openapi_schema.get("x-tocsin-documented"):
            return app.openapi_schema
        document = build()
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorAnswer"] = ErrorAnswer.model_json_schema(ref_template="#/components/schemas/{model}")
        reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorAnswer"}}}
        for path, operations in document.get("paths", {}).items():
            for method, operation in operations.items():
                key = (method.upper(), path)
                if key in SUMMARIES:
                    operation["summary"] = SUMMARIES[key]
                responses = operation.setdefault("responses", {})
                for status, description in answers.get(key, {}).items():
                    # FastAPI's own 422 (HTTPValidationError) is kept: it is the same shape, spelt out.
                    responses.setdefault(str(status), {"description": description, "content": reference})
        document["x-tocsin-documented"] = True
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
