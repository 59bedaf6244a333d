"""Shared plumbing every stage stands on: configuration, storage, Kafka clients, logging,
metrics, outbound-network guard, readiness, supervision and the embedded broker.

Nothing here imports a stage (``services.ingest``, ``services.detector``, ``services.stories``,
``services.rules``, ``services.stream``, ``alerts``, ``services.api``, ``services.cli``): the
stages depend on the platform, never the reverse, so any stage can be run, tested or
replaced on its own.
"""
