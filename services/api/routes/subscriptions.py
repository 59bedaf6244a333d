"""``/v1/subscriptions``: a tenant's subscriptions; the webhook secret is shown only on create and rotate."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Response, status
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from alerts import catalogue as store
from alerts.signing import generate_webhook_secret
from models import Subscription
from models.severity import Severity
from models.subscription import Duration
from services.api.contract import refuse_unknown_patterns
from services.api.deps import Caller, Ctx, not_found
from services.api.webhook_probe import send_test_event
from services.platform.netguard import ForbiddenTarget
from services.platform.outbound import mask_channel, refuse_internal, unmask_channels

router = APIRouter(prefix="/v1/subscriptions", tags=["subscriptions"])
MAX_PREVIOUS_SECRETS = 1


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: HttpUrl


class SubscriptionIn(BaseModel):
    """Filters (empty means any) and channels. The secret is generated, never sent in."""

    model_config = ConfigDict(extra="forbid")

    patterns: list[str] = Field(default_factory=list, max_length=100)
    countries: list[str] = Field(default_factory=list, max_length=300)
    actors: list[str] = Field(default_factory=list, max_length=200)
    keywords: list[str] = Field(default_factory=list, max_length=200)
    aliases: dict[str, list[str]] = Field(default_factory=dict)
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    min_severity: Severity = "alert"
    languages: list[str] = Field(default_factory=list, max_length=50)
    sources: list[str] = Field(default_factory=list, max_length=500)
    group_wait: Duration = Field(default=0.0, ge=0.0, le=86400.0)
    group_interval: Duration = Field(default=300.0, ge=0.0, le=7 * 86400.0)
    repeat_interval: Duration = Field(default=4 * 3600.0, ge=0.0, le=30 * 86400.0)
    webhook: WebhookIn | None = None
    channels: list[str] = Field(default_factory=list, max_length=20, description="apprise or smtp:// URLs")


class WebhookOut(BaseModel):
    url: str
    rotating: bool = Field(description="older secrets still sign during a rotation")


class SubscriptionOut(BaseModel):
    id: str
    tenant: str
    origin: Literal["config", "api"] = Field(description="config-file subscriptions are read-only here")
    patterns: list[str]
    countries: list[str]
    actors: list[str]
    keywords: list[str]
    aliases: dict[str, list[str]]
    min_confidence: float
    min_severity: str
    languages: list[str]
    sources: list[str]
    group_wait: float
    group_interval: float
    repeat_interval: float
    webhook: WebhookOut | None
    channels: list[str] = Field(description="channel URLs with passwords, tokens and paths masked")


class SubscriptionWithSecret(SubscriptionOut):
    secret: str | None = Field(description="the webhook signing secret; shown this once")


class TestResult(BaseModel):
    delivered: bool
    webhook_id: str
    status_code: int | None = None
    error: str | None = None


def public(subscription: Subscription, origin: str = "api") -> SubscriptionOut:
    data = subscription.model_dump(mode="json", exclude={"webhook"})
    webhook = None
    if subscription.webhook is not None:
        webhook = WebhookOut(url=str(subscription.webhook.url), rotating=bool(subscription.webhook.previous_secrets))
    data["channels"] = [mask_channel(url) for url in subscription.channels]  # credentials never leave in full
    return SubscriptionOut(**data, origin=origin, webhook=webhook)


def _configured(ctx: Ctx, tenant: str, subscription_id: str | None = None) -> list[Subscription]:
    return [
        sub
        for sub in ctx.settings.subscriptions
        if sub.tenant == tenant and (subscription_id is None or sub.id == subscription_id)
    ]


async def _editable(ctx: Ctx, tenant: str, subscription_id: str) -> Subscription:
    """The tenant's API subscription; 409 for a config-file one, 404 for anything else."""
    if _configured(ctx, tenant, subscription_id):
        raise HTTPException(409, "this subscription comes from the config file; change it there")
    existing = await store.get_for_tenant(ctx.db, tenant, subscription_id)
    if existing is None:
        raise not_found("subscription")
    return existing


def _build(ident: str, tenant: str, body: SubscriptionIn, secret: str | None, previous: list[str]) -> Subscription:
    data = body.model_dump(mode="json", exclude={"webhook"})
    if body.webhook is not None:
        data["webhook"] = {
            "url": str(body.webhook.url),
            "secret": secret or generate_webhook_secret(),
            "previous_secrets": previous,
        }
    try:
        return Subscription.model_validate({"id": ident, "tenant": tenant, **data})
    except ValidationError as exc:
        raise HTTPException(
            422,
            [
                {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                for e in exc.errors(include_url=False, include_context=False)
            ],
        ) from None


def _forbidden(loc: list[str | int], message: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["body", *loc], "msg": message, "type": "value_error"}])


async def _refuse_internal(body: SubscriptionIn, allow_private: bool) -> None:
    """Refuses any outbound URL (webhook, chat, mail) whose host is internal: an IP literal,
    ``localhost``, no host at all, or a name that resolves to an internal address now.
    Names are checked again, and pinned, on every delivery by the alerter."""
    urls: list[tuple[list[str | int], str]] = [(["channels", i], url) for i, url in enumerate(body.channels)]
    if body.webhook is not None:
        url = str(body.webhook.url)
        host = (urlsplit(url).hostname or "").strip("[]").lower()
        try:
            host.encode("idna")
        except UnicodeError:
            raise _forbidden(
                ["webhook", "url"], "the host name is not valid (a label is empty or over 63 characters)"
            ) from None
        urls.insert(0, (["webhook", "url"], url))
    for loc, url in urls:
        try:
            await refuse_internal(url, allow_private)
        except ForbiddenTarget as exc:
            raise _forbidden(loc, f"forbidden target: {exc}") from None


