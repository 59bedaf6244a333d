"""The HTTP API (FastAPI) and the web console: REST under ``/v1``, the live stream, metrics.

It calls the stages' own stores (the source catalogue in :mod:`services.ingest.catalogue`,
the subscription catalogue in :mod:`alerts.catalogue`); no stage imports the API. API
tokens and tenants live in :mod:`services.api.auth`.
"""
