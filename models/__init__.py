"""Pydantic v2 wire schemas shared by every Tocsin service."""

from models.alert import Alert
from models.detection import Detection
from models.document import Document, document_id_for
from models.envelope import DOCUMENTS, SCHEMA_VERSION, SIGNALS, Codec, PayloadError
from models.signal import DocumentRef, OutletRef, RuleFiring, Signal
from models.subscription import Subscription, WebhookTarget, decode_webhook_secret

__all__ = [
    "Alert",
    "Codec",
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
    "decode_webhook_secret",
    "document_id_for",
]
