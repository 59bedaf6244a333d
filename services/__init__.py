"""Tocsin services: ingest, detector, API, configuration, logging and the embedded broker."""
