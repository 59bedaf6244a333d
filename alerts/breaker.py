"""Circuit breakers, one per endpoint: a dead receiver is probed now and then, not on every alert.

Why: an attempt against a receiver that accepts the connection and never answers holds a
delivery slot for the whole timeout (15 s by default). Concurrency bounds keep such an
endpoint from taking other tenants' slots; the breaker also stops it from spending its own
tenant's. After ``failures`` failed attempts in a row the circuit opens: the endpoint's due
deliveries wait (without using up an attempt of their retry schedule) until the cooldown
ends. Then the circuit is half-open and one probe goes out. A success closes it; a failure
opens it again for twice as long, up to ``max_cooldown``.

Only failures that say nothing answered, or that the receiver is unwell (timeouts,
connection errors, 5xx, 429), count. A 4xx is an answer from a live endpoint, and a
delivery refused before sending (a removed subscription, a disabled endpoint) says nothing
about the receiver: both are neutral.

State is in memory, per alerter instance: a restart forgets it, which costs at most
``failures`` more attempts. Every decision takes ``now`` from the caller (no hidden clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import structlog

from alerts.errors import DeliveryError, RetryableError

log = structlog.get_logger(__name__)

EndpointKey = tuple[str, str]
"""(subscription id, channel key): what a breaker and a per-endpoint bound are about."""


class State(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    NEUTRAL = "neutral"


def outcome_of(error: DeliveryError | None, *, sent: bool = True) -> Outcome:
    """What one attempt says about the receiver's health (see the module doc)."""
    if not sent:
        return Outcome.NEUTRAL
    if error is None:
        return Outcome.OK
    return Outcome.FAILED if isinstance(error, RetryableError) else Outcome.NEUTRAL


@dataclass(frozen=True)
class BreakerPolicy:
    failures: int = 3
    cooldown: float = 30.0
    max_cooldown: float = 600.0


@dataclass(frozen=True)
class CircuitView:
    """A circuit as the dispatcher sees it at one instant."""

    state: State
    reopens_at: float | None = None
    reason: str = ""


CLOSED = CircuitView(State.CLOSED)


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None
    cooldown: float = 0.0

    def view(self, now: float) -> CircuitView:
        if self.opened_at is None:
            return CLOSED
        until = self.opened_at + self.cooldown
        if now < until:
            return CircuitView(
                State.OPEN, until, f"{self.failures} failed attempts in a row; next probe at {until:.0f}"
            )
        return CircuitView(State.HALF_OPEN, until, "cooldown over: one probe at a time")


class Breakers:
    """The circuits of every endpoint this instance has seen fail; closed ones are forgotten."""

    def __init__(self, policy: BreakerPolicy = BreakerPolicy()) -> None:
        self.policy = policy
        self._circuits: dict[EndpointKey, _Circuit] = {}

    def view(self, endpoint: EndpointKey, now: float) -> CircuitView:
        circuit = self._circuits.get(endpoint)
        return CLOSED if circuit is None else circuit.view(now)

    def record(self, endpoint: EndpointKey, outcome: Outcome, now: float) -> State:
        """Folds one attempt's outcome into the endpoint's circuit; returns the new state."""
        if outcome is Outcome.NEUTRAL:
            return self.view(endpoint, now).state
        circuit = self._circuits.get(endpoint)
        if outcome is Outcome.OK:
            if circuit is not None and circuit.opened_at is not None:
                log.info("alert.circuit_closed", subscription=endpoint[0], channel=endpoint[1])
            self._circuits.pop(endpoint, None)
            return State.CLOSED
        circuit = self._circuits.setdefault(endpoint, _Circuit())
        circuit.failures += 1
        state = circuit.view(now).state
        if state is State.HALF_OPEN:  # the probe failed: wait longer this time
            self._open(endpoint, circuit, now, min(circuit.cooldown * 2, self.policy.max_cooldown))
        elif state is State.CLOSED and circuit.failures >= self.policy.failures:
            self._open(endpoint, circuit, now, self.policy.cooldown)
        return circuit.view(now).state

    def _open(self, endpoint: EndpointKey, circuit: _Circuit, now: float, cooldown: float) -> None:
        circuit.opened_at, circuit.cooldown = now, cooldown
        log.warning(
            "alert.circuit_opened",
            subscription=endpoint[0],
            channel=endpoint[1],
            failures=circuit.failures,
            cooldown=cooldown,
        )
