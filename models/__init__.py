"""Pydantic v2 wire schemas shared by every Tocsin service: every contract that crosses a
process boundary (Kafka envelopes, API bodies, the outbound alert event), and the small rules
every stage must apply the same way (stable ids, name folding, severity order, durations).

Imports nothing from the stages, the alerter or their plumbing: contracts flow one way.
"""

from models.alert import AlertData, AlertEvent, alert_event_schema
from models.detection import Detection
from models.document import Document, document_id_for
from models.envelope import DETECTION_EVENTS, DOCUMENTS, SCHEMA_VERSION, SIGNALS, Codec, PayloadError
from models.signal import DocumentRef, OutletRef, RuleFiring, Signal
from models.subscription import Subscription, WebhookTarget, decode_webhook_secret

__all__ = [
    "AlertData",
    "AlertEvent",
    "Codec",
    "DETECTION_EVENTS",
    "DOCUMENTS",
    "Detection",
    "Document",
    "DocumentRef",
    "OutletRef",
    "PayloadError",
    "RuleFiring",
    "SCHEMA_VERSION",
    "SIGNALS",
    "Signal",
    "Subscription",
    "WebhookTarget",
    "alert_event_schema",
    "decode_webhook_secret",
    "document_id_for",
]
