"""Reusable test helpers: real loopback servers and service processes (part of the product)."""
