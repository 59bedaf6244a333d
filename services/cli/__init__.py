"""The ``tocsin`` console command: one module per sub-command.

``tocsin run`` composes the whole product on embedded defaults (:mod:`services.cli.embedded`):
the tansu broker, ingest, detect workers, the alerter and the API, under the platform's
supervisor, with a status line (:mod:`services.cli.status_line`).
"""