def _secret(subscription: Subscription) -> str | None:
    return subscription.webhook.secret.get_secret_value() if subscription.webhook is not None else None


@router.get("", response_model=list[SubscriptionOut])
async def list_subscriptions(ctx: Ctx, caller: Caller) -> list[SubscriptionOut]:
    """The tenant's subscriptions: the config file's (read-only) first, then the API's."""
    return [
        *(public(sub, "config") for sub in _configured(ctx, caller.tenant)),
        *(public(sub) for sub in await store.list_for_tenant(ctx.db, caller.tenant)),
    ]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SubscriptionWithSecret)
async def create_subscription(ctx: Ctx, caller: Caller, body: SubscriptionIn) -> SubscriptionWithSecret:
    """Creates a subscription. The response carries the webhook secret, which is never shown again.

    409 when the tenant already has ``tenants.max_subscriptions`` (config file and API together).
    """
    await _refuse_internal(body, ctx.settings.security.allow_private_targets)
    refuse_unknown_patterns(ctx.settings, body.patterns, "patterns")
    subscription = _build(store.new_subscription_id(), caller.tenant, body, None, [])
    try:
        await store.create(
            ctx.db,
            subscription,
            limit=ctx.settings.tenants.max_subscriptions,
            configured=len(_configured(ctx, caller.tenant)),
        )
    except store.TooManySubscriptions as exc:
        raise HTTPException(409, str(exc)) from None
    await ctx.catalog.refresh()
    return SubscriptionWithSecret(**public(subscription).model_dump(), secret=_secret(subscription))


@router.get("/{subscription_id}", response_model=SubscriptionOut)
async def get_subscription(ctx: Ctx, caller: Caller, subscription_id: str) -> SubscriptionOut:
    for configured in _configured(ctx, caller.tenant, subscription_id):
        return public(configured, "config")
    subscription = await store.get_for_tenant(ctx.db, caller.tenant, subscription_id)
    if subscription is None:
        raise not_found("subscription")
    return public(subscription)


@router.put("/{subscription_id}", response_model=SubscriptionOut)
async def replace_subscription(ctx: Ctx, caller: Caller, subscription_id: str, body: SubscriptionIn) -> SubscriptionOut:
    """Replaces filters and channels; an existing webhook keeps its secret."""
    existing = await _editable(ctx, caller.tenant, subscription_id)
    body = body.model_copy(update={"channels": unmask_channels(body.channels, existing.channels)})
    await _refuse_internal(body, ctx.settings.security.allow_private_targets)
    previous = [s.get_secret_value() for s in existing.webhook.previous_secrets] if existing.webhook else []
    refuse_unknown_patterns(ctx.settings, body.patterns, "patterns")
    subscription = _build(subscription_id, caller.tenant, body, _secret(existing), previous)
    await store.save(ctx.db, subscription)
    await ctx.catalog.refresh()
    return public(subscription)


@router.delete("/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_subscription(ctx: Ctx, caller: Caller, subscription_id: str) -> Response:
    await _editable(ctx, caller.tenant, subscription_id)
    if not await store.delete(ctx.db, caller.tenant, subscription_id):
        raise not_found("subscription")
    await ctx.catalog.refresh()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{subscription_id}/rotate-secret", response_model=SubscriptionWithSecret)
async def rotate_secret(ctx: Ctx, caller: Caller, subscription_id: str) -> SubscriptionWithSecret:
    """A new signing secret, shown once. The old one keeps signing too (two signatures per
    delivery) until the next rotation, so receivers can switch without a gap."""
    existing = await _editable(ctx, caller.tenant, subscription_id)
    if existing.webhook is None:
        raise HTTPException(409, "this subscription has no webhook, so no secret to rotate")
    old = [
        existing.webhook.secret.get_secret_value(),
        *(s.get_secret_value() for s in existing.webhook.previous_secrets),
    ][:MAX_PREVIOUS_SECRETS]
    fresh = generate_webhook_secret()
    data = existing.model_dump(mode="json", exclude={"webhook"})
    data["webhook"] = {"url": str(existing.webhook.url), "secret": fresh, "previous_secrets": old}
    subscription = Subscription.model_validate(data)
    await store.save(ctx.db, subscription)
    await ctx.catalog.refresh()
    return SubscriptionWithSecret(**public(subscription).model_dump(), secret=fresh)


@router.post("/{subscription_id}/test", response_model=TestResult)
async def test_subscription(ctx: Ctx, caller: Caller, subscription_id: str) -> TestResult:
    """Sends one signed ``alert.test`` event to the webhook now, through the alerter's channel."""
    configured = _configured(ctx, caller.tenant, subscription_id)
    subscription = configured[0] if configured else await store.get_for_tenant(ctx.db, caller.tenant, subscription_id)
    if subscription is None:
        raise not_found("subscription")
    if subscription.webhook is None:
        raise HTTPException(409, "this subscription has no webhook to test")
    outcome = await send_test_event(ctx.settings, subscription, ctx.clock)
    return TestResult(**outcome)
