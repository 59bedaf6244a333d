"""Which due deliveries may start now: bounds per endpoint, per tenant and in all, and breakers.

Why: the dispatcher used to share one pool of 50 slots across every endpoint, so sixty
webhooks that never answer (each attempt holding a slot for the 15 s timeout) delayed every
other tenant's alerts from 0.7 s to 55 s and more (issue 19). With a bound per tenant, a
tenant's dead endpoints can hold at most that many slots; the rest stay free for others.
A bound per endpoint keeps one endpoint from using its whole tenant's share, and an open
circuit (:mod:`alerts.breaker`) stops a dead endpoint from being tried on every alert.

:func:`admit` is a pure decision over the candidates, the current load and the circuits,
and gives a reason for each refusal, so the dispatcher only carries it out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from alerts.breaker import CLOSED, CircuitView, EndpointKey, State


@dataclass(frozen=True)
class DeliveryLimits:
    """How many attempts may be in flight at once: in all, per tenant, per endpoint."""

    total: int = 50
    per_tenant: int = 10
    per_endpoint: int = 5

    def for_endpoint(self, circuit: CircuitView) -> int:
        """A half-open circuit lets exactly one probe through."""
        return 1 if circuit.state is State.HALF_OPEN else self.per_endpoint


@dataclass(frozen=True)
class Due:
    """A due outbox row, with the tenant its subscription belongs to."""

    delivery_id: str
    subscription_id: str
    channel: str
    tenant: str

    @property
    def endpoint(self) -> EndpointKey:
        return (self.subscription_id, self.channel)


@dataclass(frozen=True)
class Admission:
    """The decision for one candidate. ``defer_until`` is set when its circuit is open: the
    endpoint's due rows should wait until then instead of being considered on every tick."""

    due: Due
    admitted: bool
    reason: str = ""
    defer_until: float | None = None


@dataclass
class Load:
    """Attempts in flight on this instance, counted the ways the limits are expressed."""

    total: int = 0
    by_tenant: Counter[str] = field(default_factory=Counter)
    by_endpoint: Counter[EndpointKey] = field(default_factory=Counter)

    def add(self, due: Due) -> None:
        self.total += 1
        self.by_tenant[due.tenant] += 1
        self.by_endpoint[due.endpoint] += 1

    def remove(self, due: Due) -> None:
        self.total -= 1
        self.by_tenant[due.tenant] -= 1
        self.by_endpoint[due.endpoint] -= 1
        self.by_tenant += Counter()  # drops zero counts, so idle tenants and endpoints are forgotten
        self.by_endpoint += Counter()

    def copy(self) -> Load:
        return Load(self.total, Counter(self.by_tenant), Counter(self.by_endpoint))

    def full_tenants(self, limits: DeliveryLimits) -> set[str]:
        """Tenants at their bound: none of their rows can start, so none need be fetched."""
        return {tenant for tenant, count in self.by_tenant.items() if count >= limits.per_tenant}

    def full_endpoints(self, limits: DeliveryLimits, circuit: Callable[[EndpointKey], CircuitView]) -> set[EndpointKey]:
        return {
            endpoint for endpoint, count in self.by_endpoint.items() if count >= limits.for_endpoint(circuit(endpoint))
        }


def admit(
    candidates: Sequence[Due],
    load: Load,
    limits: DeliveryLimits,
    circuit: Callable[[EndpointKey], CircuitView] = lambda endpoint: CLOSED,
) -> list[Admission]:
    """Decides, in the candidates' order (oldest due first), which may start now.

    Does not change ``load``; counts what it admits on a copy so that one call never admits
    past a bound.
    """
    counted = load.copy()
    decisions: list[Admission] = []
    for due in candidates:
        view = circuit(due.endpoint)
        if view.state is State.OPEN:
            decisions.append(Admission(due, False, f"circuit open: {view.reason}", defer_until=view.reopens_at))
        elif counted.total >= limits.total:
            decisions.append(Admission(due, False, f"all {limits.total} delivery slots busy"))
        elif counted.by_tenant[due.tenant] >= limits.per_tenant:
            decisions.append(Admission(due, False, f"tenant {due.tenant!r} has {limits.per_tenant} attempts in flight"))
        elif counted.by_endpoint[due.endpoint] >= limits.for_endpoint(view):
            limit = limits.for_endpoint(view)
            decisions.append(Admission(due, False, f"endpoint has {limit} attempt(s) in flight ({view.state})"))
        else:
            counted.add(due)
            decisions.append(Admission(due, True))
    return decisions


def deferrals(decisions: Iterable[Admission]) -> dict[EndpointKey, float]:
    """The endpoints whose circuit is open, and until when their due rows should wait."""
    out: dict[EndpointKey, float] = {}
    for decision in decisions:
        if decision.defer_until is not None:
            out[decision.due.endpoint] = decision.defer_until
    return out
