"""Every pipeline the alerter runs, assembled in one place, apart from the stages' logic.

- a signal: match → group → throttle/dedup → silence → record (one transaction);
- a story whose ``group_wait``/``group_interval`` ended: throttle/dedup → silence → record;
- a due delivery: deliver → retry → dead letter.
"""

from __future__ import annotations

from collections.abc import Callable

from alerts.breaker import Breakers
from alerts.channels import ChannelSet
from alerts.context import Candidate, DeliveryContext, IntakeContext, Outgoing
from alerts.ops import OpsEvents
from alerts.pipeline import MultiStage
from alerts.retry import RetrySchedule
from alerts.stages.dead_letter import DeadLetterStage
from alerts.stages.deliver import DeliverStage
from alerts.stages.group import GroupStage
from alerts.stages.match import MatchStage
from alerts.stages.record import RecordStage
from alerts.stages.retry import RetryStage
from alerts.stages.silence import SilenceStage
from alerts.stages.throttle import ThrottleStage
from services.platform.storage import Database


def signal_pipeline() -> MultiStage[IntakeContext, Candidate]:
    return MultiStage([MatchStage(), GroupStage(), ThrottleStage(), SilenceStage(), RecordStage()])


def flush_pipeline() -> MultiStage[IntakeContext, Candidate]:
    return MultiStage([ThrottleStage(), SilenceStage(), RecordStage()])


def delivery_pipeline(
    db: Database,
    channels: ChannelSet,
    ops: OpsEvents,
    schedule: RetrySchedule,
    clock: Callable[[], float],
    timeout: float,
    breakers: Breakers | None = None,
) -> MultiStage[DeliveryContext, Outgoing]:
    """Pass the dispatcher's ``breakers`` so the circuit breakers learn each outcome."""
    return MultiStage(
        [
            DeliverStage(db, channels, clock, timeout=timeout, breakers=breakers),
            RetryStage(db, schedule, clock),
            DeadLetterStage(db, ops, clock),
        ]
    )
