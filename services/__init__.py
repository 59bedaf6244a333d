"""Tocsin's stages and surfaces, in pipeline order.

``ingest`` → (Kafka) → ``stream`` (one Faust app wiring ``detector``, ``stories`` and
``rules``) → (Kafka) → the alerter (top-level ``alerts``); ``api`` and ``cli`` are the
surfaces; ``platform`` is the shared plumbing every stage stands on and which imports none
of them. See docs/architecture.md.
"""
