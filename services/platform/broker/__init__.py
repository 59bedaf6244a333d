"""The embedded Kafka-protocol broker (tansu) used when no cluster is configured."""

from services.platform.broker.embedded import BrokerStartError, EmbeddedBroker, find_tansu_binary, free_port

__all__ = ["BrokerStartError", "EmbeddedBroker", "find_tansu_binary", "free_port"]
