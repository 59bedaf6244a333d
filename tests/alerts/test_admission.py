"""The admission decision and the circuit breaker, as pure functions of their inputs and ``now``."""

from __future__ import annotations

from alerts.admission import DeliveryLimits, Due, Load, admit, deferrals
from alerts.breaker import BreakerPolicy, Breakers, Outcome, State, outcome_of
from alerts.errors import PermanentError, RetryableError

T0 = 1_700_000_000.0


def due(n: int, tenant: str = "noisy", sub: str | None = None, channel: str = "webhook") -> Due:
    return Due(f"msg_{tenant}_{n}", sub or f"{tenant}-{n}", channel, tenant)


class TestAdmit:
    def test_a_tenant_gets_no_more_than_its_bound_and_the_next_tenant_gets_in(self):
        limits = DeliveryLimits(total=50, per_tenant=10, per_endpoint=5)
        candidates = [*(due(n) for n in range(60)), due(0, "quiet")]
        decisions = admit(candidates, Load(), limits)
        admitted = [d.due for d in decisions if d.admitted]
        assert sum(1 for d in admitted if d.tenant == "noisy") == 10
        assert due(0, "quiet") in admitted
        refused = next(d for d in decisions if not d.admitted)
        assert refused.reason == "tenant 'noisy' has 10 attempts in flight" and refused.defer_until is None

    def test_counts_what_is_already_in_flight(self):
        load = Load()
        for n in range(3):
            load.add(due(n, "quiet", sub="one"))
        limits = DeliveryLimits(total=50, per_tenant=10, per_endpoint=3)
        (decision,) = admit([due(9, "quiet", sub="one")], load, limits)
        assert not decision.admitted and "endpoint has 3 attempt(s) in flight" in decision.reason
        assert load.total == 3  # admit never changes the load it is given

    def test_the_total_bound_holds_across_tenants(self):
        limits = DeliveryLimits(total=4, per_tenant=4, per_endpoint=4)
        decisions = admit([due(n, f"t{n}") for n in range(6)], Load(), limits)
        assert [d.admitted for d in decisions] == [True] * 4 + [False] * 2
        assert decisions[-1].reason == "all 4 delivery slots busy"

    def test_open_circuit_defers_its_rows_and_a_half_open_one_lets_one_probe_through(self):
        breakers = Breakers(BreakerPolicy(failures=1, cooldown=30.0))
        breakers.record(("dead", "webhook"), Outcome.FAILED, T0)
        rows = [due(1, "a", sub="dead"), due(2, "a", sub="dead"), due(3, "a", sub="alive")]
        limits = DeliveryLimits()

        now_open = admit(rows, Load(), limits, lambda endpoint: breakers.view(endpoint, T0 + 1))
        assert [d.admitted for d in now_open] == [False, False, True]
        assert deferrals(now_open) == {("dead", "webhook"): T0 + 30}
        assert now_open[0].reason.startswith("circuit open")

        half_open = admit(rows, Load(), limits, lambda endpoint: breakers.view(endpoint, T0 + 31))
        assert [d.admitted for d in half_open] == [True, False, True]
        assert deferrals(half_open) == {}

    def test_full_tenants_and_endpoints_are_named_for_the_query(self):
        load = Load()
        for n in range(10):
            load.add(due(n, "noisy", sub="noisy-a" if n < 5 else f"noisy-{n}"))
        limits = DeliveryLimits(total=50, per_tenant=10, per_endpoint=5)
        assert load.full_tenants(limits) == {"noisy"}
        assert load.full_endpoints(limits, lambda endpoint: breakers_closed()) == {("noisy-a", "webhook")}
        for n in range(10):
            load.remove(due(n, "noisy", sub="noisy-a" if n < 5 else f"noisy-{n}"))
        assert (load.total, dict(load.by_tenant), dict(load.by_endpoint)) == (0, {}, {})


def breakers_closed():  # type: ignore[no-untyped-def]
    return Breakers().view(("any", "webhook"), T0)


class TestBreaker:
    def test_opens_after_failures_in_a_row_and_a_success_resets_the_count(self):
        breakers = Breakers(BreakerPolicy(failures=3, cooldown=30.0, max_cooldown=100.0))
        key = ("desk", "webhook")
        breakers.record(key, Outcome.FAILED, T0)
        breakers.record(key, Outcome.FAILED, T0)
        breakers.record(key, Outcome.OK, T0)
        breakers.record(key, Outcome.FAILED, T0)
        breakers.record(key, Outcome.FAILED, T0)
        assert breakers.view(key, T0).state is State.CLOSED
        assert breakers.record(key, Outcome.FAILED, T0 + 1) is State.OPEN
        assert breakers.view(key, T0 + 30).state is State.OPEN
        assert breakers.view(key, T0 + 31).state is State.HALF_OPEN

    def test_a_failed_probe_doubles_the_cooldown_up_to_the_cap_and_a_good_one_closes(self):
        breakers = Breakers(BreakerPolicy(failures=1, cooldown=30.0, max_cooldown=100.0))
        key = ("desk", "webhook")
        breakers.record(key, Outcome.FAILED, T0)
        breakers.record(key, Outcome.FAILED, T0 + 30)  # the probe
        assert breakers.view(key, T0 + 89).reopens_at == T0 + 90
        breakers.record(key, Outcome.FAILED, T0 + 90)
        assert breakers.view(key, T0 + 90).reopens_at == T0 + 190  # 120 capped at 100
        breakers.record(key, Outcome.OK, T0 + 190)
        assert breakers.view(key, T0 + 190).state is State.CLOSED

    def test_only_silence_and_server_trouble_count(self):
        assert outcome_of(None) is Outcome.OK
        assert outcome_of(RetryableError("no answer within 15s")) is Outcome.FAILED
        assert outcome_of(PermanentError("HTTP 404", status=404)) is Outcome.NEUTRAL
        assert outcome_of(PermanentError("subscription no longer exists"), sent=False) is Outcome.NEUTRAL
        breakers = Breakers(BreakerPolicy(failures=1))
        assert breakers.record(("a", "webhook"), Outcome.NEUTRAL, T0) is State.CLOSED
